#include <stdlib.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-output.h"
#include "ctl-verbs.h"

/* networkctl status's shape: a bullet and the name, then right-aligned labels. */
#define CTL_STATUS_LABEL_WIDTH 17

static void ctl_status_field(const char *label, const char *value) {
        g_print("%*s: %s\n", CTL_STATUS_LABEL_WIDTH, label, value);
}

static void ctl_status_list(const char *label, GVariant *props, const char *key) {
        g_autofree const char **items = NULL;
        g_autoptr(GVariant) v = g_variant_lookup_value(props, key, G_VARIANT_TYPE("as"));

        if (!v || g_variant_n_children(v) == 0)
                return;
        items = g_variant_get_strv(v, NULL);
        for (gsize i = 0; items[i]; i++)
                g_print("%*s%s %s\n", CTL_STATUS_LABEL_WIDTH, i == 0 ? label : "", i == 0 ? ":" : " ",
                        items[i]);
}

/* use_vmac: "00:00:5e:00:01:33 on vrrp.51" */
static void ctl_status_vmac(GVariant *props) {
        g_autofree char *line = g_strdup_printf("%s on %s", ctl_bus_prop_str(props, "VirtualMac"),
                                                ctl_bus_prop_str(props, "VirtualMacInterface"));

        ctl_status_field("Virtual MAC", line);
}

/* A process track's state and count from the Manager's TrackedProcesses: "; 2 running, quorum 1..3" */
static char *ctl_status_process(GVariant *manager, const char *name, gboolean *ret_unknown) {
        g_autoptr(GVariant) v = manager ? g_variant_lookup_value(manager, "TrackedProcesses",
                                                                 G_VARIANT_TYPE("a(ssuuu)"))
                                        : NULL;
        GVariantIter iter;
        const char *n, *state;
        guint32 count, quorum, quorum_max;

        *ret_unknown = FALSE;
        if (!v)
                return g_strdup("");
        g_variant_iter_init(&iter, v);
        while (g_variant_iter_next(&iter, "(&s&suuu)", &n, &state, &count, &quorum, &quorum_max))
                if (g_str_equal(n, name)) {
                        g_autofree char *max = quorum_max == G_MAXUINT32 ? g_strdup("")
                                                                         : g_strdup_printf("%u", quorum_max);

                        *ret_unknown = g_str_equal(state, "unknown");
                        return g_strdup_printf("; %u running, quorum %u..%s", count, quorum, max);
                }
        return g_strdup("");
}

static void ctl_status_tracks(GVariant *props, GVariant *manager, gboolean color) {
        g_autoptr(GVariant) v = g_variant_lookup_value(props, "Tracks", G_VARIANT_TYPE("a(ssbi)"));
        GVariantIter iter;
        const char *kind, *name;
        gboolean up, processes = FALSE;
        gint32 weight;
        gboolean first = TRUE;

        if (!v)
                return;
        g_variant_iter_init(&iter, v);
        while (g_variant_iter_next(&iter, "(&s&sbi)", &kind, &name, &up, &weight)) {
                gboolean unknown = FALSE;
                g_autofree char *more = g_str_equal(kind, "process") ? ctl_status_process(manager, name, &unknown)
                                                                     : g_strdup("");
                g_autofree char *word = unknown ? g_strdup("unknown") : ctl_output_up(up, color);

                processes |= g_str_equal(kind, "process");
                g_print("%*s%s %s '%s' %s (weight %+d%s)\n", CTL_STATUS_LABEL_WIDTH, first ? "Tracks" : "",
                        first ? ":" : " ", kind, name, word, weight, more);
                first = FALSE;
        }
        if (processes && manager && *ctl_bus_prop_str(manager, "ProcessEvents"))
                ctl_status_field("Process Events", ctl_bus_prop_str(manager, "ProcessEvents"));
}

