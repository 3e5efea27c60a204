#pragma once

/* Tracking arithmetic, as keepalived 2.2.7 does it (keepalived/vrrp/vrrp_track.c,
 * vrrp_set_effective_priority() and process_script_update_priority()); pure: no I/O, no allocation. One
 * VrrpTrack is one tracked object of one instance (a vrrp_script, an interface, ...) with the weight and
 * `reverse` of that instance's track line.
 *
 * A track's contribution to the priority, for weight w (keepalived: -253..253):
 *   w > 0:  +w while up,      0 while down;   with reverse: -w while up, 0 while down;
 *   w < 0:   0 while up,      w while down;   with reverse:  0 while up, -w (adds |w|) while down;
 *   w = 0:  no priority change; down puts the instance in FAULT; with reverse, UP puts it in FAULT.
 * A track without a result yet (VRRP_TRACK_INIT) adds nothing; with weight 0 it holds the instance out of
 * BACKUP/MASTER until it has one (keepalived keeps such an instance in FAULT without notifying).
 * The effective priority is configured + the sum (less named demotions: vrrp_track_demote()), clamped to
 * 1..254; an address owner (255) stays 255, but weight-0 faults still apply to it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_TRACK_WEIGHT_MAX 253

typedef enum VrrpTrackState {
        VRRP_TRACK_INIT, /* no result yet */
        VRRP_TRACK_UP,
        VRRP_TRACK_DOWN,
        VRRP_TRACK_UNKNOWN, /* cannot be told (a process /proc hides from us): neither weight nor fault */
        _VRRP_TRACK_STATE_MAX,
} VrrpTrackState;

typedef struct VrrpTrack {
        VrrpTrackState state;
        int weight; /* -253..253 */
        bool reverse;
} VrrpTrack;

typedef struct VrrpTrackResult {
        uint8_t priority; /* effective priority, 1..254, or 255 for an owner */
        int total;        /* configured + contributions, before clamping (for logs) */
        unsigned n_fault; /* weight-0 tracks saying FAULT */
        unsigned n_init;  /* weight-0 tracks without a result yet */
        bool fault;       /* n_fault > 0 */
        bool pending;     /* n_init > 0: keep out of BACKUP/MASTER until every weight-0 track has reported */
} VrrpTrackResult;

/* A vrrp_script's rise/fall counter, as keepalived's vrrp_script_child_thread() keeps it in `result`
 * (0 .. rise + fall - 1; up when >= rise):
 *  - it starts at rise - 1 in INIT, so the first result decides either way; with init_fail it starts at 0,
 * DOWN;
 *  - down: `rise` successes in a row bring it up, a failure starts the count again;
 *  - up: `fall` failures in a row bring it down, a success starts the count again. */
typedef struct VrrpTrackCounter {
        VrrpTrackState state;
        unsigned result;
        unsigned rise; /* >= 1 */
        unsigned fall; /* >= 1 */
} VrrpTrackCounter;

/* rise or fall 0 is taken as 1 (keepalived's default). */
void vrrp_track_counter_init(VrrpTrackCounter *c, unsigned rise, unsigned fall, bool init_fail);

/* One result (a timeout or a signal is a failure). Returns true if c->state changed. */
bool vrrp_track_counter_step(VrrpTrackCounter *c, bool ok);

/* The priority change one track brings (0 for weight 0 or no result yet). */
int vrrp_track_contribution(const VrrpTrack *t);

/* True if this track puts its instance in FAULT: weight 0, and down (up with reverse). */
bool vrrp_track_is_fault(const VrrpTrack *t);

/* configured: 1..255. -EINVAL on a configured priority of 0, a weight out of range or an unknown state. */
int vrrp_track_compute(uint8_t configured, const VrrpTrack *tracks, size_t n_tracks, VrrpTrackResult *ret);

/* total (configured + contributions), clamped to 1..254; 255 for an owner (configured 255), whatever it is. */
uint8_t vrrp_track_clamp(uint8_t configured, int total);
/* Named demotions (track/demotion.h) lower a computed result by amount, clamped again: an owner stays 255. */
void vrrp_track_demote(VrrpTrackResult *r, uint8_t configured, unsigned amount);

const char *vrrp_track_state_to_string(VrrpTrackState s);
