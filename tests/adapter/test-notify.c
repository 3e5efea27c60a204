#include "script/notify.h"
#include "script-test.h"
#include "util/strv.h"

#define DEADLINE (5 * USEC_PER_SEC)

typedef struct Idle {
        bool done;
        unsigned calls;
} Idle;

static void on_idle(NotifyQueue *q, void *userdata) {
        Idle *idle = userdata;

        idle->done = true;
        idle->calls++;
}

/* rec.sh: appends "start ARGS" and "end ARGS" to dir/log; sleeps 300 ms when an argument is "MASTER" or
 * "slow", forever when one is "hang". */
static char *rec_script(const char *dir) {
        char *body = NULL, *path;

        ASSERT_TRUE(asprintf(&body,
                             "#!/bin/sh\nlog=%s/log\necho \"start $*\" >> $log\n"
                             "for a in \"$@\"; do case $a in MASTER|slow) sleep 0.3;; hang) sleep 60;; "
                             "esac; done\n"
                             "echo \"end $*\" >> $log\n",
                             dir) > 0);
        path = st_write(dir, "rec.sh", body, 0755);
        free(body);
        return path;
}

static char *read_log(const char *dir) {
        char *path = NULL, *s;

        ASSERT_TRUE(asprintf(&path, "%s/log", dir) > 0);
        s = st_read(path);
        free(path);
        return s ?: strdup("");
}

static NotifyQueue *queue_new(sd_event *e, NotifyConfig *c, Idle *idle) {
        NotifyQueue *q = NULL;

        ASSERT_OK(notify_queue_new(e, c, &q));
        notify_queue_set_idle_handler(q, on_idle, idle);
        return q;
}

#define CMD(...) (&(ScriptCommand){ .argv = (char *[]){ __VA_ARGS__, NULL }, .uid = -1, .gid = -1 })