/* VirtualRoutes / VirtualRules a(sb): each as ip(8) writes it, and whether it is in the kernel */
static void ctl_status_routes(const char *label, GVariant *props, const char *key) {
        g_autoptr(GVariant) v = g_variant_lookup_value(props, key, G_VARIANT_TYPE("a(sb)"));
        GVariantIter iter;
        const char *text;
        gboolean in;
        gboolean first = TRUE;

        if (!v)
                return;
        g_variant_iter_init(&iter, v);
        while (g_variant_iter_next(&iter, "(&sb)", &text, &in)) {
                g_print("%*s%s %s%s\n", CTL_STATUS_LABEL_WIDTH, first ? label : "", first ? ":" : " ", text,
                        in ? "" : " (not installed)");
                first = FALSE;
        }
}

/* Peers a(sytt): "192.0.2.1 (priority 150, last heard 14:02:03)"; SplitBrain in red. */
static void ctl_status_peers(GVariant *props, gboolean color) {
        g_autoptr(GVariant) v = g_variant_lookup_value(props, "Peers", G_VARIANT_TYPE("a(sytt)"));
        GVariantIter iter;
        const char *addr;
        guint8 prio;
        guint64 last;
        gboolean first = TRUE;

        if (v) {
                g_variant_iter_init(&iter, v);
                while (g_variant_iter_next(&iter, "(&sytt)", &addr, &prio, NULL, &last)) {
                        g_autofree char *when = ctl_output_timestamp(last);

                        g_print("%*s%s %s (priority %u, last heard %s)\n", CTL_STATUS_LABEL_WIDTH,
                                first ? "Peers" : "", first ? ":" : " ", addr, prio, when);
                        first = FALSE;
                }
        }
        if (ctl_bus_prop_bool(props, "SplitBrain"))
                g_print("%*s: %sYES: another router is master too%s\n", CTL_STATUS_LABEL_WIDTH, "Split Brain",
                        color ? ctl_output_state_color("fault") : "", color ? ctl_output_color_off() : "");
}

/* The totals, then only the counters that counted something (networkctl keeps to what matters); all: every
 * one. */
static void ctl_status_counters(GVariant *props, gboolean all) {
        g_autoptr(GVariant) v = g_variant_lookup_value(props, "Statistics", G_VARIANT_TYPE("a{st}"));
        GVariantIter iter;
        const char *key;
        guint64 value;
        gboolean first = TRUE;

        if (!v)
                return;
        g_variant_iter_init(&iter, v);
        while (g_variant_iter_next(&iter, "{&st}", &key, &value)) {
                if (!all && value == 0 && !g_str_equal(key, "adverts-sent") && !g_str_equal(key, "adverts-received"))
                        continue;
                g_print("%*s%s %s: %" G_GUINT64_FORMAT "\n", CTL_STATUS_LABEL_WIDTH, first ? "Counters" : "",
                        first ? ":" : " ", key, value);
                first = FALSE;
        }
}

