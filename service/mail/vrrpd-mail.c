/* vrrpd-mail: sends one SMTP alert and exits; vrrpd runs it, unprivileged, for each alert it queues
 * (mail-queue.h). libcurl speaks SMTP, so the daemon itself never loads it (DESIGN: the privileged process
 * stays lean). The message is keepalived's (keepalived/core/smtp.c body_cmd(): Date, From, Subject, To and a
 * one-line body; MAIL FROM and RCPT TO take the part in <> of "Name <addr>"), with "X-Mailer: vrrpd".
 *
 * Usage: vrrpd-mail --server HOST --port PORT --helo NAME --timeout SECONDS --from ADDR --subject TEXT
 *                   --body TEXT -- TO...
 * Exit codes (mail-queue.h turns them into the bus's words): 0 sent, 1 other error, 2 no connection (refused,
 * unreachable, unresolved), 3 timed out, 4 the server refused the mail. What failed goes to stderr, which vrrpd
 * logs. */

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "mail/mail-exit.h"

typedef struct MailArgs {
        const char *server, *port, *helo, *from, *subject, *body;
        long timeout;
        char *const *to;
        int n_to;
} MailArgs;

typedef struct Payload {
        char *text;
        size_t len, pos;
} Payload;

static size_t payload_read(char *buf, size_t size, size_t nmemb, void *userdata) {
        Payload *p = userdata;
        size_t n = size * nmemb;

        if (n > p->len - p->pos)
                n = p->len - p->pos;
        memcpy(buf, p->text + p->pos, n);
        p->pos += n;
        return n;
}

/* "Name <addr>" -> "<addr>", anything else -> "<anything>", as keepalived's mail_cmd() and rcpt_cmd(). */
static char *envelope_address(const char *a) {
        size_t len = strlen(a);
        const char *lt = strrchr(a, '<');
        char *s = NULL;

        if (len > 0 && a[len - 1] == '>' && lt)
                return strdup(lt);
        return asprintf(&s, "<%s>", a) < 0 ? NULL : s;
}

/* Date, From, Subject, X-Mailer, To (folded, one address per line), an empty line, the body. */
static int message_build(const MailArgs *a, Payload *ret) {
        char date[80];
        struct tm tm;
        time_t now = time(NULL);
        size_t len = 0;
        FILE *f;

        strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", localtime_r(&now, &tm));
        f = open_memstream(&ret->text, &len);
        if (!f)
                return -ENOMEM;
        fprintf(f, "Date: %s\r\nFrom: %s\r\nSubject: %s\r\nX-Mailer: vrrpd\r\nTo:", date, a->from, a->subject);
        for (int k = 0; k < a->n_to; k++)
                fprintf(f, "%s %s", k == 0 ? "" : ",\r\n", a->to[k]);
        fprintf(f, "\r\n\r\n%s\r\n", a->body);
        if (fclose(f) != 0)
                return -ENOMEM;
        ret->len = len;
        ret->pos = 0;
        return 0;
}

static int exit_of(CURLcode c) {
        switch (c) {
        case CURLE_OK:
                return MAIL_EXIT_SENT;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
                return MAIL_EXIT_CONNECT;
        case CURLE_OPERATION_TIMEDOUT:
                return MAIL_EXIT_TIMEOUT;
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
                return MAIL_EXIT_OTHER;
        default: /* the server answered, but not with yes (CURLE_WEIRD_SERVER_REPLY, CURLE_LOGIN_DENIED ...) */
                return MAIL_EXIT_REFUSED;
        }
}

/* smtp://HOST:PORT/HELO: libcurl says EHLO (then HELO) with the URL's path. */
static char *mail_url(CURL *c, const MailArgs *a) {
        char *helo = curl_easy_escape(c, a->helo, 0), *url = NULL;
        bool v6 = strchr(a->server, ':') != NULL;
        int r;

        if (!helo)
                return NULL;
        r = asprintf(&url, "smtp://%s%s%s:%s/%s", v6 ? "[" : "", a->server, v6 ? "]" : "", a->port, helo);
        curl_free(helo);
        return r < 0 ? NULL : url;
}

