#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/index.h"
#include "vtest.h"

static void assert_sorted(const Index *x) {
        for (size_t i = 1; i < x->n_entries; i++)
                ASSERT_TRUE(x->compare(x->entries[i - 1].key, x->entries[i].key) < 0);
}

TEST(index_built_once_finds_every_name) {
        const char *names[] = { "vi_wan", "vi_lan", "vi_dmz", "chk_nginx", "a", "" };
        int values[6];
        Index x = INDEX_INIT(index_compare_string);

        ASSERT_TRUE(index_find(&x, "vi_lan") == NULL); /* an empty index finds nothing */
        for (size_t i = 0; i < 6; i++)
                ASSERT_OK(index_append(&x, names[i], &values[i]));
        ASSERT_OK(index_sort(&x));
        assert_sorted(&x);
        for (size_t i = 0; i < 6; i++)
                ASSERT_TRUE(index_find(&x, names[i]) == &values[i]);
        char copy[] = "vi_dmz"; /* found by content, not by pointer */
        ASSERT_TRUE(index_find(&x, copy) == &values[2]);
        ASSERT_TRUE(index_find(&x, "vi_") == NULL);
        ASSERT_TRUE(index_find(&x, "zzz") == NULL);
        ASSERT_TRUE(index_find(&x, "0") == NULL);
        index_done(&x);
        ASSERT_EQ(x.n_entries, 0);
        ASSERT_TRUE(index_find(&x, "vi_lan") == NULL);
}

TEST(index_sort_reports_a_duplicate_and_stays_usable) {
        int a, b, c;
        Index x = INDEX_INIT(index_compare_string);

        ASSERT_OK(index_append(&x, "b", &b));
        ASSERT_OK(index_append(&x, "a", &a));
        ASSERT_OK(index_append(&x, "b", &c));
        ASSERT_ERROR(index_sort(&x), EEXIST);
        ASSERT_TRUE(index_find(&x, "a") == &a);
        void *v = index_find(&x, "b");
        ASSERT_TRUE(v == &b || v == &c);
        index_done(&x);
}

TEST(index_insert_and_remove_keep_the_order) {
        static const char *const names[] = { "m", "c", "x", "a", "q", "e" };
        int values[6];
        Index x = INDEX_INIT(index_compare_string);

        for (size_t i = 0; i < 6; i++) {
                ASSERT_OK(index_insert(&x, names[i], &values[i]));
                assert_sorted(&x);
        }
        ASSERT_ERROR(index_insert(&x, "q", &values[0]), EEXIST);
        ASSERT_EQ(x.n_entries, 6);
        ASSERT_TRUE(index_find(&x, "q") == &values[4]); /* the first stays */
        ASSERT_TRUE(index_remove(&x, "a") == &values[3]); /* the first entry */
        ASSERT_TRUE(index_remove(&x, "x") == &values[2]); /* the last */
        ASSERT_TRUE(index_remove(&x, "m") == &values[0]); /* one inside */
        ASSERT_TRUE(index_remove(&x, "m") == NULL);
        ASSERT_TRUE(index_remove(&x, "nope") == NULL);
        ASSERT_EQ(x.n_entries, 3);
        assert_sorted(&x);
        ASSERT_TRUE(index_find(&x, "c") == &values[1]);
        ASSERT_TRUE(index_find(&x, "e") == &values[5]);
        ASSERT_TRUE(index_find(&x, "a") == NULL);
        ASSERT_OK(index_insert(&x, "a", &values[3])); /* and back */
        ASSERT_TRUE(index_find(&x, "a") == &values[3]);
        index_done(&x);
}

/* The daemon's other key: an instance by (interface, family, VRID). */
typedef struct Ident {
        const char *ifname;
        int family;
        int vrid;
} Ident;

static int ident_compare(const void *a, const void *b) {
        const Ident *x = a, *y = b;
        int r = strcmp(x->ifname, y->ifname);

        if (r != 0)
                return r;
        if (x->family != y->family)
                return x->family < y->family ? -1 : 1;
        return x->vrid < y->vrid ? -1 : x->vrid > y->vrid;
}

TEST(index_by_interface_family_vrid) {
        Ident ids[] = { { "eth0", AF_INET, 7 }, { "eth0", AF_INET6, 7 }, { "eth1", AF_INET, 7 },
                        { "eth0", AF_INET, 8 }, { "eth0", AF_INET, 1 } };
        Index x = INDEX_INIT(ident_compare);

        for (size_t i = 0; i < 5; i++)
                ASSERT_OK(index_append(&x, &ids[i], &ids[i]));
        ASSERT_OK(index_sort(&x));
        for (size_t i = 0; i < 5; i++)
                ASSERT_TRUE(index_find(&x, &(Ident){ ids[i].ifname, ids[i].family, ids[i].vrid }) == &ids[i]);
        ASSERT_TRUE(index_find(&x, &(Ident){ "eth1", AF_INET6, 7 }) == NULL);
        ASSERT_TRUE(index_find(&x, &(Ident){ "eth0", AF_INET, 9 }) == NULL);
        index_done(&x);
}

/* Many entries, appended in a scrambled order, then all found; every other one removed, the rest found. */
TEST(index_many) {
        enum { N = 5000 };
        char(*names)[16] = calloc(N, sizeof(*names));
        Index x = INDEX_INIT(index_compare_string);

        ASSERT_TRUE(names);
        for (size_t i = 0; i < N; i++) {
                snprintf(names[i], sizeof(names[i]), "vi_%zu", (i * 7919) % N);
                ASSERT_OK(index_append(&x, names[i], names[i]));
        }
        ASSERT_OK(index_sort(&x));
        assert_sorted(&x);
        for (size_t i = 0; i < N; i++)
                ASSERT_TRUE(index_find(&x, names[i]) == names[i]);
        for (size_t i = 0; i < N; i += 2)
                ASSERT_TRUE(index_remove(&x, names[i]) == names[i]);
        ASSERT_EQ(x.n_entries, N / 2);
        for (size_t i = 0; i < N; i++)
                ASSERT_TRUE(index_find(&x, names[i]) == (i % 2 ? names[i] : NULL));
        index_done(&x);
        free(names);
}

TEST(index_by_object_address) {
        int objects[3] = {};
        Index x = INDEX_INIT(index_compare_pointer);

        ASSERT_OK(index_insert(&x, &objects[2], "two"));
        ASSERT_OK(index_insert(&x, &objects[0], "zero"));
        ASSERT_ERROR(index_insert(&x, &objects[2], "again"), EEXIST);
        ASSERT_STREQ(index_find(&x, &objects[0]), "zero");
        ASSERT_TRUE(index_find(&x, &objects[1]) == NULL);
        ASSERT_STREQ(index_remove(&x, &objects[2]), "two");
        ASSERT_TRUE(index_find(&x, &objects[2]) == NULL);
        index_done(&x);
}
