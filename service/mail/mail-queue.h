#pragma once

/* SMTP alerts waiting to go, sent one at a time by vrrpd-mail (vrrpd-mail.c), run as an unprivileged user
 * through script-exec.h: the daemon never talks SMTP itself, a server down or slow never reaches the loop,
 * and libcurl is never loaded into the privileged process. The queue is bounded: when it is full the oldest
 * waiting alert is dropped (and counted). What happened to each alert is counted in MailStats, which the bus
 * shows. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"
#include "mail/mail-stats.h"

#define MAIL_QUEUE_MAX 32

typedef struct MailQueue MailQueue;

/* stats is borrowed (the manager's) and must outlive the queue; the helper runs as uid/gid. */
int mail_queue_new(sd_event *e, MailStats *stats, uid_t uid, gid_t gid, MailQueue **ret);
/* Kills an alert being sent, drops the waiting ones. NULL-tolerant. */
MailQueue *mail_queue_free(MailQueue *q);
void mail_queue_freep(MailQueue **q);

/* Queues one alert: argv (taken, also on error) is vrrpd-mail's command line, subject names it in the log,
 * timeout bounds its run. 0, or -ENOMEM. */
int mail_queue_push(MailQueue *q, char **argv, const char *subject, usec_t timeout);
bool mail_queue_is_idle(const MailQueue *q);
/* Called when the last alert is done and nothing waits (for shutdown). */
void mail_queue_set_idle_handler(MailQueue *q, void (*handler)(void *userdata), void *userdata);
