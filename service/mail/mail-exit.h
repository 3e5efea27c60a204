#pragma once

/* What vrrpd-mail's exit code says (vrrpd-mail.c), shared by the helper and the queue that runs it. */

typedef enum MailExit {
        MAIL_EXIT_SENT = 0,
        MAIL_EXIT_OTHER = 1,   /* bad arguments, out of memory, a connection lost half way */
        MAIL_EXIT_CONNECT = 2, /* refused, unreachable, or the name did not resolve */
        MAIL_EXIT_TIMEOUT = 3, /* smtp_connect_timeout to connect, twice that for the whole exchange */
        MAIL_EXIT_REFUSED = 4, /* the server answered with an error: sender, recipient or message refused */
} MailExit;
