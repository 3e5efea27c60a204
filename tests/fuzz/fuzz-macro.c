/* libFuzzer target for the config's macro layer on its own (issue 16): "$NAME=value" definitions with '\'
 * continuations, "$NAME" / "${NAME}" uses with multi-line values, and the heads of "~SEQ" and "~LST" lines,
 * line by line as the lexer hands them over, without the lexer's own limits around them. The predefined
 * names are there (${_RANDOM}, ${_ENV}, ...), as in a real config. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-line.h"
#include "conf/conf-macro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINES_MAX 64 /* a few lines define, the rest use: enough to chain definitions */

static void fuzz_use(ConfMacros *m, ConfLine *l, const ConfLoc *loc, ConfDiags *d) {
        ConfLine out = {}, rest = {};
        ConfSeq seq;
        ConfLst lst = {};

        if (l->n >= 4 && memcmp(l->s, "~SEQ", 4) == 0)
                (void) conf_macro_seq_parse(m, l, &seq);
        else if (l->n >= 4 && memcmp(l->s, "~LST", 4) == 0)
                (void) conf_macro_lst_parse(l, &lst);
        else if (conf_macro_expand(m, l, &out, &rest, loc, d) > 0) {
                conf_line_cut_comment(&out);
                conf_line_trim(&out);
        }
        conf_macro_lst_done(&lst);
        conf_line_done(&out);
        conf_line_done(&rest);
}

static void fuzz_line(ConfMacros *m, const char *p, size_t len, unsigned number, ConfDiags *d) {
        ConfLine l = {};
        ConfLoc loc = { "fuzz.conf", number, 1 };

        for (size_t i = 0; i < len; i++)
                if (conf_line_push(&l, p[i], (unsigned) i + 1) < 0)
                        goto done;
        conf_line_trim(&l);
        if (m->continuing >= 0) {
                (void) conf_macro_continue(m, &l);
                goto done;
        }
        if (l.n > 0 && conf_macro_define(m, &l, &loc, d) == 0)
                fuzz_use(m, &l, &loc, d);
done:
        conf_line_done(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ConfMacros m = { .continuing = -1 };
        ConfDiags d = {};
        unsigned number = 0;

        if (size > 16 * 1024 || conf_macro_builtins(&m, "node1") < 0)
                goto done;
        for (const char *p = (const char *) data, *end = p + size; p < end && number < LINES_MAX;) {
                const char *eol = memchr(p, '\n', (size_t) (end - p));
                size_t len = eol ? (size_t) (eol - p) : (size_t) (end - p);

                fuzz_line(&m, p, len, ++number, &d);
                p += len + 1;
        }
done:
        conf_macro_done(&m);
        conf_diag_done(&d);
        return 0;
}
