#include <stdlib.h>

#include "util/cleanup.h"
#include "util/strv.h"
#include "vtest.h"

TEST(strv_push_copies_and_terminates) {
        _cleanup_(strv_freep) char **l = NULL;
        char name[] = "vi_lan";
        size_t n = 0;

        ASSERT_EQ(strv_length(l), 0);
        ASSERT_OK(strv_push(&l, &n, name));
        name[0] = 'X'; /* the list holds its own copy */
        ASSERT_OK(strv_push(&l, &n, "vi_wan"));
        ASSERT_OK(strv_push(&l, &n, ""));
        ASSERT_EQ(n, 3);
        ASSERT_EQ(strv_length(l), 3);
        ASSERT_STREQ(l[0], "vi_lan");
        ASSERT_STREQ(l[1], "vi_wan");
        ASSERT_STREQ(l[2], "");
        ASSERT_TRUE(l[3] == NULL);
}

TEST(strv_push_onto_an_empty_list) {
        char **l = calloc(1, sizeof(char *));
        size_t n = 0;

        ASSERT_TRUE(l);
        ASSERT_EQ(strv_length(l), 0);
        ASSERT_OK(strv_push(&l, &n, "a"));
        ASSERT_EQ(strv_length(l), 1);
        ASSERT_TRUE(strv_free(l) == NULL);
}

TEST(strv_push_many) {
        _cleanup_(strv_freep) char **l = NULL;
        char buf[16];
        size_t n = 0;

        for (unsigned i = 0; i < 1000; i++) {
                snprintf(buf, sizeof(buf), "i%u", i);
                ASSERT_OK(strv_push(&l, &n, buf));
                ASSERT_TRUE(l[n] == NULL);
        }
        ASSERT_EQ(strv_length(l), 1000);
        ASSERT_STREQ(l[999], "i999");
}

TEST(strv_free_takes_null) {
        char **l = NULL;

        ASSERT_TRUE(strv_free(NULL) == NULL);
        strv_freep(&l);
        ASSERT_TRUE(l == NULL);
}

TEST(strv_extend_and_copy) {
        char *more[] = { "b", "c", NULL };
        char **l = NULL, **c;
        size_t n = 0;

        ASSERT_OK(strv_extend(&l, NULL));
        ASSERT_TRUE(l == NULL);
        ASSERT_OK(strv_push(&l, &n, "a"));
        ASSERT_OK(strv_extend(&l, more));
        ASSERT_EQ(strv_length(l), 3u);
        ASSERT_STREQ(l[2], "c");
        ASSERT_TRUE(l[3] == NULL);
        c = strv_copy(l);
        ASSERT_EQ(strv_length(c), 3u);
        ASSERT_TRUE(c[0] != l[0]); /* copies, not the same strings */
        ASSERT_STREQ(c[0], "a");
        ASSERT_TRUE(strv_copy(NULL) == NULL);
        strv_free(c);
        strv_free(l);
}