static void ctl_status_block(GVariant *props, GVariant *manager, const char *netns, gboolean color,
                             gboolean all) {
        const char *state = ctl_bus_prop_str(props, "State");
        const char *master = ctl_bus_prop_str(props, "MasterAddress");
        const guint eff = ctl_bus_prop_byte(props, "EffectivePriority"),
                    conf = ctl_bus_prop_byte(props, "Priority");
        g_autofree char *state_s = ctl_output_state(state, color);
        g_autofree char *when = ctl_output_timestamp(ctl_bus_prop_u64(props, "LastTransitionUSec"));
        g_autofree char *state_line = NULL, *vrid = NULL, *prio = NULL, *trans = NULL;

        state_line = g_strdup_printf("%s%s", state_s,
                                     ctl_bus_prop_bool(props, "Maintenance") ? " (maintenance)" : "");
        vrid = g_strdup_printf("%u (VRRPv%u, %s)", ctl_bus_prop_byte(props, "VirtualRouterId"),
                               ctl_bus_prop_byte(props, "ProtocolVersion"),
                               ctl_bus_prop_str(props, "Family"));
        prio = g_strdup_printf("%u (configured %u)", eff, conf);
        trans = g_strdup_printf("%s (%s)", when, ctl_bus_prop_str(props, "LastTransitionReason"));

        g_print("%s%s%s %s\n", color ? ctl_output_state_color(state) : "", g_get_charset(NULL) ? "●" : "*",
                color ? ctl_output_color_off() : "", ctl_bus_prop_str(props, "Name"));
        ctl_status_field("State", state_line);
        ctl_status_field("Interface", *ctl_bus_prop_str(props, "Interface") ? ctl_bus_prop_str(props, "Interface")
                                                                             : "none (unicast, any interface)");
        if (*netns)
                ctl_status_field("Network Namespace", netns);
        if (*ctl_bus_prop_str(props, "VirtualMacInterface"))
                ctl_status_vmac(props);
        ctl_status_field("VRID", vrid);
        ctl_status_field("Priority", prio);
        ctl_status_field("Master Address", *master ? master : "n/a");
        ctl_status_peers(props, color);
        ctl_status_list("Virtual Addresses", props, "VirtualAddresses");
        ctl_status_list("Unicast Peers", props, "UnicastPeers");
        ctl_status_routes("Virtual Routes", props, "VirtualRoutes");
        ctl_status_routes("Virtual Rules", props, "VirtualRules");
        if (*ctl_bus_prop_str(props, "SyncGroup"))
                ctl_status_field("Sync Group", ctl_bus_prop_str(props, "SyncGroup"));
        ctl_status_tracks(props, manager, color);
        ctl_status_list("Faults", props, "Faults");
        ctl_status_field("Last Transition", trans);
        ctl_status_counters(props, all);
}

/* SmtpAlerts: "192.0.2.25:25, 3 sent, 1 failed (last: could not connect)"; NULL when none is configured. */
static char *ctl_status_smtp(GVariant *manager) {
        g_autoptr(GVariant) v = g_variant_lookup_value(manager, "SmtpAlerts", G_VARIANT_TYPE("(stttus)"));
        const char *server, *error;
        guint64 sent, failed, dropped;
        guint32 queued;
        GString *out;

        if (!v)
                return NULL;
        g_variant_get(v, "(&stttu&s)", &server, &sent, &failed, &dropped, &queued, &error);
        if (!*server && sent + failed + dropped == 0)
                return NULL;
        out = g_string_new(NULL);
        g_string_printf(out, "%s, %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " failed",
                        *server ? server : "none configured", sent, failed);
        if (dropped)
                g_string_append_printf(out, ", %" G_GUINT64_FORMAT " dropped", dropped);
        if (queued)
                g_string_append_printf(out, ", %u queued", queued);
        if (*error)
                g_string_append_printf(out, " (last: %s)", error);
        return g_string_free(out, FALSE);
}

/* What concerns the whole daemon, after the instances: SMTP alerts and the scripts left out. */
static void ctl_status_daemon(GVariant *manager) {
        g_autoptr(GVariant) disabled = g_variant_lookup_value(manager, "DisabledScripts", G_VARIANT_TYPE("a(ss)"));
        g_autofree char *smtp = ctl_status_smtp(manager);
        GVariantIter iter;
        const char *what, *problem;
        gboolean first = TRUE;

        if (!smtp && (!disabled || g_variant_n_children(disabled) == 0))
                return;
        g_print("\nvrrpd\n");
        if (smtp)
                ctl_status_field("SMTP Alerts", smtp);
        if (!disabled)
                return;
        g_variant_iter_init(&iter, disabled);
        while (g_variant_iter_next(&iter, "(&s&s)", &what, &problem)) {
                g_print("%*s%s %s (%s)\n", CTL_STATUS_LABEL_WIDTH, first ? "Disabled Scripts" : "", first ? ":" : " ",
                        what, problem);
                first = FALSE;
        }
}

/* a(sb) (VirtualRoutes, VirtualRules) as [{"route": ..., "installed": ...}] */
static GVariant *ctl_status_json_routes(GVariant *value) {
        GVariantBuilder b;
        GVariantIter iter;
        const char *text;
        gboolean in;

        g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
        g_variant_iter_init(&iter, value);
        while (g_variant_iter_next(&iter, "(&sb)", &text, &in))
                g_variant_builder_add_parsed(&b, "{'route': <%s>, 'installed': <%b>}", text, in);
        return g_variant_builder_end(&b);
}

