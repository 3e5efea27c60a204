#include <stdarg.h>
#include <stdlib.h>

#include "vtest.h"

extern const VTest __start_vtest_table[];
extern const VTest __stop_vtest_table[];

jmp_buf vtest_jmp;
static const char *vtest_current;

enum { VTEST_PASSED, VTEST_FAILED, VTEST_SKIPPED };

void vtest_fail(void) {
        longjmp(vtest_jmp, VTEST_FAILED);
}

void vtest_skip(const char *format, ...) {
        va_list ap;

        printf("skip   %s: ", vtest_current);
        va_start(ap, format);
        vprintf(format, ap);
        va_end(ap);
        putchar('\n');
        longjmp(vtest_jmp, VTEST_SKIPPED);
}

static int run_one(const VTest *t) {
        int r;

        vtest_current = t->name;
        r = setjmp(vtest_jmp);
        if (r != 0)
                return r;
        t->func();
        return VTEST_PASSED;
}

int main(int argc, char *argv[]) {
        unsigned passed = 0, failed = 0, skipped = 0;

        for (const VTest *t = __start_vtest_table; t < __stop_vtest_table; t++) {
                if (argc > 1 && strcmp(argv[1], t->name) != 0)
                        continue;
                switch (run_one(t)) {
                case VTEST_PASSED:
                        printf("ok     %s\n", t->name);
                        passed++;
                        break;
                case VTEST_SKIPPED:
                        skipped++; /* vtest_skip() printed the line */
                        break;
                default:
                        printf("FAIL   %s\n", t->name);
                        failed++;
                }
        }
        printf("%u passed, %u failed", passed, failed);
        printf(skipped ? ", %u skipped\n" : "\n", skipped);
        if (failed > 0)
                return EXIT_FAILURE;
        return passed == 0 ? (skipped > 0 ? 77 : EXIT_FAILURE) : EXIT_SUCCESS;
}
