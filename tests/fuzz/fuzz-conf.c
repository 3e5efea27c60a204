/* libFuzzer target for the keepalived.conf lexer, preprocessor, parser and checks. The input is the main file;
 * includes never reach the filesystem: every pattern "matches" itself and every file reads as the input again,
 * which exercises the recursion and depth limits. */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf-print.h"
#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* where conf_print_json() writes: opened once, not at each input */
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        devnull = fopen("/dev/null", "we");
        return devnull ? 0 : -errno;
}

typedef struct Input {
        const uint8_t *data;
        size_t size;
        unsigned n_reads; /* the lexer allows 256 files; a few keep the fuzzer fast */
} Input;

static int fuzz_glob(void *userdata, const char *pattern, char ***ret_paths) {
        char **paths = calloc(2, sizeof(char *));

        if (!paths)
                return -ENOMEM;
        if (strlen(pattern) < 256 && !(paths[0] = strdup(pattern))) {
                free(paths);
                return -ENOMEM;
        }
        *ret_paths = paths;
        return 0;
}

static int fuzz_read(void *userdata, const char *path, char **ret_data, size_t *ret_size) {
        Input *in = userdata;
        char *copy;

        if (++in->n_reads > 8)
                return -EMFILE;
        copy = malloc(in->size + 1);
        if (!copy)
                return -ENOMEM;
        memcpy(copy, in->data, in->size);
        copy[in->size] = '\0';
        *ret_data = copy;
        *ret_size = in->size;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Input in = { data, size, 0 };
        const ConfSourceOps ops = { .glob = fuzz_glob, .read = fuzz_read, .userdata = &in };
        const ConfLoadOptions o = { .config_id = "node1", .hostname = "fuzz", .ops = &ops };
        ConfDiags d = {};
        Config *c = NULL;

        if (size > 256 * 1024)
                return 0;
        if (conf_load_buffer("fuzz.conf", (const char *) data, size, &o, &c, &d) >= 0) {
                conf_print_json(c, devnull);
                fflush(devnull);
        }
        for (size_t i = 0; i < d.n_items; i++) { /* formatting is part of what must not crash */
                char *line = NULL;
                if (conf_diag_format(&d.items[i], &line) >= 0)
                        free(line);
        }
        conf_diag_done(&d);
        conf_free(c);
        return 0;
}
