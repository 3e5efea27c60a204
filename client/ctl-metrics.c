#include <stdlib.h>
#include <string.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-verbs.h"

/* Prometheus text exposition format 0.0.4: one HELP and TYPE per family, then its samples; every state is a
 * 0/1 gauge so `vrrpd_instance_state{state="master"} == 1` selects masters. The families are built first as
 * an aa{sv} (name, type, help, samples: labels a{ss} and value t), then printed as text or, with --json, as
 * is. */

static const char *const ctl_metrics_states[] = { "init", "backup", "master", "fault", "stopped" };

/* instance, interface and vrid, plus one extra label when extra_key is set. */
static GVariant *ctl_metrics_labels(GVariant *props, const char *extra_key, const char *extra_value) {
        g_autofree char *vrid = g_strdup_printf("%u", ctl_bus_prop_byte(props, "VirtualRouterId"));
        GVariantBuilder b;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
        g_variant_builder_add(&b, "{ss}", "instance", ctl_bus_prop_str(props, "Name"));
        g_variant_builder_add(&b, "{ss}", "interface", ctl_bus_prop_str(props, "Interface"));
        g_variant_builder_add(&b, "{ss}", "vrid", vrid);
        if (extra_key)
                g_variant_builder_add(&b, "{ss}", extra_key, extra_value);
        return g_variant_builder_end(&b);
}

static void ctl_metrics_sample(GVariantBuilder *samples, GVariant *labels, guint64 value) {
        g_variant_builder_add_parsed(samples, "{'labels': <%@a{ss}>, 'value': <%t>}", labels, value);
}

static void ctl_metrics_family(GVariantBuilder *families, const char *name, const char *type,
                               const char *help, GVariantBuilder *samples) {
        g_variant_builder_add_parsed(families,
                                     "{'name': <%s>, 'type': <%s>, 'help': <%s>, 'samples': <%@aa{sv}>}",
                                     name, type, help, g_variant_builder_end(samples));
}

static void ctl_metrics_gauges(GVariantBuilder *families, GPtrArray *all) {
        GVariantBuilder state, prio, conf, split;

        g_variant_builder_init(&state, G_VARIANT_TYPE("aa{sv}"));
        g_variant_builder_init(&prio, G_VARIANT_TYPE("aa{sv}"));
        g_variant_builder_init(&conf, G_VARIANT_TYPE("aa{sv}"));
        g_variant_builder_init(&split, G_VARIANT_TYPE("aa{sv}"));
        for (guint i = 0; i < all->len; i++) {
                GVariant *props = g_ptr_array_index(all, i);
                const char *current = ctl_bus_prop_str(props, "State");

                for (gsize s = 0; s < G_N_ELEMENTS(ctl_metrics_states); s++)
                        ctl_metrics_sample(&state, ctl_metrics_labels(props, "state", ctl_metrics_states[s]),
                                           g_str_equal(current, ctl_metrics_states[s]));
                ctl_metrics_sample(&prio, ctl_metrics_labels(props, NULL, NULL),
                                   ctl_bus_prop_byte(props, "EffectivePriority"));
                ctl_metrics_sample(&conf, ctl_metrics_labels(props, NULL, NULL),
                                   ctl_bus_prop_byte(props, "Priority"));
                ctl_metrics_sample(&split, ctl_metrics_labels(props, NULL, NULL),
                                   ctl_bus_prop_bool(props, "SplitBrain"));
        }
        ctl_metrics_family(families, "vrrpd_instance_state", "gauge",
                           "Whether the VRRP instance is in this state (1) or not (0).", &state);
        ctl_metrics_family(families, "vrrpd_instance_priority", "gauge",
                           "Effective priority: configured, adjusted by tracking, or overridden.", &prio);
        ctl_metrics_family(families, "vrrpd_instance_configured_priority", "gauge",
                           "Priority from the configuration.", &conf);
        ctl_metrics_family(families, "vrrpd_instance_split_brain", "gauge",
                           "1 while this router is master and another router keeps advertising as master too.",
                           &split);
}

/* A counter name from a Statistics key: "drop-ttl" → "vrrpd_drop_ttl_total". */
static char *ctl_metrics_counter_name(const char *key) {
        GString *out = g_string_new("vrrpd_");

        for (const char *p = key; *p; p++)
                g_string_append_c(out, g_ascii_isalnum(*p) ? g_ascii_tolower(*p) : '_');
        if (!g_str_has_suffix(out->str, "_total"))
                g_string_append(out, "_total");
        return g_string_free(out, FALSE);
}

static int ctl_metrics_compare(gconstpointer a, gconstpointer b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Every Statistics key any instance reports, sorted, so each counter family is written once. */
static GPtrArray *ctl_metrics_counter_keys(GPtrArray *all) {
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal); /* keys owned by the array */
        GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);

        for (guint i = 0; i < all->len; i++) {
                g_autoptr(GVariant) stats = g_variant_lookup_value(g_ptr_array_index(all, i), "Statistics",
                                                                   G_VARIANT_TYPE("a{st}"));
                GVariantIter iter;
                const char *key;

                if (!stats)
                        continue;
                g_variant_iter_init(&iter, stats);
                while (g_variant_iter_next(&iter, "{&st}", &key, NULL))
                        if (!g_hash_table_contains(seen, key)) {
                                g_ptr_array_add(keys, g_strdup(key));
                                g_hash_table_add(seen, g_ptr_array_index(keys, keys->len - 1));
                        }
        }
        g_ptr_array_sort(keys, ctl_metrics_compare);
        return keys;
}

