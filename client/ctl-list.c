#include <stdlib.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-output.h"
#include "ctl-verbs.h"

static GVariant *ctl_list_json(GVariant *instances) {
        GVariantBuilder b;
        GVariantIter iter;
        const char *name, *path, *ifname, *state;
        guchar vrid, prio;

        g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
        g_variant_iter_init(&iter, instances);
        while (g_variant_iter_next(&iter, "(&s&o&s&syy)", &name, &path, &ifname, &state, &vrid, &prio))
                g_variant_builder_add_parsed(
                        &b,
                        "{'name': <%s>, 'path': <%o>, 'interface': <%s>, 'state': <%s>, "
                        "'vrid': <%y>, 'priority': <%y>}",
                        name, path, ifname, state, vrid, prio);
        return g_variant_builder_end(&b);
}

static void ctl_list_table(GVariant *instances, const CtlOptions *opts) {
        static const char *const headers[] = { "NAME", "INTERFACE", "STATE", "VRID", "PRIORITY" };
        g_autoptr(CtlTable) t = ctl_output_table_new(G_N_ELEMENTS(headers), headers);
        GVariantIter iter;
        const char *name, *ifname, *state;
        guchar vrid, prio;

        g_variant_iter_init(&iter, instances);
        while (g_variant_iter_next(&iter, "(&s&o&s&syy)", &name, NULL, &ifname, &state, &vrid, &prio)) {
                g_autofree char *vrid_s = g_strdup_printf("%u", vrid);
                g_autofree char *prio_s = g_strdup_printf("%u", prio);
                const char *row[] = { name, ifname, state, vrid_s, prio_s };

                ctl_output_table_add(t, row);
        }
        ctl_output_table_print(t, opts->legend, 2, opts->color);
}

int ctl_list(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariant) instances = NULL;

        reply = ctl_bus_call_manager(bus, "ListInstances", NULL, "(a(sossyy))", &error);
        if (!reply)
                return ctl_bus_report(bus, error);
        instances = g_variant_get_child_value(reply, 0);
        if (opts->json != CTL_JSON_OFF)
                ctl_json_print(ctl_list_json(instances), opts->json);
        else
                ctl_list_table(instances, opts);
        return EXIT_SUCCESS;
}

/* For scripts and cron: exit 0 when master, 1 otherwise (including errors); prints the state unless -q. */
int ctl_list_is_master(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL;
        g_autoptr(GVariant) props = NULL;
        const char *state;
        gboolean master;

        path = ctl_bus_instance_path(bus, args[0], &error);
        if (path)
                props = ctl_bus_get_all(bus, path, &error);
        if (!props)
                return ctl_bus_report(bus, error);
        state = ctl_bus_prop_str(props, "State");
        master = g_str_equal(state, "master");
        if (opts->json != CTL_JSON_OFF)
                ctl_json_print(g_variant_new_parsed("{'name': <%s>, 'state': <%s>, 'master': <%b>}", args[0],
                                                    state, master),
                               opts->json);
        else if (!opts->quiet)
                g_print("%s\n", state);
        return master ? EXIT_SUCCESS : EXIT_FAILURE;
}
