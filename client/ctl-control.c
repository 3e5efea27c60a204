#include <stdlib.h>
#include <string.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-verbs.h"

static int ctl_control_call(const CtlBus *bus, const char *name, const char *method, GVariant *params) {
        g_autoptr(GError) error = NULL;

        if (!ctl_bus_call_instance(bus, name, method, params, &error))
                return ctl_bus_report(bus, error);
        return EXIT_SUCCESS;
}

gboolean ctl_control_parse_byte(const char *s, guint min, guint max, const char *what, guchar *ret,
                                GError **error) {
        guint64 v;

        if (!g_ascii_string_to_unsigned(s, 10, min, max, &v, NULL)) {
                g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                            "%s must be a number from %u to %u, not '%s'", what, min, max, s);
                return FALSE;
        }
        if (ret)
                *ret = (guchar) v;
        return TRUE;
}

/* set-priority NAME N: 1–254 as the daemon takes (255 is an owner's, 0 means "resign"); checked before the
 * bus is touched, so a typo is a usage error rather than a round trip. */
static gboolean ctl_control_parse_priority(const char *s, guchar *ret, GError **error) {
        return ctl_control_parse_byte(s, 1, 254, "priority", ret, error);
}

gboolean ctl_control_check_set_priority(char **args, GError **error) {
        return ctl_control_parse_priority(args[1], NULL, error);
}

int ctl_control_set_priority(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        guchar prio;

        if (!ctl_control_parse_priority(args[1], &prio, &error)) {
                g_printerr("vrrpctl: %s\n", error->message);
                return CTL_EXIT_USAGE;
        }
        return ctl_control_call(bus, args[0], "SetPriority", g_variant_new("(y)", prio));
}

int ctl_control_reset_priority(const CtlBus *bus, const CtlOptions *opts, char **args) {
        return ctl_control_call(bus, args[0], "ResetPriority", NULL);
}

static gboolean ctl_control_parse_switch(const char *s, gboolean *ret, GError **error) {
        static const char *const yes[] = { "on", "yes", "true", "1" };
        static const char *const no[] = { "off", "no", "false", "0" };

        for (gsize i = 0; i < G_N_ELEMENTS(yes); i++)
                if (g_ascii_strcasecmp(s, yes[i]) == 0 || g_ascii_strcasecmp(s, no[i]) == 0) {
                        if (ret)
                                *ret = g_ascii_strcasecmp(s, yes[i]) == 0;
                        return TRUE;
                }
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "maintenance takes 'on' or 'off', not '%s'", s);
        return FALSE;
}

gboolean ctl_control_check_maintenance(char **args, GError **error) {
        return ctl_control_parse_switch(args[1], NULL, error);
}

int ctl_control_maintenance(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        gboolean on;

        if (!ctl_control_parse_switch(args[1], &on, &error)) {
                g_printerr("vrrpctl: %s\n", error->message);
                return CTL_EXIT_USAGE;
        }
        return ctl_control_call(bus, args[0], opts->persistent ? "SetPersistentMaintenance" : "SetMaintenance",
                                g_variant_new("(b)", on));
}

int ctl_control_garp(const CtlBus *bus, const CtlOptions *opts, char **args) {
        return ctl_control_call(bus, args[0], "SendGratuitousArp", NULL);
}

static void ctl_control_print_names(const char *label, const char *const *names) {
        g_autofree char *joined = g_strjoinv(", ", (char **) names);

        if (names[0])
                g_print("%s: %s\n", label, joined);
}

/* reload: the daemon's summary, or its InvalidConfig error whose message is already file:line:column. */
int ctl_control_reload(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autofree const char **added = NULL, **removed = NULL, **changed = NULL;

        reply = ctl_bus_call_manager(bus, "Reload", NULL, "(asasas)", &error);
        if (!reply)
                return ctl_bus_report(bus, error);
        g_variant_get(reply, "(^a&s^a&s^a&s)", &added, &removed, &changed);
        if (opts->json != CTL_JSON_OFF) {
                ctl_json_print(
                        g_variant_new_parsed("{'added': <%^as>, 'removed': <%^as>, 'changed': <%^as>}",
                                             added, removed, changed),
                        opts->json);
                return EXIT_SUCCESS;
        }
        if (!added[0] && !removed[0] && !changed[0]) {
                g_print("reloaded: no instance added, removed or changed\n");
                return EXIT_SUCCESS;
        }
        ctl_control_print_names("added", added);
        ctl_control_print_names("removed", removed);
        ctl_control_print_names("changed", changed);
        return EXIT_SUCCESS;
}
