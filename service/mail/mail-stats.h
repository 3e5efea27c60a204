#pragma once

/* What became of the SMTP alerts (mail-queue.h): the manager keeps it, the bus shows it. */

#include <stddef.h>
#include <stdint.h>

typedef enum MailError {
        MAIL_ERROR_NONE,
        MAIL_ERROR_CONNECT, /* no connection: refused, unreachable, the name did not resolve */
        MAIL_ERROR_TIMEOUT, /* smtp_connect_timeout passed */
        MAIL_ERROR_REFUSED, /* the server answered with an error */
        MAIL_ERROR_HELPER,  /* vrrpd-mail is missing or could not run */
        MAIL_ERROR_OTHER,
        _MAIL_ERROR_MAX,
} MailError;

typedef struct MailStats {
        uint64_t sent;
        uint64_t failed;
        uint64_t dropped; /* the queue was full */
        MailError last_error;
        size_t queued;    /* waiting or being sent now */
} MailStats;

/* "could not connect", "timed out", "refused by the server", "helper cannot run", "failed"; "" for none */
const char *mail_error_to_string(MailError e);
