#include <stdlib.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-output.h"
#include "ctl-verbs.h"

/* Each instance's problems, by object path, from one GetManagedObjects: split-brain, maintenance, its own faults
 * (Faults), tracks-down. Empty when the daemon cannot say (an older one): then nobody has any. */
static GPtrArray *ctl_list_problems_of(GVariant *props) {
        GPtrArray *p = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GVariant) faults = g_variant_lookup_value(props, "Faults", G_VARIANT_TYPE("as"));
        g_autoptr(GVariant) tracks = g_variant_lookup_value(props, "Tracks", G_VARIANT_TYPE("a(ssbi)"));
        GVariantIter iter;
        const char *s;
        gboolean up, down = FALSE;

        if (ctl_bus_prop_bool(props, "SplitBrain"))
                g_ptr_array_add(p, g_strdup("split-brain"));
        if (ctl_bus_prop_bool(props, "Maintenance"))
                g_ptr_array_add(p, g_strdup("maintenance"));
        if (faults) {
                g_variant_iter_init(&iter, faults);
                while (g_variant_iter_next(&iter, "&s", &s))
                        g_ptr_array_add(p, g_strdup(s));
        }
        if (tracks) {
                g_variant_iter_init(&iter, tracks);
                while (g_variant_iter_next(&iter, "(&s&sbi)", NULL, NULL, &up, NULL))
                        down = down || !up;
        }
        if (down)
                g_ptr_array_add(p, g_strdup("tracks-down"));
        return p;
}

static GHashTable *ctl_list_problems(const CtlBus *bus) {
        GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
        g_autoptr(GVariant) reply = ctl_bus_get_managed_objects(bus, NULL);
        g_autoptr(GVariantIter) objects = NULL;
        const char *path;
        GVariant *ifaces;

        if (!reply)
                return out;
        g_variant_get(reply, "(a{oa{sa{sv}}})", &objects);
        while (g_variant_iter_next(objects, "{&o@a{sa{sv}}}", &path, &ifaces)) {
                g_autoptr(GVariant) props = g_variant_lookup_value(ifaces, VRRPD_BUS_INSTANCE_INTERFACE, NULL);

                if (props)
                        g_hash_table_insert(out, g_strdup(path), ctl_list_problems_of(props));
                g_variant_unref(ifaces);
        }
        return out;
}

static GVariant *ctl_list_json(GVariant *instances, GHashTable *problems) {
        GVariantBuilder b;
        GVariantIter iter;
        const char *name, *path, *ifname, *state;
        guchar vrid, prio;

        g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
        g_variant_iter_init(&iter, instances);
        while (g_variant_iter_next(&iter, "(&s&o&s&syy)", &name, &path, &ifname, &state, &vrid, &prio)) {
                GPtrArray *p = g_hash_table_lookup(problems, path);
                GVariantBuilder list;

                g_variant_builder_init(&list, G_VARIANT_TYPE("as"));
                for (guint k = 0; p && k < p->len; k++)
                        g_variant_builder_add(&list, "s", g_ptr_array_index(p, k));
                g_variant_builder_add_parsed(
                        &b,
                        "{'name': <%s>, 'path': <%o>, 'interface': <%s>, 'state': <%s>, "
                        "'vrid': <%y>, 'priority': <%y>, 'problems': <%@as>}",
                        name, path, ifname, state, vrid, prio, g_variant_builder_end(&list));
        }
        return g_variant_builder_end(&b);
}

static void ctl_list_table(GVariant *instances, GHashTable *problems, const CtlOptions *opts) {
        static const char *const headers[] = { "NAME", "INTERFACE", "STATE", "VRID", "PRIORITY", "PROBLEMS" };
        g_autoptr(CtlTable) t = ctl_output_table_new(G_N_ELEMENTS(headers), headers);
        GVariantIter iter;
        const char *name, *path, *ifname, *state;
        guchar vrid, prio;

        g_variant_iter_init(&iter, instances);
        while (g_variant_iter_next(&iter, "(&s&o&s&syy)", &name, &path, &ifname, &state, &vrid, &prio)) {
                GPtrArray *p = g_hash_table_lookup(problems, path);
                g_autofree char *vrid_s = g_strdup_printf("%u", vrid);
                g_autofree char *prio_s = g_strdup_printf("%u", prio);
                g_autofree char *prob = NULL;
                const char *row[] = { name, ifname, state, vrid_s, prio_s, NULL };

                if (p && p->len > 0) {
                        g_ptr_array_add(p, NULL);
                        prob = g_strjoinv(",", (char **) p->pdata);
                        g_ptr_array_remove_index(p, p->len - 1);
                }
                row[5] = prob ? prob : "-";

                ctl_output_table_add(t, row);
        }
        ctl_output_table_print(t, opts->legend, 2, opts->color);
}

int ctl_list(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariant) instances = NULL;
        g_autoptr(GHashTable) problems = NULL;

        reply = ctl_bus_call_manager(bus, "ListInstances", NULL, "(a(sossyy))", &error);
        if (!reply)
                return ctl_bus_report(bus, error);
        instances = g_variant_get_child_value(reply, 0);
        problems = ctl_list_problems(bus);
        if (opts->json != CTL_JSON_OFF)
                ctl_json_print(ctl_list_json(instances, problems), opts->json);
        else
                ctl_list_table(instances, problems, opts);
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
