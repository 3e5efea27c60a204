#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/vrrp-addr.h"
#include "core/vrrp-track.h"
#include "track/demotion.h"
#include "script/script-exec.h"
#include "util/index.h"

typedef struct Config Config;
typedef struct Instance Instance;
typedef struct Manager Manager;
typedef struct ProcWatch ProcWatch;
typedef struct TrackFile TrackFile;
typedef struct TrackProcess TrackProcess;
typedef struct TrackScript TrackScript;

typedef enum TrackKind {
        TRACK_KIND_SCRIPT,
        TRACK_KIND_INTERFACE,
        TRACK_KIND_FILE,
        TRACK_KIND_PROCESS,
        _TRACK_KIND_MAX,
} TrackKind;

/* One tracked object of one instance; its weight and reverse sit in the instance's VrrpTrack beside it. */
typedef struct InstanceTrack {
        TrackKind kind;
        const char *name;
        TrackScript *script; /* TRACK_KIND_SCRIPT: shared, owned by the manager */
        int ifindex;         /* TRACK_KIND_INTERFACE */
        TrackFile *file;     /* TRACK_KIND_FILE: shared, owned by the manager */
        int file_weight;     /* the value read is multiplied by it */
        bool file_reverse;
        TrackProcess *process; /* TRACK_KIND_PROCESS: shared, owned by the manager's ProcWatch */
} InstanceTrack;

/* The vrrp_scripts that some instance tracks, each run once however many instances track it. */
typedef struct TrackingScript {
        const char *name;
        ScriptCommand command;
        TrackScript *script; /* NULL: it cannot run (logged once) */
} TrackingScript;

typedef struct Tracking {
        TrackingScript **scripts;
        size_t n_scripts;
        Index scripts_by_name;
        TrackFile **files; /* track_file blocks some instance tracks */
        size_t n_files;
        Index files_by_name;
        ProcWatch *processes; /* vrrp_track_process: created with the connector's socket, else at first use */
        Demotions demotions;  /* named demotions (bus SetDemotion): kept across reloads, gone at exit */
} Tracking;

void tracking_init(Manager *m);
int tracking_setup(Manager *m);
void tracking_done(Manager *m);
/* Hands over the process-events connector's socket (proc_events_open(), opened before net_namespace is
 * entered; -1 if it could not be opened): taken. */
int tracking_set_connector(Manager *m, int fd);
/* The effective priority from the configured one, the tracks' weights and the named demotions that target
 * i; and the weight-0 faults. */
int tracking_apply(Instance *i);
/* Named demotions (tracking-demotion.c): set (replacing the tag's) or clear one, logged, then every instance
 * applies its tracking again. The target is checked by the caller; 0 or 1 as demotions_set() / clear. */
int tracking_set_demotion(Manager *m, const char *tag, const char *target, uint8_t amount);
bool tracking_clear_demotion(Manager *m, const char *tag);
/* Sets or clears one of i's own faults (InstanceFault, instance.h): the listeners hear it as a change of
 * what its tracks show, then the FSM as a weight-0 track's fault. */
int tracking_set_fault(Instance *i, unsigned f, bool on);
const char *instance_fault_to_string(unsigned f);
/* Sets the faults i's config and the system decide (unicast_fault_no_peer, track_src_ip), quietly: at build
 * and after a reload, before tracking_apply(). True if they changed. */
bool tracking_own_faults(Instance *i);
/* The same, at run time: the listeners hear a change, and the FSM. */
int tracking_refresh_faults(Instance *i);
/* An address came or went somewhere: instances with track_src_ip on it follow. */
void tracking_on_address(Manager *m, int family, const VrrpAddr *addr);
void tracking_on_link(Manager *m, int ifindex, bool up);
void tracking_reload(Manager *m, const Config *next);
const char *track_kind_to_string(TrackKind k);
