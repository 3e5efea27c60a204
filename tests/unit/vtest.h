#pragma once

/* systemd's test shape in a few lines: TEST(name) registers a function in a linker section that main() walks;
 * ASSERT_* print the expression, both values and file:line, then fail the current test. */

#include <inttypes.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct VTest {
        const char *name;
        void (*func)(void);
} VTest;

extern jmp_buf vtest_jmp;
void vtest_fail(void) __attribute__((noreturn));
/* Ends the current test as skipped, with a reason: reported as "skip", never counted as passed. */
void vtest_skip(const char *format, ...) __attribute__((noreturn, format(printf, 1, 2)));
#define VTEST_SKIP(...) vtest_skip(__VA_ARGS__)

#define TEST(n)                                                                                          \
        static void test_##n(void);                                                                      \
        static const VTest vtest_entry_##n __attribute__((used, section("vtest_table"), aligned(8))) = { \
                .name = #n,                                                                              \
                .func = test_##n,                                                                        \
        };                                                                                               \
        static void test_##n(void)

#define VTEST_FAIL(...)                                                 \
        do {                                                            \
                fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);         \
                fprintf(stderr, __VA_ARGS__);                           \
                fputc('\n', stderr);                                    \
                vtest_fail();                                           \
        } while (0)

#define ASSERT_TRUE(expr)                                                \
        do {                                                             \
                if (!(expr))                                             \
                        VTEST_FAIL("assertion failed: %s", #expr);       \
        } while (0)

#define ASSERT_FALSE(expr) ASSERT_TRUE(!(expr))

#define ASSERT_OK(expr)                                                                          \
        do {                                                                                     \
                intmax_t _r = (expr);                                                            \
                if (_r < 0)                                                                      \
                        VTEST_FAIL("%s failed: %jd (%s)", #expr, _r, strerror((int) -_r));       \
        } while (0)

#define ASSERT_ERROR(expr, err)                                                                  \
        do {                                                                                     \
                intmax_t _r = (expr);                                                            \
                if (_r != -(intmax_t) (err))                                                     \
                        VTEST_FAIL("%s = %jd, expected -%s (%d)", #expr, _r, #err, (int) (err)); \
        } while (0)

#define ASSERT_EQ(a, b)                                                                          \
        do {                                                                                     \
                uintmax_t _a = (uintmax_t) (a), _b = (uintmax_t) (b);                            \
                if (_a != _b)                                                                    \
                        VTEST_FAIL("%s == %s: %ju (0x%jx) != %ju (0x%jx)", #a, #b, _a, _a, _b, _b); \
        } while (0)

#define ASSERT_NE(a, b)                                                                          \
        do {                                                                                     \
                uintmax_t _a = (uintmax_t) (a), _b = (uintmax_t) (b);                            \
                if (_a == _b)                                                                    \
                        VTEST_FAIL("%s != %s: both %ju", #a, #b, _a);                            \
        } while (0)

#define ASSERT_STREQ(a, b)                                                                       \
        do {                                                                                     \
                const char *_a = (a), *_b = (b);                                                 \
                if (!_a || !_b || strcmp(_a, _b) != 0)                                           \
                        VTEST_FAIL("%s == %s: '%s' != '%s'", #a, #b, _a ?: "(null)", _b ?: "(null)"); \
        } while (0)

#define ASSERT_MEMEQ(a, b, n)                                                                    \
        do {                                                                                     \
                const uint8_t *_a = (const uint8_t *) (a), *_b = (const uint8_t *) (b);           \
                size_t _n = (n);                                                                 \
                for (size_t _i = 0; _i < _n; _i++)                                               \
                        if (_a[_i] != _b[_i])                                                    \
                                VTEST_FAIL("%s == %s: byte %zu is 0x%02x, expected 0x%02x", #a, #b, \
                                           _i, _a[_i], _b[_i]);                                  \
        } while (0)
