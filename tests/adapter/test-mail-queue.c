#include "mail/mail-queue.h"
#include "script-test.h"
#include "util/strv.h"

/* The SMTP alert queue with a stand-in for vrrpd-mail: a script that logs its arguments and exits with the
 * code it is given, so that each of vrrpd-mail's exit codes, a helper that hangs and one that is missing are
 * counted as the bus shows them. */

#define DEADLINE (5 * USEC_PER_SEC)

static void on_idle(void *userdata) {
        *(bool *) userdata = true;
}

/* fake.sh CODE [SLEEP]: appends CODE to dir/log, sleeps, exits CODE */
static char *fake_helper(const char *dir) {
        char *body = NULL, *path;

        ASSERT_TRUE(asprintf(&body, "#!/bin/sh\necho \"$1\" >> %s/log\n[ -n \"$2\" ] && sleep \"$2\"\nexit \"$1\"\n",
                             dir) > 0);
        path = st_write(dir, "fake.sh", body, 0755);
        free(body);
        return path;
}

static char **argv_of(const char *helper, const char *code, const char *sleep_s) {
        char **argv = NULL;
        size_t n = 0;

        ASSERT_OK(strv_push(&argv, &n, helper));
        ASSERT_OK(strv_push(&argv, &n, code));
        if (sleep_s)
                ASSERT_OK(strv_push(&argv, &n, sleep_s));
        return argv;
}

static MailQueue *queue_new(sd_event *e, MailStats *stats, bool *idle) {
        MailQueue *q = NULL;

        ASSERT_OK(mail_queue_new(e, stats, (uid_t) -1, (gid_t) -1, &q));
        mail_queue_set_idle_handler(q, on_idle, idle);
        return q;
}

TEST(each_exit_code_is_counted_in_order) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *helper = fake_helper(dir), *path = NULL, *log;
        MailStats stats = {};
        bool idle = false;
        MailQueue *q = queue_new(e, &stats, &idle);

        ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", NULL), "sent", DEADLINE));
        ASSERT_OK(mail_queue_push(q, argv_of(helper, "2", NULL), "no connection", DEADLINE));
        ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", NULL), "sent again", DEADLINE));
        ASSERT_OK(mail_queue_push(q, argv_of(helper, "4", NULL), "refused", DEADLINE));
        ASSERT_EQ(stats.queued, 4);
        ASSERT_FALSE(mail_queue_is_idle(q));
        ASSERT_TRUE(st_run_until(e, &idle, DEADLINE));
        ASSERT_EQ(stats.sent, 2);
        ASSERT_EQ(stats.failed, 2);
        ASSERT_EQ(stats.dropped, 0);
        ASSERT_EQ(stats.queued, 0);
        ASSERT_EQ(stats.last_error, MAIL_ERROR_REFUSED);
        ASSERT_STREQ(mail_error_to_string(stats.last_error), "refused by the server");
        ASSERT_TRUE(asprintf(&path, "%s/log", dir) > 0);
        log = st_read(path);
        ASSERT_STREQ(log, "0\n2\n0\n4\n"); /* one at a time, in order */
        free(log);
        free(path);
        mail_queue_free(q);
        free(helper);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(a_full_queue_drops_the_oldest_waiting) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *helper = fake_helper(dir);
        MailStats stats = {};
        bool idle = false;
        MailQueue *q = queue_new(e, &stats, &idle);

        ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", "0.2"), "running", DEADLINE)); /* starts at once */
        for (int k = 0; k < MAIL_QUEUE_MAX + 2; k++)
                ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", NULL), "waiting", DEADLINE));
        ASSERT_EQ(stats.dropped, 2);
        ASSERT_EQ(stats.queued, MAIL_QUEUE_MAX + 1);
        ASSERT_TRUE(st_run_until(e, &idle, 4 * DEADLINE));
        ASSERT_EQ(stats.sent, MAIL_QUEUE_MAX + 1);
        ASSERT_EQ(stats.failed, 0);
        ASSERT_EQ(stats.queued, 0);
        mail_queue_free(q);
        free(helper);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(a_hanging_or_missing_helper_fails_and_the_next_runs) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *helper = fake_helper(dir), *missing = NULL;
        MailStats stats = {};
        bool idle = false;
        MailQueue *q = queue_new(e, &stats, &idle);

        ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", "60"), "hangs", 100 * USEC_PER_MSEC));
        ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", NULL), "after it", DEADLINE));
        ASSERT_TRUE(st_run_until(e, &idle, DEADLINE));
        ASSERT_EQ(stats.failed, 1);
        ASSERT_EQ(stats.sent, 1);
        ASSERT_EQ(stats.last_error, MAIL_ERROR_TIMEOUT);

        ASSERT_TRUE(asprintf(&missing, "%s/no-such-helper", dir) > 0);
        idle = false;
        ASSERT_OK(mail_queue_push(q, argv_of(missing, "0", NULL), "missing", DEADLINE));
        ASSERT_TRUE(st_run_until(e, &idle, DEADLINE));
        ASSERT_EQ(stats.failed, 2);
        ASSERT_EQ(stats.last_error, MAIL_ERROR_HELPER);
        ASSERT_EQ(stats.queued, 0);
        mail_queue_free(q);
        free(missing);
        free(helper);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(freeing_stops_a_running_alert_and_drops_the_waiting) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *helper = fake_helper(dir);
        MailStats stats = {};
        bool idle = false;
        MailQueue *q = queue_new(e, &stats, &idle);

        ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", "60"), "hangs", DEADLINE));
        ASSERT_OK(mail_queue_push(q, argv_of(helper, "0", NULL), "waits", DEADLINE));
        mail_queue_free(q);
        ASSERT_EQ(stats.queued, 0);
        ASSERT_EQ(stats.sent, 0);
        free(helper);
        st_rmrf(dir);
        sd_event_unref(e);
}
