#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-lexer.h"
#include "conf/conf-source.h"
#include "vtest.h"

/* An in-memory filesystem for includes: NULL-terminated { path, content } pairs. */
typedef struct MemFile {
        const char *path;
        const char *content;
} MemFile;

static int mem_glob(void *userdata, const char *pattern, char ***ret) {
        const MemFile *files = userdata;
        char **paths = calloc(16, sizeof(char *));
        size_t n = 0;

        for (const MemFile *f = files; f && f->path && n < 15; f++)
                if (fnmatch(pattern, f->path, FNM_PATHNAME) == 0)
                        paths[n++] = strdup(f->path);
        *ret = paths;
        return 0;
}

static int mem_read(void *userdata, const char *path, char **ret_data, size_t *ret_size) {
        const MemFile *files = userdata;

        for (const MemFile *f = files; f && f->path; f++)
                if (strcmp(f->path, path) == 0) {
                        *ret_data = strdup(f->content);
                        *ret_size = strlen(f->content);
                        return 0;
                }
        return -ENOENT;
}

static void lex(const char *text, const char *config_id, const MemFile *files, ConfTokens *t, ConfDiags *d) {
        ConfSourceOps ops = { .glob = mem_glob, .read = mem_read, .userdata = (void *) files };
        ConfLexOptions o = { .config_id = config_id, .ops = &ops };

        *t = (ConfTokens){};
        *d = (ConfDiags){};
        ASSERT_OK(conf_lexer_run_buffer("main.conf", text, strlen(text), &o, t, d));
}

/* The words of the stream, EOLs as "|", braces as themselves */
static void words(const ConfTokens *t, char *buf, size_t size) {
        buf[0] = '\0';
        for (size_t i = 0; i < t->n_items; i++) {
                const char *w = t->items[i].type == CONF_TOKEN_EOL ? "|" : t->items[i].text;
                strncat(buf, w, size - strlen(buf) - 2);
                strncat(buf, " ", size - strlen(buf) - 1);
        }
}

#define ASSERT_LOC(tok, l, c)                    \
        do {                                     \
                ASSERT_EQ((tok)->loc.line, (l)); \
                ASSERT_EQ((tok)->loc.column, (c)); \
        } while (0)

TEST(lexer_tokens_and_columns) {
        ConfTokens t;
        ConfDiags d;
        char buf[512];

        lex("vrrp_instance VI_1{\n  state \"MASTER x\" # comment\n}", NULL, NULL, &t, &d);
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, "vrrp_instance VI_1 { | state MASTER x | } | ");
        ASSERT_LOC(&t.items[1], 1, 15);
        ASSERT_EQ(t.items[2].type, CONF_TOKEN_OPEN);
        ASSERT_LOC(&t.items[2], 1, 19);
        ASSERT_LOC(&t.items[5], 2, 9);
        ASSERT_TRUE(t.items[5].quoted);
        ASSERT_EQ(t.items[7].type, CONF_TOKEN_CLOSE);
        ASSERT_STREQ(t.items[0].loc.file, "main.conf");
        ASSERT_EQ(d.n_items, 0);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_comments_like_keepalived) {
        ConfTokens t;
        ConfDiags d;
        char buf[512];

        lex("a ! b\nc#d\n\"e # f\" g\nh\\#i\n   ! whole line\n", NULL, NULL, &t, &d);
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, "a | c | e # f g | h#i | ");
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_definitions_expand_at_the_dollar) {
        ConfTokens t;
        ConfDiags d;
        char buf[512];

        lex("$X=hello world\n$Y=${X}!\nfoo $X bar ${Y}\n$UNSET stays\n", NULL, NULL, &t, &d);
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, "foo hello world bar hello world | $UNSET stays | ");
        ASSERT_LOC(&t.items[1], 3, 5); /* "hello" came from the $X at column 5 */
        ASSERT_LOC(&t.items[2], 3, 5);
        ASSERT_LOC(&t.items[3], 3, 8);
        ASSERT_LOC(&t.items[4], 3, 12);
        ASSERT_EQ(d.n_errors, 0);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_multiline_definition) {
        ConfTokens t;
        ConfDiags d;
        char buf[512];

        lex("$B=block { \\\n  one \\\n  two\n}\n$B\n", NULL, NULL, &t, &d);
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, "} | block { | one | two | ");
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_host_conditions) {
        ConfTokens t;
        ConfDiags d;
        char buf[512];

        lex("@a x\n@b y\n@^a z\n@^b w\n@a\n@ab v\n", "a", NULL, &t, &d);
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, "x | w | ");
        ASSERT_LOC(&t.items[0], 1, 4);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);

        lex("@a x\n@^a z\n", NULL, NULL, &t, &d); /* no config id: only negated lines apply */
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, "z | ");
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_include_glob_relative_and_located) {
        static const MemFile files[] = {
                { "etc/sub/1.conf", "one\n" },
                { "etc/sub/2.conf", "two \"unterminated\n" },
                { "etc/sub/x.txt", "no\n" },
                {},
        };
        ConfSourceOps ops = { .glob = mem_glob, .read = mem_read, .userdata = (void *) files };
        ConfLexOptions o = { .ops = &ops };
        const char *text = "include sub/*.conf\ninclude none*.conf\nlast\n";
        ConfTokens t = {};
        ConfDiags d = {};
        char buf[512];

        ASSERT_OK(conf_lexer_run_buffer("etc/main.conf", text, strlen(text), &o, &t, &d));
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, "one | two unterminated | last | ");
        ASSERT_STREQ(t.items[0].loc.file, "etc/sub/1.conf");
        ASSERT_STREQ(t.items[2].loc.file, "etc/sub/2.conf");
        ASSERT_EQ(d.n_items, 2);
        ASSERT_STREQ(d.items[0].file, "etc/sub/2.conf");
        ASSERT_EQ(d.items[0].column, 5);
        ASSERT_EQ(d.items[1].level, CONF_DIAG_WARNING);
        ASSERT_STREQ(d.items[1].file, "etc/main.conf");
        ASSERT_EQ(d.items[1].line, 2);
        ASSERT_EQ(d.items[1].column, 9);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_include_recursion_is_stopped) {
        static const MemFile files[] = {
                { "a.conf", "include b.conf\n" },
                { "b.conf", "include a.conf\n" },
                {},
        };
        ConfTokens t;
        ConfDiags d;

        lex("include a.conf\n", NULL, files, &t, &d); /* main -> a -> b -> a: stopped at the second a */
        ASSERT_EQ(d.n_errors, 1);
        ASSERT_STREQ(d.items[0].file, "b.conf");
        ASSERT_EQ(d.items[0].column, 9);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);

        ConfSourceOps ops = { .glob = mem_glob, .read = mem_read, .userdata = (void *) files };
        ConfLexOptions o = { .ops = &ops };
        ASSERT_OK(conf_lexer_run_file("a.conf", &o, &t, &d));
        ASSERT_EQ(d.n_errors, 1);
        ASSERT_STREQ(d.items[0].file, "b.conf");
        ASSERT_TRUE(strstr(d.items[0].message, "includes itself") != NULL);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_nul_and_missing_file) {
        static const char text[] = "a\0b\n";
        ConfLexOptions o = {};
        ConfTokens t = {};
        ConfDiags d = {};

        ASSERT_OK(conf_lexer_run_buffer("m.conf", text, sizeof(text) - 1, &o, &t, &d));
        ASSERT_EQ(d.n_errors, 1);
        ASSERT_EQ(d.items[0].column, 2);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);

        ASSERT_ERROR(conf_lexer_run_file("/nonexistent/vrrpd.conf", &o, &t, &d), ENOENT);
        ASSERT_EQ(d.n_errors, 1);
        ASSERT_EQ(d.items[0].line, 0);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