/* Tracks a(ssbi) reads better in JSON as objects; everything else is the property dictionary as it is, and
 * the daemon's NetworkNamespace beside it. */
static GVariant *ctl_status_json_one(GVariant *props, const char *netns) {
        GVariantBuilder b;
        GVariantIter iter;
        const char *key;
        GVariant *value;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        g_variant_iter_init(&iter, props);
        while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
                if (g_str_equal(key, "Tracks") && g_variant_is_of_type(value, G_VARIANT_TYPE("a(ssbi)"))) {
                        GVariantBuilder tracks;
                        GVariantIter ti;
                        const char *kind, *name;
                        gboolean up;
                        gint32 weight;

                        g_variant_builder_init(&tracks, G_VARIANT_TYPE("aa{sv}"));
                        g_variant_iter_init(&ti, value);
                        while (g_variant_iter_next(&ti, "(&s&sbi)", &kind, &name, &up, &weight))
                                g_variant_builder_add_parsed(
                                        &tracks, "{'kind': <%s>, 'name': <%s>, 'up': <%b>, 'weight': <%i>}",
                                        kind, name, up, weight);
                        g_variant_builder_add(&b, "{sv}", key, g_variant_builder_end(&tracks));
                } else if (g_variant_is_of_type(value, G_VARIANT_TYPE("a(sb)")))
                        g_variant_builder_add(&b, "{sv}", key, ctl_status_json_routes(value));
                else
                        g_variant_builder_add(&b, "{sv}", key, value);
                g_variant_unref(value);
        }
        g_variant_builder_add(&b, "{sv}", "NetworkNamespace", g_variant_new_string(netns));
        return g_variant_builder_end(&b);
}

/* The daemon's net_namespace, where every instance's interface is; "" when it has none, or when the
 * daemon is too old to say. */
static char *ctl_status_namespace(GVariant *manager) {
        return g_strdup(manager ? ctl_bus_prop_str(manager, "NetworkNamespace") : "");
}

static GPtrArray *ctl_status_collect(const CtlBus *bus, char **names, gboolean *ret_failed) {
        GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify) g_variant_unref);

        for (gsize i = 0; names[i]; i++) {
                g_autoptr(GError) error = NULL;
                g_autofree char *path = ctl_bus_instance_path(bus, names[i], &error);
                GVariant *props = path ? ctl_bus_get_all(bus, path, &error) : NULL;

                if (!props) {
                        ctl_bus_report(bus, error);
                        *ret_failed = TRUE;
                        continue;
                }
                g_ptr_array_add(all, props);
        }
        return all;
}

/* status [NAME…]: every instance when no name is given; an unknown name is reported and the rest shown. */
int ctl_status(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) all = NULL;
        g_autoptr(GVariant) manager = NULL;
        g_autofree char *netns = NULL;
        gboolean failed = FALSE;

        if (args[0])
                all = ctl_status_collect(bus, args, &failed);
        else if (!(all = ctl_bus_get_all_instances(bus, &error)))
                return ctl_bus_report(bus, error);
        manager = ctl_bus_get_manager(bus, NULL);
        netns = ctl_status_namespace(manager);

        if (opts->json != CTL_JSON_OFF) {
                GVariantBuilder b;

                g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
                for (guint i = 0; i < all->len; i++)
                        g_variant_builder_add_value(&b,
                                                    ctl_status_json_one(g_ptr_array_index(all, i), netns));
                ctl_json_print(g_variant_builder_end(&b), opts->json);
        } else
                for (guint i = 0; i < all->len; i++) {
                        if (i > 0)
                                g_print("\n");
                        ctl_status_block(g_ptr_array_index(all, i), manager, netns, opts->color, opts->all);
                }
        if (opts->json == CTL_JSON_OFF && !args[0] && manager)
                ctl_status_daemon(manager);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
