#pragma once

/* For vrrpd -t: every script line of a config made ready as the daemon makes it at start
 * (script_config_command(), which logs why one cannot run). A script that cannot run is disabled at start
 * and VRRP goes on (keepalived: "Disabling track script ... since not found/accessible"), so -t reports
 * each such script, with the words and location it has in the file, as a warning. */

#include <stdbool.h>
#include <stddef.h>

typedef struct Config Config;
typedef struct ConfLoc ConfLoc;

/* what: "vrrp_script 'chk'", "VI_1: notify_master script", "notify_fifo_script", "notify_fifo '/path'";
 * problem: "cannot run", "is not a FIFO", "cannot be made"; loc NULL when unknown. */
typedef void (*script_check_report_t)(const char *what, const char *problem, const ConfLoc *loc,
                                      void *userdata);

/* Also the notify FIFOs' paths. Returns how many scripts and FIFOs a start would go without. quiet: logs
 * nothing (report still says each). */
size_t script_check_config(const Config *c, bool quiet, script_check_report_t report, void *userdata);
