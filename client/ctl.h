#pragma once

#include <gio/gio.h>

/* What the command line asked for, shared by every verb; parsed once in vrrpctl.c. */
typedef enum CtlJson {
        CTL_JSON_OFF,
        CTL_JSON_SHORT,
        CTL_JSON_PRETTY,
} CtlJson;

typedef struct CtlOptions {
        CtlJson json;
        gboolean legend;
        gboolean color; /* stdout is a tty, TERM is not dumb and NO_COLOR is unset */
        gboolean quiet;
        gboolean notify;
        gboolean all;           /* status: every counter, zeros too */
        gboolean persistent;    /* maintenance --persistent */
        gboolean clear;         /* demote --clear */
        const char *instance;   /* demote --instance NAME */
        const char *sync_group; /* demote --sync-group NAME */
} CtlOptions;

/* The system bus and the name the daemon owns there (--bus-name; default org.vrrpd.Vrrp1): every call and
 * match goes to that name. */
typedef struct CtlBus {
        GDBusConnection *connection;
        const char *name;
} CtlBus;

#define CTL_EXIT_USAGE 2
