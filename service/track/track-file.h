#pragma once

#include <stdbool.h>

#include <systemd/sd-event.h>

typedef struct TrackFile TrackFile;

/* keepalived's track_file: a file holding an integer that other software writes; the instances tracking it
 * multiply it by their weight (weight 0: any value but 0 means FAULT). A missing or unreadable file, or one
 * without a number, reads as 0, as keepalived reads it. Watched with inotify on its directory, so files
 * replaced by rename are seen too. */
typedef void (*track_file_handler_t)(TrackFile *f, long value, void *userdata);

/* init: write init_value first (init_file), over an existing file only with overwrite. */
int track_file_new(sd_event *e, const char *name, const char *path, bool init, long init_value, bool overwrite,
                   track_file_handler_t handler, void *userdata, TrackFile **ret);
TrackFile *track_file_free(TrackFile *f);
const char *track_file_get_name(const TrackFile *f);
long track_file_get_value(const TrackFile *f);