static struct curl_slist *mail_recipients(const MailArgs *a) {
        struct curl_slist *l = NULL, *n;

        for (int k = 0; k < a->n_to; k++) {
                char *rcpt = envelope_address(a->to[k]);

                n = rcpt ? curl_slist_append(l, rcpt) : NULL;
                free(rcpt);
                if (!n)
                        return curl_slist_free_all(l), NULL;
                l = n;
        }
        return l;
}

static int mail_send(CURL *c, const MailArgs *a, Payload *p) {
        char *url = mail_url(c, a), *from = envelope_address(a->from);
        struct curl_slist *rcpt = mail_recipients(a);
        long code = 0;
        CURLcode r = CURLE_OUT_OF_MEMORY;

        if (url && from && rcpt) {
                curl_easy_setopt(c, CURLOPT_URL, url);
                curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
                curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
                curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, a->timeout);
                curl_easy_setopt(c, CURLOPT_TIMEOUT, 2 * a->timeout);
                curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
                curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
                curl_easy_setopt(c, CURLOPT_READFUNCTION, payload_read);
                curl_easy_setopt(c, CURLOPT_READDATA, p);
                curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
                r = curl_easy_perform(c);
        }
        if (r != CURLE_OK) {
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
                fprintf(stderr, "mail to %s:%s failed: %s", a->server, a->port, curl_easy_strerror(r));
                fprintf(stderr, code > 0 ? " (the server said %ld)\n" : "\n", code);
        }
        curl_slist_free_all(rcpt);
        free(from);
        free(url);
        return code >= 400 ? MAIL_EXIT_REFUSED : exit_of(r); /* libcurl says CURLE_SEND_ERROR for a 550 */
}

static int parse_args(int argc, char *argv[], MailArgs *a) {
        static const struct option options[] = {
                { "server", required_argument, NULL, 's' }, { "port", required_argument, NULL, 'p' },
                { "helo", required_argument, NULL, 'h' },   { "timeout", required_argument, NULL, 't' },
                { "from", required_argument, NULL, 'f' },   { "subject", required_argument, NULL, 'S' },
                { "body", required_argument, NULL, 'b' },   {},
        };
        const char **slot[128] = { ['s'] = &a->server, ['p'] = &a->port,    ['h'] = &a->helo,
                                   ['f'] = &a->from,   ['S'] = &a->subject, ['b'] = &a->body };
        int c;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c == 't')
                        a->timeout = strtol(optarg, NULL, 10);
                else if (c > 0 && c < 128 && slot[c])
                        *slot[c] = optarg;
                else
                        return -EINVAL;
        }
        a->to = argv + optind;
        a->n_to = argc - optind;
        if (!a->server || !a->port || !a->helo || !a->from || !a->subject || !a->body || a->timeout <= 0 ||
            a->n_to <= 0)
                return -EINVAL;
        return 0;
}

int main(int argc, char *argv[]) {
        MailArgs a = {};
        Payload p = {};
        CURL *c;
        int r;

        if (parse_args(argc, argv, &a) < 0) {
                fprintf(stderr, "usage: vrrpd-mail --server HOST --port PORT --helo NAME --timeout SECONDS "
                                "--from ADDR --subject TEXT --body TEXT -- TO...\n");
                return MAIL_EXIT_OTHER;
        }
        if (message_build(&a, &p) < 0 || curl_global_init(CURL_GLOBAL_NOTHING) != CURLE_OK)
                return fprintf(stderr, "out of memory\n"), MAIL_EXIT_OTHER;
        c = curl_easy_init();
        if (!c)
                return fprintf(stderr, "could not set up libcurl\n"), MAIL_EXIT_OTHER;
        r = mail_send(c, &a, &p);
        curl_easy_cleanup(c);
        curl_global_cleanup();
        free(p.text);
        return r;
}
