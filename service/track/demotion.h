#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Named demotions, as OpenBSD's carpdemote gives other programs (a routing daemon not yet converged, a
 * deploy script): each tag lowers the effective priority of the instances its target names by its amount,
 * until it is cleared or the daemon restarts. The list lives with the manager's tracking, so a reload keeps
 * it; tracking_apply() subtracts what matches an instance. Allocates, but does no I/O and never logs. */

#define DEMOTION_TAG_MAX 64          /* bytes of a tag */
#define DEMOTIONS_MAX 64             /* tags at once */
#define DEMOTION_SYNC_GROUP_PREFIX "sync_group/"

typedef struct Demotion {
        char *tag;
        char *target; /* "": every instance; "sync_group/NAME": that group's members; else an instance name */
        uint8_t amount; /* 1..255 */
} Demotion;

typedef struct Demotions {
        Demotion *items; /* in the order their tags were first set */
        size_t n;
} Demotions;

/* A tag is 1..DEMOTION_TAG_MAX bytes of letters, digits and "-_.:@" (it shows in logs and tables). */
bool demotion_tag_valid(const char *tag);
/* The sync group a target names ("sync_group/NAME" → NAME), or NULL if it names none. */
const char *demotion_target_sync_group(const char *target);

/* Sets tag's demotion, replacing what the tag had (never adding to it). 0 when the tag is new, 1 when it
 * replaced one, -E2BIG when DEMOTIONS_MAX tags are set already, -ENOMEM (the list unchanged on errors). */
int demotions_set(Demotions *d, const char *tag, const char *target, uint8_t amount);
/* true if the tag was set. */
bool demotions_clear(Demotions *d, const char *tag);
/* What the demotions targeting an instance named name, member of sync_group (NULL: none), add up to. */
unsigned demotions_sum(const Demotions *d, const char *name, const char *sync_group);
void demotions_done(Demotions *d);