TEST(scripts_run_one_at_a_time_in_transition_order) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *rec = rec_script(dir), *log;
        NotifyConfig c = { .kind = NOTIFY_INSTANCE, .name = "vi_1", .vrid = 7 };
        Idle idle = {};
        NotifyQueue *q;

        c.scripts[NOTIFY_MASTER] = CMD(rec, "notify_master");
        c.scripts[NOTIFY_BACKUP] = CMD(rec, "notify_backup");
        c.notify = CMD(rec, "generic");
        q = queue_new(e, &c, &idle);
        ASSERT_OK(notify_queue_push(q, NOTIFY_MASTER, 100)); /* the generic MASTER one sleeps 300 ms */
        ASSERT_OK(notify_queue_push(q, NOTIFY_BACKUP, 90));
        ASSERT_FALSE(notify_queue_is_idle(q));
        ASSERT_EQ(notify_queue_get_waiting(q), 3);
        ASSERT_TRUE(st_run_until(e, &idle.done, DEADLINE));
        log = read_log(dir);
        ASSERT_STREQ(log, "start notify_master\n"
                          "end notify_master\n"
                          "start generic INSTANCE vi_1 MASTER 100\n"
                          "end generic INSTANCE vi_1 MASTER 100\n"
                          "start notify_backup\n"
                          "end notify_backup\n"
                          "start generic INSTANCE vi_1 BACKUP 90\n"
                          "end generic INSTANCE vi_1 BACKUP 90\n");
        ASSERT_EQ(idle.calls, 1);
        free(log);
        notify_queue_free(q);
        free(rec);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(group_arguments_say_group_and_priority_zero) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *rec = rec_script(dir), *log;
        NotifyConfig c = { .kind = NOTIFY_GROUP, .name = "g1", .vrid = -1 };
        Idle idle = {};
        NotifyQueue *q;

        c.notify = CMD(rec, "two words");
        c.scripts[NOTIFY_FAULT] = CMD(rec, "fault");
        q = queue_new(e, &c, &idle);
        ASSERT_OK(notify_queue_push(q, NOTIFY_FAULT, 100));
        ASSERT_OK(notify_queue_push(q, NOTIFY_MASTER_PRIORITY, 100)); /* FIFO only: no script */
        ASSERT_TRUE(st_run_until(e, &idle.done, DEADLINE));
        log = read_log(dir);
        ASSERT_STREQ(log, "start fault\nend fault\nstart two words GROUP g1 FAULT 0\nend two words GROUP g1 "
                          "FAULT 0\n");
        free(log);
        notify_queue_free(q);
        free(rec);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(arguments_are_separate_words) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *body = NULL, *path, *log, **argv = NULL;
        NotifyConfig c = { .kind = NOTIFY_INSTANCE, .name = "vi 2", .vrid = 2 };
        Idle idle = {};
        NotifyQueue *q;

        ASSERT_TRUE(asprintf(&body, "#!/bin/sh\nprintf '[%%s]' \"$@\" > %s/log\n", dir) > 0);
        path = st_write(dir, "args.sh", body, 0755);
        free(body);
        ASSERT_TRUE(asprintf(&body, "%s 'a b' c", path) > 0);
        ASSERT_OK(script_exec_split(body, &argv)); /* as the config gives it: keepalived's splitting */
        c.notify = &(ScriptCommand){ .argv = argv, .uid = -1, .gid = -1 };
        q = queue_new(e, &c, &idle);
        ASSERT_OK(notify_queue_push(q, NOTIFY_STOP, 254));
        ASSERT_TRUE(st_run_until(e, &idle.done, DEADLINE));
        log = read_log(dir);
        ASSERT_STREQ(log, "[a b][c][INSTANCE][vi 2][STOP][254]");
        free(log);
        notify_queue_free(q);
        strv_free(argv);
        free(body);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(a_hanging_script_is_killed_at_its_timeout_and_the_next_runs) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *rec = rec_script(dir), *log;
        NotifyConfig c = { .kind = NOTIFY_INSTANCE,
                           .name = "vi_1",
                           .vrid = 1,
                           .timeout_usec = 100 * USEC_PER_MSEC,
                           .stop_timeout_usec = 150 * USEC_PER_MSEC };
        usec_t start = st_now();
        Idle idle = {};
        NotifyQueue *q;

        c.scripts[NOTIFY_BACKUP] = CMD(rec, "hang");
        c.scripts[NOTIFY_STOP] = CMD(rec, "hang", "stop");
        c.scripts[NOTIFY_MASTER] = CMD(rec, "quick");
        q = queue_new(e, &c, &idle);
        ASSERT_OK(notify_queue_push(q, NOTIFY_BACKUP, 100));
        ASSERT_OK(notify_queue_push(q, NOTIFY_MASTER, 100));
        ASSERT_OK(notify_queue_push(q, NOTIFY_STOP, 100));
        ASSERT_TRUE(st_run_until(e, &idle.done, DEADLINE));
        ASSERT_TRUE(st_now() - start >= 250 * USEC_PER_MSEC);
        ASSERT_TRUE(st_now() - start < 2 * USEC_PER_SEC);
        log = read_log(dir);
        ASSERT_STREQ(log, "start hang\nstart quick\nend quick\nstart hang stop\n");
        free(log);
        notify_queue_free(q);
        free(rec);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(a_full_queue_drops_the_oldest_waiting) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *rec = rec_script(dir), *log;
        NotifyConfig c = { .kind = NOTIFY_INSTANCE, .name = "vi_1", .vrid = 1, .queue_max = 2 };
        Idle idle = {};
        NotifyQueue *q;

        c.scripts[NOTIFY_MASTER] = CMD(rec, "slow", "m");
        c.scripts[NOTIFY_BACKUP] = CMD(rec, "b");
        c.scripts[NOTIFY_FAULT] = CMD(rec, "f");
        q = queue_new(e, &c, &idle);
        ASSERT_OK(notify_queue_push(q, NOTIFY_MASTER, 100)); /* runs at once */
        ASSERT_OK(notify_queue_push(q, NOTIFY_BACKUP, 100)); /* waits, then dropped */
        ASSERT_OK(notify_queue_push(q, NOTIFY_FAULT, 100));
        ASSERT_OK(notify_queue_push(q, NOTIFY_BACKUP, 100));
        ASSERT_EQ(notify_queue_get_dropped(q), 1);
        ASSERT_TRUE(st_run_until(e, &idle.done, DEADLINE));
        log = read_log(dir);
        ASSERT_STREQ(log, "start slow m\nend slow m\nstart f\nend f\nstart b\nend b\n");
        free(log);
        notify_queue_free(q);
        free(rec);
        st_rmrf(dir);
        sd_event_unref(e);
}

static char *fifo_read(int fd) {
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf) - 1);

        if (n < 0)
                return strdup("");
        buf[n] = 0;
        return strdup(buf);
}

