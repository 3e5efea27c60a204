#include <stdbool.h>
#include <string.h>

#include "listener.h"
#include "vtest.h"

/* The seam (listener.h): listeners hear in the order they registered, one without a callback is passed
 * over, one removed hears nothing more, and the daemon is busy while any listener says so. */

typedef struct Heard {
        char log[64];
        bool busy;
} Heard;

static void heard(Heard *h, char c) {
        size_t n = strlen(h->log);

        h->log[n] = c;
        h->log[n + 1] = '\0';
}

static void on_tracks_a(void *userdata, Instance *i) {
        heard(userdata, 'a');
}

static void on_tracks_b(void *userdata, Instance *i) {
        heard(userdata, 'b');
}

static void on_seen(void *userdata, Instance *i, const AdvertSeen *adv) {
        heard(userdata, adv->accepted ? 'Y' : 'N');
}

static bool is_busy(void *userdata) {
        return ((Heard *) userdata)->busy;
}

static const ListenerOps ops_a = { .tracks_changed = on_tracks_a, .advert_seen = on_seen, .busy = is_busy };
static const ListenerOps ops_b = { .tracks_changed = on_tracks_b };

TEST(listeners_hear_in_registration_order) {
        Listeners l = {};
        Heard h = {};

        ASSERT_OK(listeners_add(&l, &ops_b, &h));
        ASSERT_OK(listeners_add(&l, &ops_a, &h));
        LISTENERS_EMIT(&l, tracks_changed, NULL);
        ASSERT_STREQ(h.log, "ba");
        LISTENERS_EMIT(&l, advert_seen, NULL, &(AdvertSeen){ .accepted = true }); /* b has no callback */
        ASSERT_STREQ(h.log, "baY");
        listeners_done(&l);
}

TEST(a_removed_listener_hears_nothing_more_and_the_others_keep_their_order) {
        Listeners l = {};
        Heard h = {}, other = {};

        ASSERT_OK(listeners_add(&l, &ops_a, &h));
        ASSERT_OK(listeners_add(&l, &ops_b, &other));
        ASSERT_OK(listeners_add(&l, &ops_a, &other));
        listeners_remove(&l, &ops_a, &h);
        listeners_remove(&l, &ops_a, &h); /* twice: nothing */
        LISTENERS_EMIT(&l, tracks_changed, NULL);
        ASSERT_STREQ(h.log, "");
        ASSERT_STREQ(other.log, "ba");
        listeners_done(&l);
        ASSERT_EQ(l.n, 0u);
}

TEST(busy_while_any_listener_says_so) {
        Listeners l = {};
        Heard h = {}, other = {};

        ASSERT_FALSE(listeners_busy(&l));
        ASSERT_OK(listeners_add(&l, &ops_b, &other)); /* no busy callback: never busy */
        ASSERT_OK(listeners_add(&l, &ops_a, &h));
        ASSERT_FALSE(listeners_busy(&l));
        h.busy = true;
        ASSERT_TRUE(listeners_busy(&l));
        h.busy = false;
        ASSERT_FALSE(listeners_busy(&l));
        listeners_done(&l);
}
