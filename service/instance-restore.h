#pragma once

typedef struct Instance Instance;

/* Another program deleted what = "virtual address #2", "virtual route #1"... that the master i holds and
 * tracks: it is put back, with the backoff and the limit of core/vrrp-restore.h; at the limit i goes to FAULT
 * for a while (DESIGN §1). Logs what it does. */
void instance_restore_deleted(Instance *i, const char *what);
void instance_restore_done(Instance *i);