TEST(fifo_gets_keepalived_lines) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = NULL, *got;
        NotifyConfig c = { .kind = NOTIFY_INSTANCE, .name = "vi_1", .vrid = 1 };
        NotifyConfig g = { .kind = NOTIFY_GROUP, .name = "g1", .vrid = -1 };
        NotifyFifo *f = NULL;
        NotifyQueue *q, *qg;
        Idle idle = {};
        struct stat st;
        int rfd;

        ASSERT_TRUE(asprintf(&path, "%s/fifo", dir) > 0);
        ASSERT_OK(notify_fifo_new(e, path, (uid_t) -1, (gid_t) -1, NULL, &f));
        ASSERT_TRUE(stat(path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == 0644);
        rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        ASSERT_TRUE(rfd >= 0);
        c.fifos[0] = f;
        g.fifos[1] = f;
        q = queue_new(e, &c, &idle);
        qg = queue_new(e, &g, &idle);
        ASSERT_OK(notify_queue_push(q, NOTIFY_MASTER, 100));
        ASSERT_OK(notify_queue_push(qg, NOTIFY_FAULT, 100));
        ASSERT_OK(notify_queue_push(q, NOTIFY_MASTER_PRIORITY, 90));
        ASSERT_OK(notify_queue_push(q, NOTIFY_STOP, 90));
        ASSERT_TRUE(notify_queue_is_idle(q)); /* no scripts configured: nothing to run */
        got = fifo_read(rfd);
        ASSERT_STREQ(got, "INSTANCE \"vi_1\" MASTER 100\n"
                          "GROUP \"g1\" FAULT 0\n"
                          "INSTANCE \"vi_1\" MASTER_PRIORITY 90\n"
                          "INSTANCE \"vi_1\" STOP 90\n");
        free(got);
        close(rfd);
        notify_queue_free(q);
        notify_queue_free(qg);
        notify_fifo_free(f);
        ASSERT_TRUE(access(path, F_OK) < 0 && errno == ENOENT); /* we created it, we remove it */
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(fifo_without_reader_never_blocks) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = NULL;
        NotifyFifo *f = NULL;
        usec_t start = st_now();
        int r = 0, i;

        ASSERT_TRUE(asprintf(&path, "%s/fifo", dir) > 0);
        ASSERT_TRUE(mkfifo(path, 0600) == 0); /* an existing FIFO is used and left in place */
        ASSERT_OK(notify_fifo_new(e, path, (uid_t) -1, (gid_t) -1, NULL, &f));
        for (i = 0; i < 10000 && r == 0; i++) /* ~30 bytes a line: the 64 KiB pipe fills up */
                r = notify_fifo_write(f, NOTIFY_INSTANCE, "vi_1", NOTIFY_BACKUP, 100);
        ASSERT_ERROR(r, EAGAIN);
        ASSERT_TRUE(i > 100);
        ASSERT_TRUE(st_now() - start < USEC_PER_SEC);
        notify_fifo_free(f);
        ASSERT_TRUE(access(path, F_OK) == 0);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(fifo_path_must_be_a_fifo) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = st_write(dir, "file", "", 0644);
        NotifyFifo *f = NULL;

        ASSERT_ERROR(notify_fifo_new(e, path, (uid_t) -1, (gid_t) -1, NULL, &f), EEXIST);
        ASSERT_TRUE(f == NULL);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(fifo_reader_script_gets_the_path) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path = NULL, *body = NULL, *reader, *log = NULL, *got = NULL;
        NotifyFifo *f = NULL;
        usec_t deadline;

        ASSERT_TRUE(asprintf(&path, "%s/fifo", dir) > 0);
        ASSERT_TRUE(asprintf(&log, "%s/log", dir) > 0);
        ASSERT_TRUE(asprintf(&body,
                             "#!/bin/sh\nwhile read line; do echo \"$1: $line\" >> %s; done < \"$1\"\n",
                             log) > 0);
        reader = st_write(dir, "reader.sh", body, 0755);
        ASSERT_OK(notify_fifo_new(e, path, (uid_t) -1, (gid_t) -1, CMD(reader), &f));
        ASSERT_OK(notify_fifo_write(f, NOTIFY_INSTANCE, "vi_1", NOTIFY_MASTER, 150));
        for (deadline = st_now() + DEADLINE; st_now() < deadline;) {
                free(got);
                got = st_read(log);
                if (got && strchr(got, '\n'))
                        break;
                st_run_for(e, 10 * USEC_PER_MSEC);
        }
        ASSERT_TRUE(got);
        ASSERT_TRUE(strstr(got, ": INSTANCE \"vi_1\" MASTER 150\n"));
        ASSERT_TRUE(strncmp(got, path, strlen(path)) == 0);
        notify_fifo_free(f); /* kills the reader */
        free(got);
        free(reader);
        free(body);
        free(log);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}
