#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/array.h"
#include "vtest.h"

TEST(array_grow_keeps_capacity_that_fits) {
        uint32_t *a = NULL;
        size_t n_alloc = 0;

        ASSERT_OK(ARRAY_GROW(a, n_alloc, 5));
        ASSERT_EQ(n_alloc, 8);
        uint32_t *before = a;
        for (size_t need = 0; need <= 8; need++) {
                ASSERT_OK(ARRAY_GROW(a, n_alloc, need));
                ASSERT_TRUE(a == before); /* no realloc while it fits */
                ASSERT_EQ(n_alloc, 8);
        }
        free(a);
}

/* One element at a time, as the parser appends a VIP per line: log2(n) reallocations, not n. */
TEST(array_grow_doubles) {
        uint32_t *a = NULL;
        size_t n_alloc = 0, growths = 0, prev = 0;

        for (uint32_t i = 0; i < 5000; i++) {
                ASSERT_OK(ARRAY_GROW(a, n_alloc, i + 1));
                ASSERT_TRUE(n_alloc >= i + 1 && n_alloc <= 2 * (i + 1));
                ASSERT_EQ(n_alloc & (n_alloc - 1), 0); /* 1, 2, 4, ...: a power of two */
                if (n_alloc != prev)
                        growths++;
                prev = n_alloc;
                a[i] = i;
        }
        ASSERT_EQ(growths, 14); /* 1 .. 8192 */
        for (uint32_t i = 0; i < 5000; i++)
                ASSERT_EQ(a[i], i);
        free(a);
}

TEST(array_grow_starts_small_and_jumps_to_need) {
        char *a = NULL;
        size_t n_alloc = 0;

        ASSERT_OK(ARRAY_GROW(a, n_alloc, 1));
        ASSERT_EQ(n_alloc, 1); /* most arrays of the model hold one item */
        ASSERT_OK(ARRAY_GROW(a, n_alloc, 4097));
        ASSERT_EQ(n_alloc, 8192);
        free(a);
}

TEST(array_grow_refuses_overflow) {
        uint64_t *a = NULL;
        size_t n_alloc = 0;

        ASSERT_OK(ARRAY_GROW(a, n_alloc, 2));
        uint64_t *before = a;
        ASSERT_ERROR(ARRAY_GROW(a, n_alloc, SIZE_MAX / 4), ENOMEM);
        ASSERT_ERROR(ARRAY_GROW(a, n_alloc, SIZE_MAX), ENOMEM);
        ASSERT_TRUE(a == before);
        ASSERT_EQ(n_alloc, 2);
        free(a);
}
