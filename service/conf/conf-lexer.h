#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "conf-diag.h"
#include "conf-source.h"

/* The keepalived.conf preprocessor and lexer: reads a file and what it includes, drops comments, applies @host
 * conditions and $NAME definitions, and yields one flat token stream with exact locations. keepalived reads a
 * line at a time, so line ends are tokens too (CONF_TOKEN_EOL), and '{' / '}' split words wherever they appear
 * outside quotes, as keepalived splits lines at them. */

#define CONF_INCLUDE_DEPTH_MAX 8
#define CONF_FILES_MAX 256
#define CONF_TOTAL_SIZE_MAX (64u * 1024u * 1024u) /* bytes read from all files together */
#define CONF_TOKENS_MAX (4u * 1024u * 1024u)
#define CONF_GENERATED_LINES_MAX 16384 /* lines that multi-line values and "~SEQ"s produce, all together */

typedef enum ConfTokenType {
        CONF_TOKEN_WORD,
        CONF_TOKEN_OPEN,
        CONF_TOKEN_CLOSE,
        CONF_TOKEN_EOL,
} ConfTokenType;

typedef struct ConfToken {
        ConfTokenType type;
        bool quoted;
        char *text; /* NUL-terminated; "{", "}" or "" for the other types */
        ConfLoc loc;
} ConfToken;

typedef struct ConfTokens {
        ConfToken *items;
        size_t n_items;
        size_t n_alloc;
        char **files; /* the names ConfLoc.file points to */
        size_t n_files;
        size_t n_files_alloc;
} ConfTokens;

typedef struct ConfLexOptions {
        const char *config_id;    /* what "@ID" lines are matched against; NULL matches none */
        const ConfSourceOps *ops; /* NULL: the filesystem */
} ConfLexOptions;

/* Both return 0 when the text was read (problems in it are in d), < 0 when the file itself cannot be read or
 * memory ran out (also reported in d). */
int conf_lexer_run_file(const char *path, const ConfLexOptions *o, ConfTokens *ret, ConfDiags *d);
int conf_lexer_run_buffer(const char *name, const char *data, size_t size, const ConfLexOptions *o,
                          ConfTokens *ret, ConfDiags *d);

/* Moves the file name pool out of t (the Config keeps it: its locations point there). */
char **conf_lexer_take_files(ConfTokens *t, size_t *ret_n);
void conf_lexer_tokens_done(ConfTokens *t);