/* Lexes text and checks its words and that nothing was reported. */
static void expect_words(const char *text, const char *expected) {
        ConfTokens t;
        ConfDiags d;
        char buf[512];

        lex(text, NULL, NULL, &t, &d);
        words(&t, buf, sizeof(buf));
        ASSERT_STREQ(buf, expected);
        ASSERT_EQ(d.n_errors, 0);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

/* Lexes text and checks that each of its n lines is an error and makes no token. */
static void expect_bad_lines(const char *text, size_t n) {
        ConfTokens t;
        ConfDiags d;

        lex(text, NULL, NULL, &t, &d);
        ASSERT_EQ(t.n_items, 0);
        ASSERT_EQ(d.n_errors, n);
        ASSERT_EQ(d.items[n - 1].line, n);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_multiline_lines_are_read_in_order) {
        ConfTokens t;
        ConfDiags d;

        /* a definition inside a multi-line value holds for the value's later lines, as in keepalived */
        expect_words("$T=a ${V} \\\n$V=2 \\\nb ${V}\n$V=1\n$T\n", "a 1 | b 2 | ");
        lex("$T=a \\\nb\n$T\n", NULL, NULL, &t, &d);
        ASSERT_LOC(&t.items[2], 3, 1); /* the value's later lines are located at the use */
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_seq_repeats_a_line) {
        expect_words("$END=5\n~SEQ(N, 1, 2, $END) vip 10.0.0.$N\n~SEQx(H, 9, 11) h${H}\n~SEQ(K, 2) k$K\n",
                     "vip 10.0.0.1 | vip 10.0.0.3 | vip 10.0.0.5 | h9 | ha | hb | k1 | k2 | ");
        expect_bad_lines(
                "~SEQ(N, 1, 0, 3) x\n~SEQ(N 1) x\n~SEQ(, 1) x\n~SEQx(N, -1, 2) x\n~SEQ(N, 3, 1, 1) x\n", 5);
}

TEST(lexer_predefined_names) {
        static const MemFile files[] = { { "/etc/k/d/x.conf", "pwd ${_PWD}\n" }, {} };
        ConfSourceOps ops = { .glob = mem_glob, .read = mem_read, .userdata = (void *) files };
        ConfLexOptions o = { .config_id = "n1", .ops = &ops };
        static const char text[] = "id ${_INSTANCE} ${_PWD}\ninclude ${_PWD}/d/*.conf\npwd ${_PWD}\n"
                                   "r ${_RANDOM 7 7} $_RANDOM\n\"q${_HASH}\" c${_HASH}gone\n";
        ConfTokens t = {};
        ConfDiags d = {};
        char buf[512];

        ASSERT_OK(conf_lexer_run_buffer("/etc/k/main.conf", text, sizeof(text) - 1, &o, &t, &d));
        words(&t, buf, sizeof(buf));
        ASSERT_TRUE(strncmp(buf, "id n1 /etc/k | pwd /etc/k/d | pwd /etc/k | r 7 ", 47) == 0);
        ASSERT_TRUE(strstr(buf, "| q# c | ") != NULL);
        ASSERT_EQ(d.n_errors, 0);
        conf_lexer_tokens_done(&t);
        conf_diag_done(&d);
}

TEST(lexer_lst_repeats_a_line) {
        expect_words("~LST(X, a, b) x$X\n~LST({P, Q}, {1, 2}, {3}, 4) p$P q$Q\n",
                     "xa | xb | p1 q2 | p3 q | p4 q | ");
        expect_bad_lines("~LST(X) x\n~LST({P, Q}, {1, 2, 3}) p\n~LST({P, Q) p\n~LST(, 1) p\n~LST X, 1) "
                         "p\n~LST(X, 1 p\n",
                         6);
}
