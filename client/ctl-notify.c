#include "ctl-notify.h"

/* org.freedesktop.Notifications urgency hint (Desktop Notifications Specification, "Urgency Levels"). */
#define CTL_NOTIFY_URGENCY_NORMAL 1
#define CTL_NOTIFY_URGENCY_CRITICAL 2

char *ctl_notify_summary(const char *name, const char *new_state, const char *ifname) {
        g_autofree char *upper = g_ascii_strup(new_state, -1);

        if (!ifname || !*ifname)
                return g_strdup_printf("%s is now %s", name, upper);
        return g_strdup_printf("%s is now %s on %s", name, upper, ifname);
}

static void ctl_notify_done(GObject *source, GAsyncResult *result, gpointer userdata) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

        if (!reply)
                g_printerr("vrrpctl: failed to post a notification, ignoring: %s\n", error->message);
}

/* Fire and forget: a missing notification server must not stop the monitor; the reply only reports. */
static void ctl_notify_send(GDBusConnection *session, const char *summary, const char *body, guchar urgency) {
        GVariantBuilder hints;

        g_variant_builder_init(&hints, G_VARIANT_TYPE("a{sv}"));
        g_variant_builder_add(&hints, "{sv}", "urgency", g_variant_new_byte(urgency));
        g_variant_builder_add(&hints, "{sv}", "category", g_variant_new_string("network"));
        g_dbus_connection_call(session, "org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                               "org.freedesktop.Notifications", "Notify",
                               g_variant_new("(susssasa{sv}i)", "vrrpctl", (guint32) 0, "network-wired",
                                             summary, body, NULL, &hints, (gint32) -1),
                               G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, ctl_notify_done,
                               NULL);
}

void ctl_notify_post(GDBusConnection *session, const char *name, const char *ifname, const char *old_state,
                     const char *new_state, const char *reason) {
        g_autofree char *summary = ctl_notify_summary(name, new_state, ifname);
        g_autofree char *old_upper = g_ascii_strup(old_state, -1);
        g_autofree char *body = g_strdup_printf("Reason: %s. Previous state: %s.", reason, old_upper);

        ctl_notify_send(session, summary, body,
                        g_ascii_strcasecmp(new_state, "fault") == 0 ? CTL_NOTIFY_URGENCY_CRITICAL
                                                                    : CTL_NOTIFY_URGENCY_NORMAL);
}

/* A split brain is critical: two masters answer for the same addresses. Its end is a normal one. */
void ctl_notify_split_brain(GDBusConnection *session, const char *name, const char *ifname, gboolean on) {
        g_autofree char *summary = g_strdup_printf("%s: %s%s%s", name, on ? "SPLIT BRAIN" : "split brain over",
                                                   ifname && *ifname ? " on " : "", ifname ? ifname : "");

        ctl_notify_send(session, summary,
                        on ? "Another router keeps advertising as master while this one is master."
                           : "No other router advertises as master any more.",
                        on ? CTL_NOTIFY_URGENCY_CRITICAL : CTL_NOTIFY_URGENCY_NORMAL);
}
