#include <gio/gio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-bus.h"
#include "ctl-output.h"
#include "ctl-verbs.h"
#include "ctl.h"

typedef struct CtlCommand {
        const char *name;
        const char *args; /* for the usage message */
        guint min_args, max_args;
        gboolean json; /* takes --json */
        CtlVerb verb;
        CtlCheck check;
} CtlCommand;

static const CtlCommand ctl_commands[] = {
        { "list", "", 0, 0, TRUE, ctl_list },
        { "status", "[NAME...]", 0, G_MAXUINT, TRUE, ctl_status },
        { "set-priority", "NAME N", 2, 2, FALSE, ctl_control_set_priority, ctl_control_check_set_priority },
        { "reset-priority", "NAME", 1, 1, FALSE, ctl_control_reset_priority },
        { "maintenance", "NAME on|off", 2, 2, FALSE, ctl_control_maintenance,
          ctl_control_check_maintenance },
        { "garp", "NAME", 1, 1, FALSE, ctl_control_garp },
        { "reload", "", 0, 0, TRUE, ctl_control_reload },
        { "monitor", "", 0, 0, TRUE, ctl_monitor },
        { "is-master", "NAME", 1, 1, TRUE, ctl_list_is_master },
        { "metrics", "", 0, 0, TRUE, ctl_metrics },
};

static const char ctl_summary[] =
        "Query and control vrrpd, the VRRP daemon, over the system bus (" VRRPD_BUS_NAME ", or the name\n"
        "--bus-name gives: a daemon with dbus_service_name, such as one per network namespace).\n"
        "\n"
        "Commands:\n"
        "  list                       List instances: name, interface, state, VRID, priority (default)\n"
        "  status [NAME...]           Show the state, priorities, addresses, tracks and counters\n"
        "  set-priority NAME N        Override the priority (1-254) until reset or restart\n"
        "  reset-priority NAME        Drop a priority override\n"
        "  maintenance NAME on|off    Give up mastership and stay backup, or resume\n"
        "  garp NAME                  Re-announce the virtual addresses (when master)\n"
        "  reload                     Reload the configuration atomically\n"
        "  monitor                    Print state changes until interrupted\n"
        "  is-master NAME             Exit 0 if the instance is master, 1 if not\n"
        "  metrics                    Print state, priority and counters as Prometheus text";

/* Parsed options: the only globals, as STYLE §2 allows in the file with main(). */
static CtlJson arg_json = CTL_JSON_OFF;
static gboolean arg_no_legend = FALSE;
static gboolean arg_no_pager = FALSE;
static gboolean arg_quiet = FALSE;
static gboolean arg_notify = FALSE;
static gboolean arg_all = FALSE;
static gboolean arg_version = FALSE;
static char *arg_bus_name = NULL;

static gboolean ctl_parse_json(const char *option, const char *value, gpointer data, GError **error) {
        if (!value || g_str_equal(value, "short"))
                arg_json = CTL_JSON_SHORT;
        else if (g_str_equal(value, "pretty"))
                arg_json = CTL_JSON_PRETTY;
        else {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "--json takes 'short' or 'pretty', not '%s'", value);
                return FALSE;
        }
        return TRUE;
}

static const GOptionEntry ctl_entries[] = {
        { "json", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer) ctl_parse_json,
          "Print JSON (short or pretty; monitor prints JSON lines)", "short|pretty" },
        { "no-legend", 0, 0, G_OPTION_ARG_NONE, &arg_no_legend, "Print no column headers and footer", NULL },
        { "no-pager", 0, 0, G_OPTION_ARG_NONE, &arg_no_pager,
          "Accepted for systemctl habits; vrrpctl does not page", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &arg_quiet, "is-master: print nothing, only set the exit code",
          NULL },
        { "notify", 0, 0, G_OPTION_ARG_NONE, &arg_notify,
          "monitor: also post a desktop notification per change", NULL },
        { "all", 'a', 0, G_OPTION_ARG_NONE, &arg_all, "status: every counter, the zeros too", NULL },
        { "bus-name", 0, 0, G_OPTION_ARG_STRING, &arg_bus_name,
          "Talk to the vrrpd owning NAME (its dbus_service_name; default " VRRPD_BUS_NAME ")", "NAME" },
        { "version", 0, 0, G_OPTION_ARG_NONE, &arg_version, "Show the version", NULL },
        {},
};

