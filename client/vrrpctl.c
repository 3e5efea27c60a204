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
        { "maintenance", "NAME on|off [--persistent]", 2, 2, FALSE, ctl_control_maintenance,
          ctl_control_check_maintenance },
        { "demote", "TAG AMOUNT [--instance NAME|--sync-group NAME] | TAG --clear", 1, 2, FALSE, ctl_demote,
          ctl_demote_check },
        { "demotions", "", 0, 0, TRUE, ctl_demote_list },
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
        "                             (--persistent: also after a restart or reboot)\n"
        "  demote TAG AMOUNT          Lower every instance's priority (or --instance NAME's or\n"
        "                             --sync-group NAME's) by AMOUNT under TAG; again replaces\n"
        "  demote TAG --clear         Drop the demotion TAG\n"
        "  demotions                  List the demotions: tag, target, amount\n"
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
static gboolean arg_persistent = FALSE;
static gboolean arg_clear = FALSE;
static char *arg_instance = NULL;
static char *arg_sync_group = NULL;

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
        { "persistent", 0, 0, G_OPTION_ARG_NONE, &arg_persistent,
          "maintenance: keep it across restarts and reboots (off forgets it)", NULL },
        { "instance", 0, 0, G_OPTION_ARG_STRING, &arg_instance, "demote: only this instance", "NAME" },
        { "sync-group", 0, 0, G_OPTION_ARG_STRING, &arg_sync_group, "demote: only this sync group's members",
          "NAME" },
        { "clear", 0, 0, G_OPTION_ARG_NONE, &arg_clear, "demote: drop the demotion TAG", NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, &arg_version, "Show the version", NULL },
        {},
};

static const CtlCommand *ctl_find_command(const char *name) {
        for (gsize i = 0; i < G_N_ELEMENTS(ctl_commands); i++)
                if (g_str_equal(ctl_commands[i].name, name))
                        return &ctl_commands[i];
        return NULL;
}

/* The options that belong to one verb (maintenance --persistent; demote --clear, --instance, --sync-group),
 * and demote's two forms: the reason it is a usage error, or NULL. */
static const char *ctl_check_verb_options(const CtlCommand *c, guint n) {
        const gboolean demote = c->verb == ctl_demote;

        if (arg_persistent && c->verb != ctl_control_maintenance)
                return "--persistent only applies to maintenance";
        if ((arg_clear || arg_instance || arg_sync_group) && !demote)
                return "--clear, --instance and --sync-group only apply to demote";
        if (arg_instance && arg_sync_group)
                return "demote takes --instance or --sync-group, not both";
        if (demote && arg_clear && (n != 1 || arg_instance || arg_sync_group))
                return "usage: vrrpctl demote TAG --clear";
        if (demote && !arg_clear && n != 2)
                return "usage: vrrpctl demote TAG AMOUNT [--instance NAME|--sync-group NAME]";
        return NULL;
}

/* Usage errors say what was wrong in one line and exit 2; nothing has touched the bus yet. */
static const CtlCommand *ctl_check_usage(int argc, char **argv) {
        const CtlCommand *c = ctl_find_command(argc > 1 ? argv[1] : "list");
        const guint n = argc > 2 ? (guint) argc - 2 : 0;
        g_autoptr(GError) error = NULL;
        const char *wrong;

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
        if ((wrong = ctl_check_verb_options(c, n))) {
                g_printerr("vrrpctl: %s\n", wrong);
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
                             .all = arg_all,
                             .persistent = arg_persistent,
                             .clear = arg_clear,
                             .instance = arg_instance,
                             .sync_group = arg_sync_group };

        connection = ctl_bus_open(&error);
        if (!connection) {
                g_printerr("vrrpctl: cannot reach vrrpd, the system bus is not available: %s\n",
                           error->message);
                return EXIT_FAILURE;
        }
        const CtlBus bus = { .connection = connection, .name = arg_bus_name ?: VRRPD_BUS_NAME };
        return c->verb(&bus, &opts, argc > 2 ? argv + 2 : argv + argc);
}
