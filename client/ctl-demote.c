#include <stdlib.h>
#include <string.h>

#include "ctl-bus.h"
#include "ctl-json.h"
#include "ctl-output.h"
#include "ctl-verbs.h"

/* Named demotions (the Manager's SetDemotion, ClearDemotion and Demotions): demote TAG AMOUNT
 * [--instance NAME|--sync-group NAME], demote TAG --clear, demotions. vrrpctl.c has checked the options. */

#define CTL_DEMOTE_SYNC_GROUP_PREFIX "sync_group/"

static gboolean ctl_demote_parse_amount(const char *s, guchar *ret, GError **error) {
        return ctl_control_parse_byte(s, 1, 255, "the demotion amount", ret, error);
}

gboolean ctl_demote_check(char **args, GError **error) {
        return !args[0] || !args[1] || ctl_demote_parse_amount(args[1], NULL, error);
}

int ctl_demote(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = NULL;
        g_autofree char *target = NULL;
        guchar amount;

        if (opts->clear)
                reply = ctl_bus_call_manager(bus, "ClearDemotion", g_variant_new("(s)", args[0]), NULL, &error);
        else {
                if (!ctl_demote_parse_amount(args[1], &amount, &error)) {
                        g_printerr("vrrpctl: %s\n", error->message);
                        return CTL_EXIT_USAGE;
                }
                target = opts->sync_group ? g_strconcat(CTL_DEMOTE_SYNC_GROUP_PREFIX, opts->sync_group, NULL)
                                          : g_strdup(opts->instance ? opts->instance : "");
                reply = ctl_bus_call_manager(bus, "SetDemotion", g_variant_new("(ssy)", args[0], target, amount),
                                             NULL, &error);
        }
        return reply ? EXIT_SUCCESS : ctl_bus_report(bus, error);
}

static GVariant *ctl_demote_json(GVariant *list) {
        GVariantBuilder b;
        GVariantIter iter;
        const char *tag, *target;
        guchar amount;

        g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
        g_variant_iter_init(&iter, list);
        while (g_variant_iter_next(&iter, "(&s&sy)", &tag, &target, &amount))
                g_variant_builder_add_parsed(&b, "{'tag': <%s>, 'target': <%s>, 'amount': <%y>}", tag, target,
                                             amount);
        return g_variant_builder_end(&b);
}

/* The target as `demote` takes it: "all" for every instance, "sync-group NAME", or the instance name. */
static char *ctl_demote_target(const char *target) {
        if (!*target)
                return g_strdup("all");
        if (g_str_has_prefix(target, CTL_DEMOTE_SYNC_GROUP_PREFIX))
                return g_strconcat("sync-group ", target + strlen(CTL_DEMOTE_SYNC_GROUP_PREFIX), NULL);
        return g_strdup(target);
}

static void ctl_demote_table(GVariant *list, const CtlOptions *opts) {
        static const char *const headers[] = { "TAG", "TARGET", "AMOUNT" };
        g_autoptr(CtlTable) t = ctl_output_table_new(G_N_ELEMENTS(headers), headers);
        GVariantIter iter;
        const char *tag, *target;
        guchar amount;

        g_variant_iter_init(&iter, list);
        while (g_variant_iter_next(&iter, "(&s&sy)", &tag, &target, &amount)) {
                g_autofree char *amount_s = g_strdup_printf("%u", amount);
                g_autofree char *target_s = ctl_demote_target(target);
                const char *row[] = { tag, target_s, amount_s };

                ctl_output_table_add(t, row);
        }
        ctl_output_table_print_rows(t, opts->legend, -1, opts->color, "demotion");
}

int ctl_demote_list(const CtlBus *bus, const CtlOptions *opts, char **args) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) props = NULL;
        g_autoptr(GVariant) list = NULL;

        props = ctl_bus_get_manager(bus, &error);
        if (!props)
                return ctl_bus_report(bus, error);
        list = g_variant_lookup_value(props, "Demotions", G_VARIANT_TYPE("a(ssy)"));
        if (!list)
                list = g_variant_ref_sink(g_variant_new_array(G_VARIANT_TYPE("(ssy)"), NULL, 0));
        if (opts->json != CTL_JSON_OFF)
                ctl_json_print(ctl_demote_json(list), opts->json);
        else
                ctl_demote_table(list, opts);
        return EXIT_SUCCESS;
}
