#include "vtest.h"

/* placeholder: replaced by the real tests of this module */
TEST(placeholder_test_fsm) {
        ASSERT_TRUE(1);
}
