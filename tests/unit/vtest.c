#include <stdlib.h>

#include "vtest.h"

extern const VTest __start_vtest_table[];
extern const VTest __stop_vtest_table[];

jmp_buf vtest_jmp;

void vtest_fail(void) {
        longjmp(vtest_jmp, 1);
}

static bool run_one(const VTest *t) {
        if (setjmp(vtest_jmp) != 0)
                return false;
        t->func();
        return true;
}

int main(int argc, char *argv[]) {
        unsigned passed = 0, failed = 0;

        for (const VTest *t = __start_vtest_table; t < __stop_vtest_table; t++) {
                if (argc > 1 && strcmp(argv[1], t->name) != 0)
                        continue;
                if (run_one(t)) {
                        printf("ok     %s\n", t->name);
                        passed++;
                } else {
                        printf("FAIL   %s\n", t->name);
                        failed++;
                }
        }
        printf("%u passed, %u failed\n", passed, failed);
        return failed > 0 || passed == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