static void ctl_metrics_counters(GVariantBuilder *families, GPtrArray *all) {
        g_autoptr(GPtrArray) keys = ctl_metrics_counter_keys(all);

        for (guint k = 0; k < keys->len; k++) {
                const char *key = g_ptr_array_index(keys, k);
                g_autofree char *name = ctl_metrics_counter_name(key);
                g_autofree char *help = g_strdup_printf("The instance's '%s' counter (Statistics).", key);
                GVariantBuilder samples;

                g_variant_builder_init(&samples, G_VARIANT_TYPE("aa{sv}"));
                for (guint i = 0; i < all->len; i++) {
                        GVariant *props = g_ptr_array_index(all, i);
                        g_autoptr(GVariant) stats =
                                g_variant_lookup_value(props, "Statistics", G_VARIANT_TYPE("a{st}"));
                        guint64 value;

                        if (stats && g_variant_lookup(stats, key, "t", &value))
                                ctl_metrics_sample(&samples, ctl_metrics_labels(props, NULL, NULL), value);
                }
                ctl_metrics_family(families, name, "counter", help, &samples);
        }
}

static const char *const ctl_metrics_track_states[] = { "up", "down", "unknown" };

/* vrrp_track_process, from the Manager's TrackedProcesses: each one's state as 0/1 gauges and how many
 * processes match it now. Nothing when none is tracked. */
static void ctl_metrics_processes(GVariantBuilder *families, GVariant *manager) {
        g_autoptr(GVariant) v = manager ? g_variant_lookup_value(manager, "TrackedProcesses",
                                                                 G_VARIANT_TYPE("a(ssuuu)"))
                                        : NULL;
        GVariantBuilder state, running;
        GVariantIter iter;
        const char *name, *current;
        guint32 count;

        if (!v || g_variant_n_children(v) == 0)
                return;
        g_variant_builder_init(&state, G_VARIANT_TYPE("aa{sv}"));
        g_variant_builder_init(&running, G_VARIANT_TYPE("aa{sv}"));
        g_variant_iter_init(&iter, v);
        while (g_variant_iter_next(&iter, "(&s&suuu)", &name, &current, &count, NULL, NULL)) {
                for (gsize s = 0; s < G_N_ELEMENTS(ctl_metrics_track_states); s++)
                        ctl_metrics_sample(&state,
                                           g_variant_new_parsed("{'process': %s, 'state': %s}", name,
                                                                ctl_metrics_track_states[s]),
                                           g_str_equal(current, ctl_metrics_track_states[s]));
                ctl_metrics_sample(&running, g_variant_new_parsed("{'process': %s}", name), count);
        }
        ctl_metrics_family(families, "vrrpd_track_process_state", "gauge",
                           "Whether the vrrp_track_process is in this state (1) or not (0).", &state);
        ctl_metrics_family(families, "vrrpd_track_process_running", "gauge",
                           "How many processes match the vrrp_track_process now.", &running);
}

static const char *const ctl_metrics_process_modes[] = { "connector", "fallback" };

/* How processes are watched (ProcessEvents), as 0/1 gauges; nothing while no process is tracked. */
static void ctl_metrics_process_events(GVariantBuilder *families, GVariant *manager) {
        const char *mode = manager ? ctl_bus_prop_str(manager, "ProcessEvents") : "";
        GVariantBuilder samples;

        if (!*mode)
                return;
        g_variant_builder_init(&samples, G_VARIANT_TYPE("aa{sv}"));
        for (gsize m = 0; m < G_N_ELEMENTS(ctl_metrics_process_modes); m++)
                ctl_metrics_sample(&samples, g_variant_new_parsed("{'mode': %s}", ctl_metrics_process_modes[m]),
                                   g_str_equal(mode, ctl_metrics_process_modes[m]));
        ctl_metrics_family(families, "vrrpd_process_events", "gauge",
                           "How vrrp_track_process watches processes: the kernel's connector, or the fallback "
                           "(pidfds and /proc rescans).", &samples);
}

/* SMTP alerts (SmtpAlerts) and the scripts left out (DisabledScripts): daemon-wide, without labels but the
 * alerts' result. The alerts only when some are configured or were ever counted. */
