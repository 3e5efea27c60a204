#pragma once

/* Sync groups (keepalived's vrrp_sync_group), as pure logic: the members of a group move together. The group
 * reads its members' VrrpFsm (the caller owns them; their addresses must stay valid while the group lives)
 * and says which members to force into which state; the caller turns each item of a VrrpSyncForce into a
 * VRRP_EVENT_SYNC step on that member's FSM, and carries out the actions as usual.
 *
 * Members run with VrrpParams.sync_group set. The caller calls vrrp_sync_member_changed() after each step of
 * a member whose state changed, or whose actions say want_master or fault_recovered, except steps of SYNC
 * events (reporting those too is harmless: forcing is idempotent). What the group does, after keepalived's
 * vrrp_sync.c and try_up_instance():
 *  - a member goes to FAULT: every other running member is forced to FAULT, and the group is FAULT;
 *  - the group is FAULT while any member has a fault of its own (link down, failed weight-0 track); when
 *    the last such fault clears, every member in FAULT is forced to BACKUP: the group is BACKUP and a fresh
 *    election begins;
 *  - a member's Master_Down_Timer fired (want_master): the group goes MASTER only if it is MASTER already
 *    or every other member is master or wants to be; then every member not master yet is forced to
 *    MASTER. Otherwise all wait ("prefer backup state to avoid thrashing", vrrp_sync_can_goto_master());
 *  - a member goes MASTER on its own (an address owner): the others are forced to MASTER;
 *  - a master steps down to BACKUP: the other masters are forced to BACKUP;
 *  - a member starts (leaves INIT) as a backup into a group that is MASTER (a reload added it to a running
 *    group): it is forced to MASTER with the group. Should another router master its VRID with a better
 *    priority, it hears so and steps down, and the group follows (rule above): the group moves as one.
 *    Members not started yet do not count in the group's state. */

#include <stddef.h>

#include "vrrp-fsm.h"

#define VRRP_SYNC_MEMBERS_MAX 32

typedef struct VrrpSync {
        const VrrpFsm *members[VRRP_SYNC_MEMBERS_MAX];
        size_t n_members;
        VrrpState state; /* BACKUP, MASTER or FAULT */
} VrrpSync;

typedef struct VrrpSyncForce {
        size_t n;
        struct {
                size_t member; /* index into the members given to vrrp_sync_init() */
                VrrpState state;
        } items[VRRP_SYNC_MEMBERS_MAX];
} VrrpSyncForce;

/* -EINVAL without members, -E2BIG over VRRP_SYNC_MEMBERS_MAX. */
int vrrp_sync_init(VrrpSync *g, const VrrpFsm *const *members, size_t n_members);

/* old_state: the member's state before the step. -ERANGE for an unknown member. */
int vrrp_sync_member_changed(VrrpSync *g, size_t member, VrrpState old_state, VrrpSyncForce *ret);

/* After the group's members changed (a reload added the group, or a member joined or left it): what the
 * group makes of its members as they stand, as if each had just reported its state, faults first:
 *  - a member with a fault of its own: every running member is forced to FAULT (a master resigns with
 *    priority 0 first, as on any forced FAULT); the group is FAULT;
 *  - else members held in FAULT by a member that is no longer in the group, or masters beside backups:
 *    every member in FAULT is released and every master steps down to BACKUP, and a fresh election begins
 *    (keepalived prefers backup "to avoid thrashing", and takes a group to its lowest state on a reload);
 *  - else backups that all want master go MASTER together, and otherwise nothing moves.
 * Members not started yet (INIT) take no part: a group of masters stays MASTER, and takes them in when they
 * start (keepalived takes such a group down to BACKUP and elects again; vrrpd keeps its masters' VIPs,
 * DESIGN §1). The caller steps the SYNC events as for vrrp_sync_member_changed(). */
int vrrp_sync_resync(VrrpSync *g, VrrpSyncForce *ret);

VrrpState vrrp_sync_state(const VrrpSync *g);