static const CtlCommand *ctl_find_command(const char *name) {
        for (gsize i = 0; i < G_N_ELEMENTS(ctl_commands); i++)
                if (g_str_equal(ctl_commands[i].name, name))
                        return &ctl_commands[i];
        return NULL;
}

/* Usage errors say what was wrong in one line and exit 2; nothing has touched the bus yet. */
static const CtlCommand *ctl_check_usage(int argc, char **argv) {
        const CtlCommand *c = ctl_find_command(argc > 1 ? argv[1] : "list");
        const guint n = argc > 2 ? (guint) argc - 2 : 0;
        g_autoptr(GError) error = NULL;

        if (!c) {
                g_printerr("vrrpctl: unknown command '%s'; see 'vrrpctl --help'\n", argv[1]);
                return NULL;
        }
        if (n < c->min_args || n > c->max_args) {
                g_printerr("vrrpctl: usage: vrrpctl %s%s%s\n", c->name, *c->args ? " " : "", c->args);
                return NULL;
        }
        if (arg_json != CTL_JSON_OFF && !c->json) {
                g_printerr("vrrpctl: %s has no JSON output\n", c->name);
                return NULL;
        }
        if ((arg_notify && c->verb != ctl_monitor) || (arg_quiet && c->verb != ctl_list_is_master)) {
                g_printerr("vrrpctl: %s only applies to %s\n", arg_notify ? "--notify" : "--quiet",
                           arg_notify ? "monitor" : "is-master");
                return NULL;
        }
        if (arg_bus_name && !ctl_bus_name_check(arg_bus_name, &error)) {
                g_printerr("vrrpctl: %s\n", error->message);
                return NULL;
        }
        if (c->check && !c->check(argv + 2, &error)) {
                g_printerr("vrrpctl: %s\n", error->message);
                return NULL;
        }
        return c;
}

int main(int argc, char *argv[]) {
        g_autoptr(GOptionContext) ctx = g_option_context_new("[COMMAND [ARG...]]");
        g_autoptr(GError) error = NULL;
        g_autoptr(GDBusConnection) connection = NULL;
        const CtlCommand *c;
        CtlOptions opts;

        setlocale(LC_ALL, "");
        g_option_context_add_main_entries(ctx, ctl_entries, NULL);
        g_option_context_set_summary(ctx, ctl_summary);
        if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
                g_printerr("vrrpctl: %s\n", error->message);
                return CTL_EXIT_USAGE;
        }
        if (arg_version) {
                g_print("vrrpctl %s\n", VRRPD_VERSION);
                return EXIT_SUCCESS;
        }
        c = ctl_check_usage(argc, argv);
        if (!c)
                return CTL_EXIT_USAGE;
        opts = (CtlOptions){ .json = arg_json,
                             .legend = !arg_no_legend,
                             .color = ctl_output_want_color(),
                             .quiet = arg_quiet,
                             .notify = arg_notify,
                             .all = arg_all };

        connection = ctl_bus_open(&error);
        if (!connection) {
                g_printerr("vrrpctl: cannot reach vrrpd, the system bus is not available: %s\n",
                           error->message);
                return EXIT_FAILURE;
        }
        const CtlBus bus = { .connection = connection, .name = arg_bus_name ?: VRRPD_BUS_NAME };
        return c->verb(&bus, &opts, argc > 2 ? argv + 2 : argv + argc);
}
