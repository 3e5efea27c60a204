#pragma once

/* SMTP alerts (keepalived's smtp_alert, notification_email, smtp_server ...) as a listener of the daemon
 * (listener.h): each transition of an instance or sync group with smtp_alert on queues the mail keepalived
 * sends, which vrrpd-mail delivers unprivileged (mail-queue.h). global_defs' mail settings are read at each
 * alert, so a reload changes them. At stop the daemon waits for the Stopping alerts, up to its stop deadline.
 * What became of the alerts is in the manager's MailStats. */

typedef struct Manager Manager;
typedef struct MailListener MailListener;

int mail_listener_new(Manager *m, MailListener **ret);
MailListener *mail_listener_free(MailListener *n);

static inline void mail_listener_freep(MailListener **p) {
        mail_listener_free(*p);
}
