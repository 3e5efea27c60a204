#pragma once

/* What ip(8) shows, for adapter tests that check the kernel holds exactly what was asked: the output of a
 * command, and the lines one output has that another lacks (trailing blanks trimmed). */

#include <stdio.h>
#include <string.h>

#include "vtest.h"

#define IP_SHOW_MAX 16384

typedef struct IpShow {
        char text[IP_SHOW_MAX];
} IpShow;

/* Runs cmd (through sh) into ret->text; fails the test if it does not fit. */
static inline void ip_show(const char *cmd, IpShow *ret) {
        FILE *f = popen(cmd, "re");
        size_t n;

        ASSERT_TRUE(f != NULL);
        n = fread(ret->text, 1, sizeof(ret->text) - 1, f);
        ret->text[n] = '\0';
        ASSERT_TRUE(n < sizeof(ret->text) - 1);
        pclose(f);
}

/* Whether text holds line as a whole line (trailing blanks of text's lines ignored). */
static inline bool ip_show_has(const char *text, const char *line, size_t len) {
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n"), m = n;

                while (m > 0 && p[m - 1] == ' ')
                        m--;
                if (m == len && memcmp(p, line, len) == 0)
                        return true;
                p += n + (p[n] == '\n');
        }
        return false;
}

/* The lines of after that before lacks, joined by '\n' into ret (trailing blanks trimmed). */
static inline void ip_show_new(const IpShow *before, const IpShow *after, char *ret, size_t size) {
        size_t used = 0;

        ret[0] = '\0';
        for (const char *p = after->text; *p;) {
                size_t n = strcspn(p, "\n"), m = n;

                while (m > 0 && p[m - 1] == ' ')
                        m--;
                if (m > 0 && !ip_show_has(before->text, p, m)) {
                        ASSERT_TRUE(used + m + 2 < size);
                        if (used > 0)
                                ret[used++] = '\n';
                        memcpy(ret + used, p, m);
                        used += m;
                        ret[used] = '\0';
                }
                p += n + (p[n] == '\n');
        }
}
