#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strv.h"
#include "conf-parse.h"

/* global_defs' SMTP alert settings, as keepalived's global_parser.c reads them (email_handler(),
 * smtpserver_handler(), smtpto_handler() ...). Where keepalived takes a value it cannot use and mails
 * nothing, or mails garbage, vrrpd reports a located error: a line break in an address would inject headers
 * into every alert. */

#define MAIL_TEXT_MAX 256     /* an address, a HELO name */
#define MAIL_HOST_MAX 253     /* a DNS name */
#define MAIL_TIMEOUT_MAX 3600 /* seconds; keepalived: UINT_MAX / TIMER_HZ */

static ConfMail *mail_of(void *obj) {
        return &((ConfGlobal *) obj)->mail;
}

/* Printable, one line, not empty: it goes into the mail's headers and the SMTP commands. */
static bool mail_text_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > MAIL_TEXT_MAX)
                return false;
        for (const unsigned char *c = (const unsigned char *) s; *c; c++)
                if (*c < 0x20 || *c == 0x7f)
                        return false;
        return true;
}

static bool mail_text(ConfParser *p, const ConfToken *tok, const char *what) {
        if (mail_text_valid(tok->text))
                return true;
        conf_diag_error(p->d, &tok->loc, "invalid %s '%s'; expected printable text on one line, at most %d "
                        "characters", what, tok->text, MAIL_TEXT_MAX);
        return false;
}

static int parse_email_line(ConfParser *p, const ConfStmt *st, void *obj) {
        ConfMail *m = obj;
        size_t n = strv_length(m->to);

        for (size_t k = 0; k < st->n; k++)
                if (mail_text(p, &st->w[k], "notification_email address") &&
                    strv_push(&m->to, &n, st->w[k].text) < 0)
                        return -ENOMEM;
        return 0;
}

/* notification_email { ADDR ... }: every word of the block is one address (keepalived's read_value_block());
 * a second block adds to the first. */
int conf_parse_mail_email(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfMail *m = mail_of(obj);
        size_t before = strv_length(m->to);
        int r;

        conf_parse_value_nargs(p, st, 0, 0, "a block of addresses");
        r = conf_parse_lines(p, st, parse_email_line, m);
        if (r >= 0 && strv_length(m->to) == before)
                conf_diag_warning(p->d, &st->w[0].loc, "empty notification_email block");
        return r;
}

static int parse_text(ConfParser *p, const ConfStmt *st, char **field, const char *what) {
        if (!conf_parse_value_nargs(p, st, 1, 1, "a value") || !mail_text(p, &st->w[1], what))
                return 0;
        free(*field);
        *field = NULL;
        return conf_parse_value_dup(p, st->w[1].text, field);
}

int conf_parse_mail_from(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        return parse_text(p, st, &mail_of(obj)->from, "notification_email_from");
}

int conf_parse_mail_helo(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        return parse_text(p, st, &mail_of(obj)->helo, "smtp_helo_name");
}

/* An IPv4 or IPv6 address, or a DNS name (letters, digits, '-', '_', dots between labels). */
static bool mail_host_valid(const char *s) {
        unsigned char buf[sizeof(struct in6_addr)];
        size_t label = 0;

        if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
                return true;
        if (strlen(s) == 0 || strlen(s) > MAIL_HOST_MAX || s[0] == '-')
                return false;
        for (const char *c = s; *c; c++) {
                if (*c == '.') {
                        if (label == 0)
                                return false;
                        label = 0;
                } else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                           *c == '-' || *c == '_') {
                        if (++label > 63)
                                return false;
                } else
                        return false;
        }
        return true;
}

/* smtp_server ADDRESS|NAME [PORT]: a name is resolved by the mailer at each alert, not at load (keepalived
 * resolves it once, when it reads the file). */
int conf_parse_mail_server(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        ConfMail *m = mail_of(obj);
        int port = 25;

        if (!conf_parse_value_nargs(p, st, 1, 2, "an address or host name, and an optional port"))
                return 0;
        if (!mail_host_valid(st->w[1].text)) {
                conf_diag_error(p->d, &st->w[1].loc, "invalid smtp_server '%s'; expected an IPv4 or IPv6 address "
                                "or a host name", st->w[1].text);
                return 0;
        }
        if (st->n > 2 && !conf_parse_value_int(p, &st->w[2], "smtp_server port", 1, 65535, &port))
                return 0;
        free(m->server);
        m->server = NULL;
        m->port = (uint16_t) port;
        m->server_loc = st->w[1].loc;
        return conf_parse_value_dup(p, st->w[1].text, &m->server);
}

/* smtp_connect_timeout SECONDS: 0 becomes 1, as keepalived does ("must be greater than 0, setting to 1"). */
int conf_parse_mail_timeout(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        int s;

        if (!conf_parse_value_nargs(p, st, 1, 1, "seconds") ||
            !conf_parse_value_int(p, &st->w[1], "smtp_connect_timeout", 0, MAIL_TIMEOUT_MAX, &s))
                return 0;
        if (s == 0) {
                conf_diag_warning(p->d, &st->w[1].loc, "smtp_connect_timeout must be greater than 0, using 1");
                s = 1;
        }
        mail_of(obj)->timeout = (usec_t) s * USEC_PER_SEC;
        return 0;
}

int conf_parse_mail_no_faults(ConfParser *p, const ConfStmt *st, const ConfKeyword *kw, void *obj) {
        conf_parse_value_nargs(p, st, 0, 0, "nothing");
        mail_of(obj)->no_faults = true;
        return 0;
}