static void ctl_metrics_daemon(GVariantBuilder *families, GVariant *manager) {
        g_autoptr(GVariant) smtp = manager ? g_variant_lookup_value(manager, "SmtpAlerts",
                                                                    G_VARIANT_TYPE("(stttus)"))
                                           : NULL;
        g_autoptr(GVariant) disabled = manager ? g_variant_lookup_value(manager, "DisabledScripts",
                                                                        G_VARIANT_TYPE("a(ss)"))
                                               : NULL;
        const char *server = "", *results[] = { "sent", "failed", "dropped" };
        guint64 counts[3] = {};
        guint32 queued = 0;
        GVariantBuilder samples;

        ctl_metrics_process_events(families, manager);
        if (disabled) {
                g_variant_builder_init(&samples, G_VARIANT_TYPE("aa{sv}"));
                ctl_metrics_sample(&samples, g_variant_new_parsed("@a{ss} {}"), g_variant_n_children(disabled));
                ctl_metrics_family(families, "vrrpd_disabled_scripts", "gauge",
                                   "Scripts and notify FIFOs the last start or reload left out (DisabledScripts).",
                                   &samples);
        }
        if (!smtp)
                return;
        g_variant_get(smtp, "(&stttu&s)", &server, &counts[0], &counts[1], &counts[2], &queued, NULL);
        if (!*server && counts[0] + counts[1] + counts[2] == 0)
                return;
        g_variant_builder_init(&samples, G_VARIANT_TYPE("aa{sv}"));
        for (gsize k = 0; k < G_N_ELEMENTS(results); k++)
                ctl_metrics_sample(&samples, g_variant_new_parsed("{'result': %s}", results[k]), counts[k]);
        ctl_metrics_family(families, "vrrpd_smtp_alerts_total", "counter",
                           "SMTP alerts sent, failed, or dropped from a full queue, since the daemon started.",
                           &samples);
        g_variant_builder_init(&samples, G_VARIANT_TYPE("aa{sv}"));
        ctl_metrics_sample(&samples, g_variant_new_parsed("@a{ss} {}"), queued);
        ctl_metrics_family(families, "vrrpd_smtp_alerts_queued", "gauge", "SMTP alerts waiting or being sent now.",
                           &samples);
}

static void ctl_metrics_label_value(GString *out, const char *s) {
        for (; *s; s++) {
                if (*s == '\\' || *s == '"')
                        g_string_append_c(out, '\\');
                if (*s == '\n')
                        g_string_append(out, "\\n");
                else
                        g_string_append_c(out, *s);
        }
}

static void ctl_metrics_text_sample(GString *out, const char *name, GVariant *sample) {
        g_autoptr(GVariant) labels = g_variant_lookup_value(sample, "labels", G_VARIANT_TYPE("a{ss}"));
        GVariantIter iter;
        const char *key, *value;
        guint64 v = 0;
        gboolean first = TRUE;

        g_variant_lookup(sample, "value", "t", &v);
        if (g_variant_n_children(labels) == 0) {
                g_string_append_printf(out, "%s %" G_GUINT64_FORMAT "\n", name, v);
                return;
        }
        g_string_append_printf(out, "%s{", name);
        g_variant_iter_init(&iter, labels);
        while (g_variant_iter_next(&iter, "{&s&s}", &key, &value)) {
                g_string_append_printf(out, "%s%s=\"", first ? "" : ",", key);
                ctl_metrics_label_value(out, value);
                g_string_append_c(out, '"');
                first = FALSE;
        }
        g_string_append_printf(out, "} %" G_GUINT64_FORMAT "\n", v);
}

static char *ctl_metrics_text(GVariant *families) {
        GString *out = g_string_new(NULL);
        GVariantIter iter;
        GVariant *family;

        g_variant_iter_init(&iter, families);
        while (g_variant_iter_next(&iter, "@a{sv}", &family)) {
                g_autoptr(GVariant) f = family;
                g_autoptr(GVariant) samples = g_variant_lookup_value(f, "samples", G_VARIANT_TYPE("aa{sv}"));
                const char *name = "", *type = "", *help = "";
                GVariantIter si;
                GVariant *sample;

                g_variant_lookup(f, "name", "&s", &name);
                g_variant_lookup(f, "type", "&s", &type);
                g_variant_lookup(f, "help", "&s", &help);
                g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
                g_variant_iter_init(&si, samples);
                while (g_variant_iter_next(&si, "@a{sv}", &sample)) {
                        ctl_metrics_text_sample(out, name, sample);
                        g_variant_unref(sample);
                }
        }
        return g_string_free(out, FALSE);
}

int ctl_metrics(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) all = NULL;
        g_autoptr(GVariant) families = NULL, manager = NULL;
        g_autofree char *text = NULL;
        GVariantBuilder b;

        all = ctl_bus_get_all_instances(bus, &error);
        if (!all)
                return ctl_bus_report(bus, error);
        manager = ctl_bus_get_manager(bus, NULL); /* NULL from a daemon too old to have one: left out */
        g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
        ctl_metrics_gauges(&b, all);
        ctl_metrics_counters(&b, all);
        ctl_metrics_processes(&b, manager);
        ctl_metrics_daemon(&b, manager);
        families = g_variant_ref_sink(g_variant_builder_end(&b));
        if (opts->json != CTL_JSON_OFF) {
                ctl_json_print(families, opts->json);
                return EXIT_SUCCESS;
        }
        text = ctl_metrics_text(families);
        g_print("%s", text);
        return EXIT_SUCCESS;
}
