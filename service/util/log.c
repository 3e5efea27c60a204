#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "util/log.h"

/* The one piece of process-wide state outside main.c: where logs go and how much. It is set once at startup
 * by main() and read everywhere, as systemd's log.c does. */
static LogTarget log_target = LOG_TARGET_CONSOLE;
static int log_max_level = LOG_INFO;

void log_setup(LogTarget target, int max_level) {
        log_target = target;
        log_max_level = max_level;
}

int log_get_max_level(void) {
        return log_max_level;
}

static void log_console(int level, const char *instance, const char *msg) {
        static const char *const prefix[] = {
                [LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit", [LOG_ERR] = "error",
                [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
        };
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(stderr, "%lld.%06ld vrrpd[%s] %s%s%s\n", (long long) ts.tv_sec, ts.tv_nsec / 1000, prefix[level],
                instance ?: "", instance ? ": " : "", msg);
}

int log_internal(int level, int error, const char *instance, int vrid, const char *file, int line,
                 const char *format, ...) {
        char msg[1024];
        va_list ap;

        error = abs(error);
        if (level > log_max_level)
                return -error;
        errno = error;
        va_start(ap, format);
        vsnprintf(msg, sizeof(msg), format, ap);
        va_end(ap);
        if (log_target == LOG_TARGET_CONSOLE) {
                log_console(level, instance, msg);
                return -error;
        }
        if (instance)
                sd_journal_send("MESSAGE=%s: %s", instance, msg, "PRIORITY=%d", level, "VRRP_INSTANCE=%s", instance,
                                "VRRP_VRID=%d", vrid, "CODE_FILE=%s", file, "CODE_LINE=%d", line, NULL);
        else
                sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", level, "CODE_FILE=%s", file, "CODE_LINE=%d",
                                line, NULL);
        return -error;
}
