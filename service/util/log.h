#pragma once

#include <errno.h>
#include <stdarg.h>
#include <syslog.h>

/* The daemon's logging: to the journal with structured fields, or to stderr with -l. Library code (core/,
 * conf/, sock-, nl-) never logs above debug; callers that decide what a failure means log it once. */

typedef enum LogTarget {
        LOG_TARGET_JOURNAL,
        LOG_TARGET_CONSOLE,
} LogTarget;

void log_setup(LogTarget target, int max_level);
int log_get_max_level(void);

/* Logs and returns -abs(error); sets errno from error first so %m prints its text. The optional instance
 * fields go to the journal as VRRP_INSTANCE= and VRRP_VRID=. */
int log_internal(int level, int error, const char *instance, int vrid, const char *file, int line,
                 const char *format, ...) __attribute__((format(printf, 7, 8)));

#define log_full_errno(level, error, ...) log_internal(level, error, NULL, -1, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_debug_errno(error, ...) log_full_errno(LOG_DEBUG, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, error, __VA_ARGS__)
#define log_error_errno(error, ...) log_full_errno(LOG_ERR, error, __VA_ARGS__)

/* Per-instance messages: "NAME: …" on the console, plus structured fields in the journal. */
#define log_instance(level, error, name, vrid, ...) \
        log_internal(level, error, name, vrid, __FILE__, __LINE__, __VA_ARGS__)

#define log_oom() log_error_errno(ENOMEM, "out of memory")
