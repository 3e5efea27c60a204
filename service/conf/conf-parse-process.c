#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../util/cleanup.h"
#include "conf-parse.h"

/* vrrp_track_process NAME { … }, as keepalived 2.2.7's vrrp_tprocess_*_handler()s read it */

/* process PATH_OR_NAME [ARGS…]: arguments imply matching the command line, exactly unless param_match says
 */
static int process_process(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackProcess *t = obj;
        size_t len = 0;
        char *q;

        if (!conf_parse_value_nargs(p, st, 1, SIZE_MAX, "a process name or path"))
                return 0;
        if (t->process) {
                conf_diag_error(p->d, &st->w[1].loc, "vrrp_track_process '%s' already has a process",
                                t->name);
                return 0;
        }
        if (!(t->process = strdup(st->w[1].text)))
                return -ENOMEM;
        if (st->n == 2)
                return 0;
        for (size_t i = 2; i < st->n; i++)
                len += strlen(st->w[i].text) + 1;
        if (!(t->params = q = malloc(len)))
                return -ENOMEM;
        for (size_t i = 2; i < st->n; i++)
                q = stpcpy(q, st->w[i].text) + 1;
        t->params_len = len;
        if (t->param_match == CONF_PARAM_MATCH_NONE)
                t->param_match = CONF_PARAM_MATCH_EXACT;
        t->full_command = true;
        return 0;
}

/* param_match [initial|partial|exact]: alone it means exact; any form compares the command line */
static int process_param_match(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        static const char *const names[] = {
                [CONF_PARAM_MATCH_EXACT] = "exact",
                [CONF_PARAM_MATCH_PARTIAL] = "partial",
                [CONF_PARAM_MATCH_INITIAL] = "initial",
        };
        ConfTrackProcess *t = obj;

        if (!conf_parse_value_nargs(p, st, 0, 1, "initial, partial or exact"))
                return 0;
        if (st->n == 1) {
                t->param_match = CONF_PARAM_MATCH_EXACT;
                t->full_command = true;
                return 0;
        }
        for (size_t k = CONF_PARAM_MATCH_EXACT; k < ELEMENTSOF(names); k++)
                if (strcmp(st->w[1].text, names[k]) == 0) {
                        t->param_match = (ConfParamMatch) k;
                        t->full_command = true;
                        return 0;
                }
        conf_diag_error(p->d, &st->w[1].loc, "invalid param_match '%s'; expected initial, partial or exact",
                        st->w[1].text);
        return 0;
}

static int process_weight(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackProcess *t = obj;
        int w;
        bool rev;

        if (conf_parse_track_weight(p, st, 0, 254, &w, &rev)) {
                t->weight = w;
                t->weight_reverse = rev;
        }
        return 0;
}

static int process_quorum(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackProcess *t = obj;
        int v;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a number") ||
            !conf_parse_value_int(p, &st->w[1], "quorum", 1, 65535, &v))
                return 0;
        if ((unsigned) v > t->quorum_max) {
                conf_diag_error(p->d, &st->w[1].loc, "quorum %d is above quorum_max %u", v, t->quorum_max);
                return 0;
        }
        t->quorum = (unsigned) v;
        return 0;
}

/* quorum_max 0 without a quorum: up only while no such process runs */
static int process_quorum_max(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackProcess *t = obj;
        int v;

        if (!conf_parse_value_nargs(p, st, 1, 1, "a number") ||
            !conf_parse_value_int(p, &st->w[1], "quorum_max", 0, 65535, &v))
                return 0;
        if ((v > 0 || t->quorum > 1) && (unsigned) v < t->quorum) {
                conf_diag_error(p->d, &st->w[1].loc, "quorum_max %d is below quorum %u", v, t->quorum);
                return 0;
        }
        t->quorum_max = (unsigned) v;
        if (v == 0)
                t->quorum = 0;
        else if (t->quorum == 0)
                t->quorum = 1;
        return 0;
}

/* delay (kw->min 0) sets both; terminate_delay (1) and fork_delay (2) one each */
static int process_delay(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackProcess *t = obj;
        usec_t v;

        if (!conf_parse_value_nargs(p, st, 1, 1, "seconds") ||
            !conf_parse_value_usec(p, &st->w[1], kw->name, 1, 3600 * USEC_PER_SEC, &v))
                return 0;
        if (kw->min != 2)
                t->terminate_delay = v;
        if (kw->min != 1)
                t->fork_delay = v;
        return 0;
}

static int process_full_command(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfTrackProcess *t = obj;

        conf_parse_value_nargs(p, st, 0, 0, "nothing");
        t->full_command = true;
        return 0;
}

static const ConfKeyword process_keywords[] = {
        { "process", process_process },
        { "param_match", process_param_match },
        { "weight", process_weight },
        { "quorum", process_quorum },
        { "quorum_max", process_quorum_max },
        { "delay", process_delay, 0, 0, 0 },
        { "terminate_delay", process_delay, 0, 0, 1 },
        { "fork_delay", process_delay, 0, 0, 2 },
        { "full_command", process_full_command },
};

const ConfKeywordTable conf_parse_process_table = {
        .section = CONF_SECTION_TRACK_PROCESS,
        .title = "vrrp_track_process",
        .items = process_keywords,
        .n_items = ELEMENTSOF(process_keywords),
};

int conf_parse_process(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        Config *c = obj;
        const char *name = conf_parse_object_name(p, st, CONF_OBJECT_TRACK_PROCESS, "a name");
        ConfTrackProcess *t;

        assert(c);

        if (!name)
                return 0;
        if (ARRAY_GROW(c->track_processes, c->n_track_processes_alloc, c->n_track_processes + 1) < 0)
                return -ENOMEM;
        t = &c->track_processes[c->n_track_processes];
        conf_model_track_process_init(t);
        t->loc = st->w[1].loc;
        if (!(t->name = strdup(name)))
                return -ENOMEM;
        if (conf_model_name_add(c, CONF_OBJECT_TRACK_PROCESS, t->name, c->n_track_processes) < 0)
                return -ENOMEM;
        c->n_track_processes++;
        return conf_parse_block(p, st, &conf_parse_process_table, t);
}
