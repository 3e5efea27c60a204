#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "track/demotion.h"
#include "util/cleanup.h"

bool demotion_tag_valid(const char *tag) {
        size_t n;

        assert(tag);

        n = strlen(tag);
        if (n == 0 || n > DEMOTION_TAG_MAX)
                return false;
        for (const char *c = tag; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr("-_.:@", *c)))
                        return false;
        return true;
}

const char *demotion_target_sync_group(const char *target) {
        assert(target);

        if (strncmp(target, DEMOTION_SYNC_GROUP_PREFIX, strlen(DEMOTION_SYNC_GROUP_PREFIX)) != 0)
                return NULL;
        return target + strlen(DEMOTION_SYNC_GROUP_PREFIX);
}

static Demotion *demotions_find(const Demotions *d, const char *tag) {
        for (size_t k = 0; k < d->n; k++)
                if (strcmp(d->items[k].tag, tag) == 0)
                        return &d->items[k];
        return NULL;
}

int demotions_set(Demotions *d, const char *tag, const char *target, uint8_t amount) {
        _cleanup_free_ char *t = NULL, *g = NULL;
        Demotion *e, *items;

        assert(d);
        assert(tag);
        assert(target);
        assert(amount > 0);

        e = demotions_find(d, tag);
        if (!e && d->n >= DEMOTIONS_MAX)
                return -E2BIG;
        g = strdup(target);
        if (!g)
                return -ENOMEM;
        if (e) {
                free(e->target);
                *e = (Demotion){ .tag = e->tag, .target = TAKE_PTR(g), .amount = amount };
                return 1;
        }
        t = strdup(tag);
        items = t ? realloc(d->items, (d->n + 1) * sizeof(Demotion)) : NULL;
        if (!items)
                return -ENOMEM;
        d->items = items;
        d->items[d->n++] = (Demotion){ .tag = TAKE_PTR(t), .target = TAKE_PTR(g), .amount = amount };
        return 0;
}

bool demotions_clear(Demotions *d, const char *tag) {
        Demotion *e;

        assert(d);
        assert(tag);

        e = demotions_find(d, tag);
        if (!e)
                return false;
        free(e->tag);
        free(e->target);
        memmove(e, e + 1, (size_t) (d->items + d->n - (e + 1)) * sizeof(Demotion));
        d->n--;
        return true;
}

static bool demotion_matches(const Demotion *e, const char *name, const char *sync_group) {
        const char *group = demotion_target_sync_group(e->target);

        if (e->target[0] == '\0')
                return true;
        if (group)
                return sync_group && strcmp(group, sync_group) == 0;
        return strcmp(e->target, name) == 0;
}

unsigned demotions_sum(const Demotions *d, const char *name, const char *sync_group) {
        unsigned sum = 0;

        assert(d);
        assert(name);

        for (size_t k = 0; k < d->n; k++)
                if (demotion_matches(&d->items[k], name, sync_group))
                        sum += d->items[k].amount;
        return sum;
}

void demotions_done(Demotions *d) {
        assert(d);

        for (size_t k = 0; k < d->n; k++) {
                free(d->items[k].tag);
                free(d->items[k].target);
        }
        free(d->items);
        *d = (Demotions){};
}
