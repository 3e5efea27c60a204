#pragma once

/* Notify scripts and notify FIFOs of an instance or a sync group, as keepalived 2.2.7 runs them
 * (keepalived/vrrp/vrrp_notify.c send_instance_notifies(), send_group_notifies(), notify_script_exec(),
 * notify_fifo()):
 *  - on a transition, the state's own script (notify_master, notify_backup, notify_fault, notify_stop,
 *    notify_deleted) runs as configured, with no added arguments; then the generic `notify` script runs with
 * four more: INSTANCE|GROUP, the name, MASTER|BACKUP|FAULT|STOP|DELETED, and the effective priority ("%d";
 * always 0 for a group);
 *  - every FIFO gets one line at once: `INSTANCE "name" STATE priority\n` (GROUP and 0 for a group).
 * Priority change events (MASTER_PRIORITY, BACKUP_PRIORITY, with notify_priority_changes) and
 * MASTER_RX_LOWER_PRI go to the FIFOs only (and MASTER_RX_LOWER_PRI also runs notify_master_rx_lower_pri,
 * with no added arguments). Unlike keepalived, which forks them all at once and does not wait (its issue
 * #996), the scripts of one queue run one at a time, in the order of the transitions, each with a timeout
 * (keepalived has none, except 1 s for stop scripts at shutdown). A full queue drops its oldest waiting
 * script with a warning. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-event.h>

#include "core/vrrp-time.h"
#include "script/script-exec.h"

#define NOTIFY_QUEUE_MAX 64
#define NOTIFY_TIMEOUT_DEFAULT_USEC (60 * USEC_PER_SEC)
#define NOTIFY_STOP_TIMEOUT_USEC USEC_PER_SEC /* keepalived: notify_stop scripts get TIMER_HZ */
#define NOTIFY_FIFO_MODE 0644                 /* keepalived's mkfifo() mode */

typedef enum NotifyState {
        NOTIFY_MASTER,
        NOTIFY_BACKUP,
        NOTIFY_FAULT,
        NOTIFY_STOP,
        NOTIFY_DELETED,
        NOTIFY_MASTER_RX_LOWER_PRI, /* events: FIFO lines (and notify_master_rx_lower_pri) only */
        NOTIFY_MASTER_PRIORITY,
        NOTIFY_BACKUP_PRIORITY,
        _NOTIFY_STATE_MAX,
} NotifyState;

typedef enum NotifyKind {
        NOTIFY_INSTANCE,
        NOTIFY_GROUP,
} NotifyKind;

typedef struct NotifyQueue NotifyQueue;
typedef struct NotifyFifo NotifyFifo;

typedef struct NotifyConfig {
        NotifyKind kind;
        const char *name;
        int vrid; /* for the journal's VRRP_VRID=; -1 for a group */
        /* notify_master, notify_backup, notify_fault, notify_stop, notify_deleted,
         * notify_master_rx_lower_pri by state (the priority events have none); NULL: none */
        const ScriptCommand *scripts[_NOTIFY_STATE_MAX];
        const ScriptCommand *notify; /* the generic `notify` script, or NULL */
        NotifyFifo *fifos[2]; /* notify_fifo and vrrp_notify_fifo, borrowed: they must outlive the queue */
        usec_t timeout_usec;  /* 0: NOTIFY_TIMEOUT_DEFAULT_USEC */
        usec_t stop_timeout_usec; /* 0: NOTIFY_STOP_TIMEOUT_USEC */
        unsigned queue_max;       /* 0: NOTIFY_QUEUE_MAX */
} NotifyConfig;

/* Called when the queue has run its last script and nothing waits (for shutdown: wait for the stop scripts).
 */
typedef void (*notify_idle_handler_t)(NotifyQueue *q, void *userdata);

/* Copies the commands and the name; the FIFOs are borrowed. */
int notify_queue_new(sd_event *e, const NotifyConfig *c, NotifyQueue **ret);
NotifyQueue *notify_queue_free(NotifyQueue *q); /* kills a running script; waiting ones are dropped */
void notify_queue_freep(NotifyQueue **q);
void notify_queue_set_idle_handler(NotifyQueue *q, notify_idle_handler_t handler, void *userdata);

/* A transition (or an event): writes the FIFO lines now, queues the scripts. priority is the effective one
 * (ignored for a group: 0). Returns < 0 only on allocation failure. */
int notify_queue_push(NotifyQueue *q, NotifyState state, uint8_t priority);

bool notify_queue_is_idle(const NotifyQueue *q);
/* Whether it runs a script for state s (the generic `notify` one for _NOTIFY_STATE_MAX). */
bool notify_queue_has_script(const NotifyQueue *q, NotifyState s);
size_t notify_queue_get_waiting(const NotifyQueue *q); /* queued, not counting the running one */
unsigned notify_queue_get_dropped(const NotifyQueue *q);

/* keepalived's notify_fifo / vrrp_notify_fifo: created (mode 0644, chowned to uid/gid if those are not -1)
 * if it does not exist, and removed on free if we created it; -EEXIST if the path is not a FIFO. Opened
 * O_RDWR | O_NONBLOCK as keepalived does: a write never blocks, never raises SIGPIPE, and readers never see
 * EOF while we run; with no reader, lines wait in the pipe (up to its 64 KiB) and once it is full new lines
 * are dropped with a debug message. reader: notify_fifo_script, started at once with the FIFO's path
 * appended (no timeout), or NULL. */
int notify_fifo_new(sd_event *e, const char *path, uid_t uid, gid_t gid, const ScriptCommand *reader,
                    NotifyFifo **ret);
NotifyFifo *notify_fifo_free(NotifyFifo *f);
void notify_fifo_freep(NotifyFifo **f);
/* One line; 0 written, -EAGAIN dropped (pipe full), other < 0 dropped on error. Never blocks. */
int notify_fifo_write(NotifyFifo *f, NotifyKind kind, const char *name, NotifyState state, uint8_t priority);

const char *notify_state_to_string(NotifyState s); /* keepalived's words: "MASTER", ..., "BACKUP_PRIORITY" */
const char *notify_kind_to_string(NotifyKind k);   /* "INSTANCE", "GROUP" */
const char *notify_script_to_string(NotifyState s); /* "notify_master", ...; NULL: no script of its own */
