#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct ConfLine ConfLine;

/* keepalived re-reads the lines of its command keywords (vrrp_script's script, notify*, the fifo scripts)
 * with alloc_strvec_quoted_escaped(): a word may mix '…' and "…" parts, and a backslash escapes inside and
 * outside quotes (\n \t \xHH \NNN octal \cX, any other character as itself). The daemon splits the resulting
 * command string once more by the same rules (script-exec.c), as keepalived does. */

/* True if the unquoted keyword starts such a line. */
bool conf_quote_is_command_keyword(const char *word, size_t len);

/* Reads one word of l starting at *pos (not a blank) into out, unescaped and unquoted; *pos moves past it.
 * *ret_quoted tells whether a quote took part. -EINVAL for an unterminated quote (*pos at the quote),
 * -EBADMSG for a trailing backslash or an escape making a NUL byte. A '{' or '}' outside quotes ends a word.
 */
int conf_quote_word(const ConfLine *l, size_t *pos, ConfLine *out, bool *ret_quoted);

/* Whether command splits into words by the same rules, as the daemon will split it: -EINVAL for an
 * unterminated quote, -EBADMSG for a bad escape, with *ret_offset where in command; -ENODATA if it has no
 * word. */
int conf_quote_check_command(const char *command, size_t *ret_offset);
