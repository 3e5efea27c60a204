#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "../util/cleanup.h"
#include "conf-line.h"
#include "conf-quote.h"

bool conf_quote_is_command_keyword(const char *word, size_t len) {
        static const char *const keywords[] = {
                "script",
                "notify",
                "notify_master",
                "notify_backup",
                "notify_fault",
                "notify_stop",
                "notify_deleted",
                "notify_master_rx_lower_pri",
                "notify_fifo_script",
                "vrrp_notify_fifo_script",
                "lvs_notify_fifo_script",
                "startup_script",
                "shutdown_script",
        };

        assert(word || len == 0);

        for (size_t i = 0; i < ELEMENTSOF(keywords); i++)
                if (strlen(keywords[i]) == len && memcmp(keywords[i], word, len) == 0)
                        return true;
        return false;
}

static int hex_value(char c) {
        return isdigit((unsigned char) c) ? c - '0' : tolower((unsigned char) c) - 'a' + 10;
}

/* The character an escape at s[*i] (just after the backslash) stands for; *i moves past it. */
static char unescape(const char *s, size_t n, size_t *i) {
        static const char plain[] = "abEfnrtv", meant[] = "\a\b\x1b\f\n\r\t\v";
        char c = s[(*i)++], v = 0;
        const char *k;

        if (c == 'x' && *i < n && isxdigit((unsigned char) s[*i])) {
                while (*i < n && isxdigit((unsigned char) s[*i]))
                        v = (char) (v << 4 | hex_value(s[(*i)++]));
                return v;
        }
        if (c == 'c' && *i < n)
                return (char) (s[(*i)++] & 0x1f);
        if (c >= '0' && c <= '7') {
                v = (char) (c - '0');
                for (int d = 0; d < 2 && *i < n && s[*i] >= '0' && s[*i] <= '7'; d++)
                        v = (char) (v << 3 | (s[(*i)++] - '0'));
                return v;
        }
        k = c ? strchr(plain, c) : NULL;
        return k ? meant[k - plain] : c;
}

int conf_quote_word(const ConfLine *l, size_t *pos, ConfLine *out, bool *ret_quoted) {
        size_t i, open = 0;
        char quote = 0;
        int r = 0;

        assert(l);
        assert(pos);
        assert(out);
        assert(ret_quoted);

        i = *pos;
        out->n = 0;
        *ret_quoted = false;
        while (i < l->n && r >= 0) {
                char c = l->s[i];
                unsigned col = l->col[i];

                if (c == '\\') {
                        i++;
                        if (i >= l->n)
                                return -EBADMSG;
                        c = unescape(l->s, l->n, &i);
                        if (c == '\0')
                                return -EBADMSG;
                        r = conf_line_push(out, c, col);
                } else if (quote && c == quote) {
                        quote = 0;
                        i++;
                } else if (quote) {
                        r = conf_line_push(out, c, col);
                        i++;
                } else if (c == '"' || c == '\'') {
                        quote = c;
                        open = i++;
                        *ret_quoted = true;
                } else if (strchr(" \t\r\v\f\n{}", c))
                        break;
                else {
                        r = conf_line_push(out, c, col);
                        i++;
                }
        }
        if (r < 0)
                return r;
        if (quote) {
                *pos = open;
                return -EINVAL;
        }
        *pos = i;
        return 0;
}

int conf_quote_check_command(const char *command, size_t *ret_offset) {
        _cleanup_(conf_line_done) ConfLine line = {}, word = {};
        size_t n, pos = 0;
        bool quoted, any = false;
        int r = 0;

        assert(command);
        assert(ret_offset);

        n = strlen(command);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = conf_line_push(&line, command[i], (unsigned) i);
        for (; r >= 0; any = true) {
                while (pos < line.n && strchr(" \t\r\v\f\n", line.s[pos]))
                        pos++;
                if (pos >= line.n) {
                        *ret_offset = 0;
                        return any ? 0 : -ENODATA;
                }
                r = conf_quote_word(&line, &pos, &word, &quoted);
                if (r >= 0 && pos < line.n && strchr("{}", line.s[pos])) /* no block braces in a command */
                        pos++;
        }
        *ret_offset = pos;
        return r;
}
