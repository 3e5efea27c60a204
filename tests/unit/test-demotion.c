#include <errno.h>
#include <stdio.h>

#include "track/demotion.h"
#include "vtest.h"

/* Named demotions (track/demotion.h): a tag set again replaces, targets match by name, group or all. */

TEST(the_same_tag_again_replaces_and_never_adds) {
        Demotions d = {};

        ASSERT_EQ(demotions_set(&d, "deploy", "", 30), 0);
        ASSERT_EQ(demotions_sum(&d, "VI_1", NULL), 30u);
        ASSERT_EQ(demotions_set(&d, "deploy", "", 40), 1);
        ASSERT_EQ(demotions_sum(&d, "VI_1", NULL), 40u);
        ASSERT_EQ(d.n, 1u);
        ASSERT_EQ(demotions_set(&d, "bgp", "VI_1", 5), 0);
        ASSERT_EQ(demotions_sum(&d, "VI_1", NULL), 45u);
        ASSERT_EQ(demotions_sum(&d, "VI_2", NULL), 40u);
        ASSERT_TRUE(demotions_clear(&d, "deploy"));
        ASSERT_FALSE(demotions_clear(&d, "deploy"));
        ASSERT_EQ(demotions_sum(&d, "VI_1", NULL), 5u);
        ASSERT_STREQ(d.items[0].tag, "bgp");
        demotions_done(&d);
        ASSERT_EQ(d.n, 0u);
}

TEST(a_sync_group_target_matches_its_members_only) {
        Demotions d = {};

        ASSERT_EQ(demotions_set(&d, "t", "sync_group/SG_1", 10), 0);
        ASSERT_EQ(demotions_sum(&d, "VI_1", "SG_1"), 10u);
        ASSERT_EQ(demotions_sum(&d, "VI_1", "SG_2"), 0u);
        ASSERT_EQ(demotions_sum(&d, "VI_1", NULL), 0u);
        ASSERT_EQ(demotions_sum(&d, "sync_group/SG_1", NULL), 0u); /* never an instance's name */
        ASSERT_EQ(demotions_set(&d, "t", "SG_1", 10), 1);           /* retargeted: now an instance name */
        ASSERT_EQ(demotions_sum(&d, "VI_1", "SG_1"), 0u);
        ASSERT_EQ(demotions_sum(&d, "SG_1", NULL), 10u);
        demotions_done(&d);
}

TEST(the_list_is_capped) {
        Demotions d = {};
        char tag[16];

        for (unsigned k = 0; k < DEMOTIONS_MAX; k++) {
                snprintf(tag, sizeof(tag), "t%u", k);
                ASSERT_EQ(demotions_set(&d, tag, "", 1), 0);
        }
        ASSERT_ERROR(demotions_set(&d, "one-more", "", 1), E2BIG);
        ASSERT_EQ(demotions_set(&d, "t0", "", 2), 1); /* replacing still works */
        ASSERT_EQ(demotions_sum(&d, "x", NULL), DEMOTIONS_MAX + 1u);
        demotions_done(&d);
}

TEST(tags_and_targets) {
        ASSERT_TRUE(demotion_tag_valid("deploy-2026.12:web@a_b"));
        ASSERT_FALSE(demotion_tag_valid(""));
        ASSERT_FALSE(demotion_tag_valid("has space"));
        ASSERT_FALSE(demotion_tag_valid("a/b"));
        ASSERT_TRUE(demotion_tag_valid("0123456789012345678901234567890123456789012345678901234567890123"));
        ASSERT_FALSE(demotion_tag_valid("01234567890123456789012345678901234567890123456789012345678901234"));
        ASSERT_STREQ(demotion_target_sync_group("sync_group/SG"), "SG");
        ASSERT_TRUE(demotion_target_sync_group("VI_1") == NULL);
}
