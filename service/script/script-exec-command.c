#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "script/script-exec-command.h"
#include "script/script-security.h"
#include "util/cleanup.h"
#include "util/strv.h"

#define SCRIPT_EXEC_WHITESPACE " \t\f\n\r\v" /* keepalived's WHITE_SPACE_STR */

static unsigned script_exec_hexval(char c) {
        return isdigit((unsigned char) c) ? (unsigned) (c - '0')
                                          : (unsigned) (tolower((unsigned char) c) - 'a' + 10);
}

/* One escape after a backslash, as keepalived's alloc_strvec_quoted_escaped(); *p points after the '\'. */
static int script_exec_unescape(const char **p, char *ret) {
        static const char simple[][2] = { { 'a', '\a' }, { 'b', '\b' }, { 'E', 0x1b }, { 'f', '\f' },
                                          { 'n', '\n' }, { 'r', '\r' }, { 't', '\t' }, { 'v', '\v' } };
        const char *s = *p;
        unsigned v;

        if (!*s)
                return -EINVAL;
        if (s[0] == 'x' && isxdigit((unsigned char) s[1]))
                for (v = 0, s++; isxdigit((unsigned char) *s); s++)
                        v = (v << 4 | script_exec_hexval(*s)) & 0xff;
        else if (s[0] == 'c' && s[1]) {
                v = s[1] & 0x1f;
                s += 2;
        } else if (*s >= '0' && *s <= '7') {
                v = (unsigned) (*s++ - '0');
                for (int i = 0; i < 2 && *s >= '0' && *s <= '7'; i++)
                        v = (v << 3) + (unsigned) (*s++ - '0');
                v &= 0xff;
        } else {
                v = (unsigned char) *s;
                for (size_t i = 0; i < ELEMENTSOF(simple); i++)
                        if (simple[i][0] == *s)
                                v = (unsigned char) simple[i][1];
                s++;
        }
        if (v == 0)
                return -EINVAL; /* keepalived would cut the word there; we refuse it */
        *ret = (char) v;
        *p = s;
        return 0;
}

/* One word starting at *p (not whitespace); writes it to buf, returns its length. */
static int script_exec_word(const char **p, char *buf) {
        const char *s = *p;
        char quote = 0;
        int n = 0, r;

        while (*s) {
                if (*s == '\\') {
                        s++;
                        r = script_exec_unescape(&s, &buf[n]);
                        if (r < 0)
                                return r;
                        n++;
                } else if (quote) {
                        if (*s == quote)
                                quote = 0;
                        else
                                buf[n++] = *s;
                        s++;
                } else if (*s == '"' || *s == '\'')
                        quote = *s++;
                else if (strchr(SCRIPT_EXEC_WHITESPACE, *s))
                        break;
                else
                        buf[n++] = *s++;
        }
        if (quote)
                return -EINVAL;
        *p = s;
        return n;
}

int script_exec_split(const char *command, char ***ret_argv) {
        _cleanup_(strv_freep) char **l = NULL;
        _cleanup_free_ char *buf = NULL;
        const char *p = command;
        int n, r;

        assert(command);
        assert(ret_argv);
        buf = malloc(strlen(command) + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                p += strspn(p, SCRIPT_EXEC_WHITESPACE);
                if (!*p)
                        break;
                n = script_exec_word(&p, buf);
                if (n < 0)
                        return n;
                buf[n] = 0;
                r = strv_extend(&l, (char *const[]){ buf, NULL });
                if (r < 0)
                        return r;
        }
        if (!l)
                return -EINVAL;
        *ret_argv = TAKE_PTR(l);
        return 0;
}

int script_exec_resolve_user(const char *user, const char *group, uid_t *ret_uid, gid_t *ret_gid) {
        _cleanup_free_ char *buf = NULL;
        struct passwd pw, *pwp = NULL;
        struct group gr, *grp = NULL;
        long size = sysconf(_SC_GETPW_R_SIZE_MAX);
        int r;

        assert(user); /* group may be NULL: the user's own */
        assert(ret_uid);
        assert(ret_gid);
        if (size < 16384)
                size = 16384; /* also fits getgrnam_r() for most groups; ERANGE otherwise */
        buf = malloc((size_t) size);
        if (!buf)
                return -ENOMEM;
        r = getpwnam_r(user, &pw, buf, (size_t) size, &pwp);
        if (r != 0 || !pwp)
                return r > 0 ? -r : -ESRCH;
        *ret_uid = pw.pw_uid;
        *ret_gid = pw.pw_gid;
        if (!group)
                return 0;
        r = getgrnam_r(group, &gr, buf, (size_t) size, &grp);
        if (r != 0 || !grp)
                return r > 0 ? -r : -ESRCH;
        *ret_gid = gr.gr_gid;
        return 0;
}

/* keepalived's cmd_str_r(): the words joined, each but a leading '<'/'>' one in single quotes. */
static int script_exec_shell_command(char *const *argv, char **ret) {
        size_t len = 1;
        char *s, *p;

        for (size_t i = 0; argv[i]; i++)
                len += strlen(argv[i]) * 4 + 3;
        p = s = malloc(len);
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; argv[i]; i++) {
                bool quote = i > 0 || (argv[i][0] != '<' && argv[i][0] != '>');

                if (i > 0)
                        *p++ = ' ';
                if (quote)
                        *p++ = '\'';
                for (const char *c = argv[i]; *c; c++) {
                        if (*c == '\'' && quote)
                                p = stpcpy(p, "'\\''"); /* close, escaped quote, reopen */
                        else
                                *p++ = *c;
                }
                if (quote)
                        *p++ = '\'';
        }
        *p = 0;
        *ret = s;
        return 0;
}

int script_exec_build_argv(const ScriptCommand *command, char *const *extra_argv, char ***ret) {
        _cleanup_(strv_freep) char **argv = NULL;
        _cleanup_free_ char *cmd = NULL, *path = NULL;
        int r;

        assert(ret);
        if (!command || strv_length(command->argv) == 0)
                return -EINVAL;
        argv = strv_copy(command->argv);
        if (!argv || (extra_argv && strv_extend(&argv, extra_argv) < 0))
                return -ENOMEM;
        if (script_security_is_shell_test(argv[0])) {
                r = script_exec_shell_command(argv, &cmd);
                if (r < 0)
                        return r;
                argv = strv_free(argv);
                r = strv_extend(&argv, (char *const[]){ "/bin/sh", "-c", cmd, NULL });
                if (r < 0)
                        return r;
        } else if (!strchr(argv[0], '/')) {
                r = script_security_find_in_path(argv[0], command->uid, command->gid, &path);
                if (r < 0)
                        return r;
                free(argv[0]);
                argv[0] = TAKE_PTR(path);
        }
        *ret = TAKE_PTR(argv);
        return 0;
}

int script_exec_build_env(char *const *extra_env, char **env) {
        size_t n = 0;

        assert(env);
        env[n++] = (char *) "PATH=" SCRIPT_EXEC_PATH;
        for (size_t i = 0; extra_env && extra_env[i]; i++) {
                if (n >= SCRIPT_EXEC_ENV_MAX)
                        return -E2BIG;
                env[n++] = extra_env[i];
        }
        env[n] = NULL;
        return 0;
}
