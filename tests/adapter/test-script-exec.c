#include <sys/wait.h>

#include "script/script-exec.h"
#include "script/script-security.h"
#include "script-test.h"
#include "util/strv.h"

#define DEADLINE (5 * USEC_PER_SEC)

typedef struct Run {
        bool done;
        bool free_in_handler;
        ScriptResult result;
        ScriptExec *exec;
} Run;

static void on_exit_cb(ScriptExec *s, const ScriptResult *res, void *userdata) {
        Run *run = userdata;

        run->result = *res;
        run->done = true;
        if (run->free_in_handler)
                run->exec = script_exec_free(run->exec);
}

/* Starts argv (NULL-terminated words) and runs the loop until it ends. */
static Run run_command(sd_event *e, char **argv, usec_t timeout, usec_t grace) {
        ScriptCommand cmd = { .argv = argv, .uid = SCRIPT_EXEC_UID_INVALID, .gid = SCRIPT_EXEC_GID_INVALID };
        ScriptExecParams p = {
                .name = "t", .command = &cmd, .timeout_usec = timeout, .kill_grace_usec = grace
        };
        Run run = { .free_in_handler = true };

        ASSERT_OK(script_exec_start(e, &p, on_exit_cb, &run, &run.exec));
        ASSERT_TRUE(st_run_until(e, &run.done, DEADLINE));
        ASSERT_TRUE(run.exec == NULL);
        return run;
}

static Run run_script(sd_event *e, const char *dir, const char *body, usec_t timeout, usec_t grace) {
        char *path = st_write(dir, "s.sh", body, 0755);
        char *argv[] = { path, NULL };
        Run run = run_command(e, argv, timeout, grace);

        free(path);
        return run;
}

static void assert_split(const char *command, const char *const *expected) {
        char **argv = NULL;
        size_t i;

        ASSERT_OK(script_exec_split(command, &argv));
        for (i = 0; expected[i]; i++)
                ASSERT_STREQ(argv[i], expected[i]);
        ASSERT_TRUE(argv[i] == NULL);
        strv_free(argv);
}

TEST(split_as_keepalived) {
        char **argv = NULL;

        assert_split("/bin/echo a \"b c\" 'd e' f\\ g",
                     (const char *[]){ "/bin/echo", "a", "b c", "d e", "f g", NULL });
        assert_split("  \"/x y/z\"\ta\"b\"c  ", (const char *[]){ "/x y/z", "abc", NULL });
        assert_split("'it\\'s' \"say \\\"hi\\\"\" 'a\"b'",
                     (const char *[]){ "it's", "say \"hi\"", "a\"b", NULL });
        assert_split("a\\tb \\x41\\102 \\cA", (const char *[]){ "a\tb", "AB", "\x01", NULL });
        assert_split("'' x", (const char *[]){ "", "x", NULL });
        ASSERT_ERROR(script_exec_split("\"unterminated", &argv), EINVAL);
        ASSERT_ERROR(script_exec_split("trailing\\", &argv), EINVAL);
        ASSERT_ERROR(script_exec_split(" \t ", &argv), EINVAL);
        ASSERT_ERROR(script_exec_split("a\\x00", &argv), EINVAL);
        ASSERT_TRUE(argv == NULL);
}

TEST(exit_codes_and_signals) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir();
        Run run;

        run = run_script(e, dir, "#!/bin/sh\nexit 0\n", 0, 0);
        ASSERT_EQ(run.result.kind, SCRIPT_EXIT_EXITED);
        ASSERT_EQ(run.result.status, 0);
        ASSERT_EQ(waitpid(run.result.pid, NULL, WNOHANG), -1); /* reaped even though freed in the handler */
        ASSERT_EQ(errno, ECHILD);
        run = run_script(e, dir, "#!/bin/sh\nexit 3\n", 0, 0);
        ASSERT_EQ(run.result.kind, SCRIPT_EXIT_EXITED);
        ASSERT_EQ(run.result.status, 3);
        run = run_script(e, dir, "#!/bin/sh\nkill -KILL $$\n", 0, 0);
        ASSERT_EQ(run.result.kind, SCRIPT_EXIT_SIGNALED);
        ASSERT_EQ(run.result.status, SIGKILL);
        run = run_script(e, dir, "exit 4\n", 0, 0); /* no #! line: run by /bin/sh */
        ASSERT_EQ(run.result.kind, SCRIPT_EXIT_EXITED);
        ASSERT_EQ(run.result.status, 4);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(arguments_path_search_and_shell_test) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *out = NULL, *path, *got, *expected = NULL;
        ScriptCommand cmd = { .uid = SCRIPT_EXEC_UID_INVALID, .gid = SCRIPT_EXEC_GID_INVALID };
        ScriptExecParams p = { .command = &cmd };
        ScriptExec *s = NULL;
        Run run;

        ASSERT_TRUE(asprintf(&out, "%s/out", dir) > 0);
        path = st_write(dir, "args.sh", "#!/bin/sh\nprintf '%s|' \"$#\" \"$@\" > \"$1\"\n", 0755);
        run = run_command(e, (char *[]){ path, out, "two words", "", "it's", NULL }, 0, 0);
        ASSERT_EQ(run.result.status, 0);
        got = st_read(out);
        ASSERT_TRUE(asprintf(&expected, "4|%s|two words||it's|", out) > 0);
        ASSERT_STREQ(got, expected);
        free(expected);
        free(got);
        free(path);

        run = run_command(e, (char *[]){ "true", NULL }, 0, 0); /* a bare name is searched on PATH */
        ASSERT_EQ(run.result.kind, SCRIPT_EXIT_EXITED);
        ASSERT_EQ(run.result.status, 0);
        cmd.argv = (char *[]){ "vrrpd-no-such-command", NULL };
        ASSERT_ERROR(script_exec_start(e, &p, on_exit_cb, &run, &s), ENOENT);
        run = run_command(e, (char *[]){ "</dev/null", NULL }, 0, 0); /* keepalived's file test */
        ASSERT_EQ(run.result.status, 0);
        run = run_command(e, (char *[]){ "</vrrpd/no/such/file", NULL }, 0, 0);
        ASSERT_NE(run.result.status, 0);
        run = run_command(e, (char *[]){ "/vrrpd/no/such/script", NULL }, 0, 0);
        ASSERT_EQ(run.result.status, 127);
        free(out);
        st_rmrf(dir);
        sd_event_unref(e);
}

static pid_t read_pid(const char *path) {
        char *s = st_read(path);
        pid_t pid;

        ASSERT_TRUE(s);
        pid = (pid_t) atoi(s);
        free(s);
        ASSERT_TRUE(pid > 0);
        return pid;
}

static bool wait_dead(pid_t pid) {
        usec_t deadline = st_now() + DEADLINE;

        while (!st_process_dead(pid))
                if (st_now() > deadline)
                        return false;
                else
                        usleep(1000); /* polling /proc for a process we cannot wait for: bounded */
        return true;
}

TEST(timeout_kills_the_process_group) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *body = NULL, *pidfile = NULL;
        usec_t start = st_now();
        Run run;

        ASSERT_TRUE(asprintf(&pidfile, "%s/bg.pid", dir) > 0);
        ASSERT_TRUE(asprintf(&body, "#!/bin/sh\nsleep 60 &\necho $! > %s\nsleep 60\n", pidfile) > 0);
        run = run_script(e, dir, body, 200 * USEC_PER_MSEC, 0);
        ASSERT_EQ(run.result.kind, SCRIPT_EXIT_TIMED_OUT);
        ASSERT_EQ(run.result.status, SIGTERM);
        ASSERT_TRUE(st_now() - start >= 200 * USEC_PER_MSEC);
        ASSERT_TRUE(st_now() - start < 2 * USEC_PER_SEC); /* SIGTERM was enough: no kill grace waited */
        ASSERT_TRUE(wait_dead(read_pid(pidfile)));        /* the background child died with its group */
        free(body);
        free(pidfile);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(sigterm_ignored_gets_sigkill_after_grace) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir();
        usec_t start = st_now();
        Run run;

        run = run_script(e, dir, "#!/bin/sh\ntrap '' TERM\nsleep 60\n", 100 * USEC_PER_MSEC,
                         150 * USEC_PER_MSEC);
        ASSERT_EQ(run.result.kind, SCRIPT_EXIT_TIMED_OUT);
        ASSERT_EQ(run.result.status, SIGKILL);
        ASSERT_TRUE(st_now() - start >= 250 * USEC_PER_MSEC);
        ASSERT_TRUE(run.result.runtime_usec >= 250 * USEC_PER_MSEC);
        st_rmrf(dir);
        sd_event_unref(e);
}

/* The x's of the lines "...t: xxx...", checking that none is longer than SCRIPT_EXEC_LINE_MAX. */
static size_t count_xs(const char *log) {
        size_t total = 0;

        for (const char *p = strstr(log, "t: x"); p; p = strstr(p, "t: x")) {
                size_t n = strspn(p + 3, "x");

                ASSERT_TRUE(n <= SCRIPT_EXEC_LINE_MAX);
                ASSERT_EQ(p[3 + n], '\n');
                total += n;
                p += 3 + n;
        }
        return total;
}

TEST(output_reaches_the_log_line_by_line) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *log;
        StCapture c;
        Run run;

        st_capture_start(&c);
        run = run_script(e, dir,
                         "#!/bin/sh\necho 'hello world'\necho 'on stderr' >&2\n"
                         "head -c 1500 /dev/zero | tr '\\0' x\necho\nprintf 'no newline'\n",
                         0, 0);
        log = st_capture_stop(&c);
        ASSERT_EQ(run.result.status, 0);
        ASSERT_TRUE(log);
        ASSERT_TRUE(strstr(log, "t: hello world\n"));
        ASSERT_TRUE(strstr(log, "t: on stderr\n"));
        ASSERT_TRUE(strstr(log, "t: no newline\n"));
        /* 1500 x's: logged in pieces of at most SCRIPT_EXEC_LINE_MAX */
        ASSERT_EQ(count_xs(log), 1500);
        free(log);
        st_rmrf(dir);
        sd_event_unref(e);
}

/* A flood is read to its end but logged at most SCRIPT_EXEC_LOG_BURST lines a second, then counted. */
TEST(a_flood_of_output_is_logged_in_part_and_counted) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *log;
        size_t logged = 0;
        StCapture c;
        Run run;

        st_capture_start(&c);
        run = run_script(e, dir, "#!/bin/sh\nyes flood | head -n 250\necho last >&2\n", 0, 0);
        log = st_capture_stop(&c);
        ASSERT_EQ(run.result.status, 0);
        ASSERT_TRUE(log);
        for (const char *p = strstr(log, "t: flood\n"); p; p = strstr(p + 1, "t: flood\n"))
                logged++;
        ASSERT_EQ(logged, 100u);
        ASSERT_TRUE(strstr(log, "t: 151 more line(s) of output not logged (at most 100 a second)\n"));
        free(log);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(child_gets_clean_fds_signals_and_environment) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *body = NULL, *out = NULL, *got, *log;
        StCapture c;
        int leak;
        Run run;

        leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC: the child must close it anyway */
        ASSERT_TRUE(leak >= 0 && dup2(leak, 77) == 77);
        ASSERT_TRUE(setenv("VRRPD_TEST_LEAK", "1", 1) == 0);
        signal(SIGPIPE, SIG_IGN); /* an ignored signal stays ignored across exec unless reset */
        ASSERT_TRUE(asprintf(&out, "%s/out", dir) > 0);
        ASSERT_TRUE(asprintf(&body,
                             "#!/bin/sh\n"
                             "{ [ -e /proc/$$/fd/77 ] && echo fd77-open\n"
                             "  set -- $(cat /proc/$$/stat)\n" /* pid (comm) state ppid pgrp session */
                             "  [ \"$5\" = $$ ] && echo own-group\n"
                             "  [ \"$6\" = $$ ] && echo own-session\n"
                             "} > %s\n",
                             out) > 0);
        run = run_script(e, dir, body, 0, 0);
        ASSERT_EQ(run.result.status, 0);
        /* what a program sees at exec, without a shell in between (a shell blocks signals around its forks)
         */
        st_capture_start(&c);
        run = run_command(e, (char *[]){ "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL }, 0, 0);
        ASSERT_EQ(run.result.status, 0);
        run = run_command(e, (char *[]){ "env", NULL }, 0, 0);
        log = st_capture_stop(&c);
        ASSERT_TRUE(log);
        ASSERT_TRUE(strstr(log, "t: SigBlk:\t0000000000000000\n"));
        ASSERT_TRUE(strstr(log, "t: SigIgn:\t0000000000000000\n"));
        ASSERT_TRUE(strstr(log, "t: PATH=" SCRIPT_EXEC_PATH "\n"));
        ASSERT_FALSE(strstr(log, "VRRPD_TEST_LEAK"));
        free(log);
        signal(SIGPIPE, SIG_DFL);
        close(77);
        close(leak);
        ASSERT_EQ(run.result.status, 0);
        got = st_read(out);
        ASSERT_TRUE(got);
        ASSERT_FALSE(strstr(got, "fd77-open"));
        ASSERT_TRUE(strstr(got, "own-group") && strstr(got, "own-session"));
        unsetenv("VRRPD_TEST_LEAK");
        free(got);
        free(body);
        free(out);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(runs_as_the_given_user) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *body = NULL, *out = NULL, *path, *got;
        ScriptCommand cmd = { .uid = 65534, .gid = 65534 };
        ScriptExecParams p = { .name = "t", .command = &cmd };
        Run run = { .free_in_handler = true };

        if (geteuid() != 0) {
                st_rmrf(dir);
                sd_event_unref(e);
                VTEST_SKIP("needs root to run a script as another user");
        }
        ASSERT_TRUE(chmod(dir, 0777) == 0); /* so nobody may write its answer there */
        ASSERT_TRUE(asprintf(&out, "%s/out", dir) > 0);
        ASSERT_TRUE(asprintf(&body, "#!/bin/sh\necho \"$(id -u) $(id -g) $(id -G)\" > %s\n", out) > 0);
        path = st_write(dir, "id.sh", body, 0755);
        cmd.argv = (char *[]){ path, NULL };
        ASSERT_OK(script_exec_start(e, &p, on_exit_cb, &run, &run.exec));
        ASSERT_TRUE(st_run_until(e, &run.done, DEADLINE));
        ASSERT_EQ(run.result.status, 0);
        got = st_read(out);
        ASSERT_STREQ(got, "65534 65534 65534\n");
        free(got);
        free(path);
        free(body);
        free(out);
        st_rmrf(dir);
        sd_event_unref(e);
}

TEST(resolve_user_and_group) {
        uid_t uid = 1;
        gid_t gid = 1;

        ASSERT_OK(script_exec_resolve_user("root", NULL, &uid, &gid));
        ASSERT_EQ(uid, 0);
        ASSERT_EQ(gid, 0);
        ASSERT_OK(script_exec_resolve_user("root", "nogroup", &uid, &gid));
        ASSERT_EQ(uid, 0);
        ASSERT_EQ(gid, 65534);
        ASSERT_ERROR(script_exec_resolve_user("vrrpd-no-such-user", NULL, &uid, &gid), ESRCH);
        ASSERT_ERROR(script_exec_resolve_user("root", "vrrpd-no-such-group", &uid, &gid), ESRCH);
}

TEST(free_cancels_a_running_script) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path;
        ScriptCommand cmd = { .uid = SCRIPT_EXEC_UID_INVALID, .gid = SCRIPT_EXEC_GID_INVALID };
        ScriptExecParams p = { .name = "t", .command = &cmd };
        Run run = {};
        pid_t pid;

        path = st_write(dir, "s.sh", "#!/bin/sh\nsleep 60\n", 0755);
        cmd.argv = (char *[]){ path, NULL };
        ASSERT_OK(script_exec_start(e, &p, on_exit_cb, &run, &run.exec));
        pid = script_exec_get_pid(run.exec);
        ASSERT_TRUE(script_exec_is_running(run.exec));
        st_run_for(e, 20 * USEC_PER_MSEC);
        run.exec = script_exec_free(run.exec);
        ASSERT_FALSE(run.done);                     /* no callback on cancel */
        ASSERT_EQ(waitpid(pid, NULL, WNOHANG), -1); /* killed and reaped */
        ASSERT_EQ(errno, ECHILD);
        st_run_for(e, 10 * USEC_PER_MSEC);
        ASSERT_FALSE(run.done);
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

/* Freed at once, before the child could make its own process group: it must still die at once, not be
 * waited for (the group kill alone found no group, and the free waited the minute out). */
TEST(free_right_after_start_kills_the_child) {
        sd_event *e = st_event_new();
        char *dir = st_tmpdir(), *path;
        ScriptCommand cmd = { .uid = SCRIPT_EXEC_UID_INVALID, .gid = SCRIPT_EXEC_GID_INVALID };
        ScriptExecParams p = { .name = "t", .command = &cmd };
        Run run = {};
        usec_t start;

        path = st_write(dir, "s.sh", "#!/bin/sh\nsleep 60\n", 0755);
        cmd.argv = (char *[]){ path, NULL };
        for (int k = 0; k < 20; k++) {
                start = st_now();
                ASSERT_OK(script_exec_start(e, &p, on_exit_cb, &run, &run.exec));
                run.exec = script_exec_free(run.exec);
                ASSERT_TRUE(st_now() - start < 5 * USEC_PER_SEC);
        }
        free(path);
        st_rmrf(dir);
        sd_event_unref(e);
}

static ScriptSecurityVerdict check(const char *path, uid_t uid, bool enforce, char **ret_reason) {
        ScriptSecurityVerdict v;
        char *reason = NULL;

        ASSERT_OK(script_security_check(path, uid, uid, enforce, &v, &reason));
        ASSERT_TRUE((v == SCRIPT_SECURITY_OK) == (reason == NULL));
        if (ret_reason)
                *ret_reason = reason;
        else
                free(reason);
        return v;
}

static char *mkdir_mode(const char *parent, const char *name, mode_t mode) {
        char *path = NULL;

        ASSERT_TRUE(asprintf(&path, "%s/%s", parent, name) > 0);
        ASSERT_TRUE(mkdir(path, 0700) == 0 && chmod(path, mode) == 0);
        return path;
}

TEST(security_refuses_a_root_script_that_others_can_change) {
        char *dir = st_tmpdir(), *ww, *sticky, *safe, *s_ww, *s_sticky, *s_safe, *s_file_ww, *s_plain,
             *reason = NULL;
        const uid_t root = 0, nobody = 65534;

        if (geteuid() != 0) {
                st_rmrf(dir);
                VTEST_SKIP("needs root to give files other owners");
        }
        ww = mkdir_mode(dir, "ww", 0777);
        sticky = mkdir_mode(dir, "sticky", 01777);
        safe = mkdir_mode(dir, "safe", 0755);
        s_ww = st_write(ww, "s.sh", "#!/bin/sh\n", 0755);
        s_sticky = st_write(sticky, "s.sh", "#!/bin/sh\n", 0755);
        s_safe = st_write(safe, "s.sh", "#!/bin/sh\n", 0755);
        s_file_ww = st_write(safe, "ww.sh", "#!/bin/sh\n", 0757);
        s_plain = st_write(safe, "plain.sh", "#!/bin/sh\n", 0644);

        ASSERT_EQ(check(s_ww, root, true, &reason), SCRIPT_SECURITY_REFUSED);
        ASSERT_TRUE(strstr(reason, "/ww' is writable by others"));
        free(reason);
        ASSERT_EQ(check(s_ww, root, false, NULL), SCRIPT_SECURITY_INSECURE); /* runs, with a warning */
        ASSERT_TRUE(script_security_verdict_runs(SCRIPT_SECURITY_INSECURE));
        ASSERT_FALSE(script_security_verdict_runs(SCRIPT_SECURITY_REFUSED));
        ASSERT_EQ(check(s_ww, nobody, true, NULL), SCRIPT_SECURITY_OK); /* not run as root: no check */
        ASSERT_EQ(check(s_sticky, root, true, NULL),
                  SCRIPT_SECURITY_OK); /* sticky dirs are fine, like /tmp */
        ASSERT_EQ(check(s_safe, root, true, NULL), SCRIPT_SECURITY_OK);
        ASSERT_EQ(check(s_file_ww, root, true, NULL), SCRIPT_SECURITY_REFUSED);
        ASSERT_EQ(check(s_plain, root, true, NULL), SCRIPT_SECURITY_NOT_EXECUTABLE);
        ASSERT_EQ(check("/vrrpd/no/such/script", root, true, NULL), SCRIPT_SECURITY_NOT_FOUND);
        ASSERT_EQ(check("vrrpd-no-such-command", root, true, NULL), SCRIPT_SECURITY_NOT_FOUND);
        ASSERT_EQ(check("sh", root, true, NULL), SCRIPT_SECURITY_OK); /* searched on PATH: /usr/bin/sh */
        ASSERT_EQ(check("</dev/tcp/127.0.0.1/80", root, true, NULL), SCRIPT_SECURITY_OK);
        free(ww);
        free(sticky);
        free(safe);
        free(s_ww);
        free(s_sticky);
        free(s_safe);
        free(s_file_ww);
        free(s_plain);
        st_rmrf(dir);
}

TEST(security_checks_owners_groups_and_symlinks) {
        char *dir = st_tmpdir(), *ww, *safe, *s_safe, *link = NULL, *reason = NULL;
        const uid_t root = 0, nobody = 65534;

        if (geteuid() != 0) {
                st_rmrf(dir);
                VTEST_SKIP("needs root to give files other owners");
        }
        ww = mkdir_mode(dir, "ww", 0777);
        safe = mkdir_mode(dir, "safe", 0755);
        s_safe = st_write(safe, "s.sh", "#!/bin/sh\n", 0755);
        ASSERT_TRUE(chmod(s_safe, 0775) == 0 && chown(s_safe, 0, nobody) == 0);
        ASSERT_EQ(check(s_safe, root, true, &reason),
                  SCRIPT_SECURITY_REFUSED); /* group-writable, group not root */
        ASSERT_TRUE(strstr(reason, "writable by group 65534"));
        free(reason);
        ASSERT_TRUE(chown(s_safe, 0, 0) == 0);
        ASSERT_EQ(check(s_safe, root, true, NULL), SCRIPT_SECURITY_OK); /* group root may write */
        ASSERT_TRUE(chown(s_safe, nobody, 0) == 0 && chmod(s_safe, 0755) == 0);
        ASSERT_EQ(check(s_safe, root, true, &reason), SCRIPT_SECURITY_REFUSED); /* owned by someone else */
        ASSERT_TRUE(strstr(reason, "owned by uid 65534"));
        free(reason);
        ASSERT_TRUE(chown(s_safe, 0, 0) == 0);

        /* a symlink in a world-writable dir to a safe script: the link could be changed */
        ASSERT_TRUE(asprintf(&link, "%s/link.sh", ww) > 0);
        ASSERT_TRUE(symlink(s_safe, link) == 0);
        ASSERT_EQ(check(link, root, true, NULL), SCRIPT_SECURITY_REFUSED);
        free(link);
        ASSERT_TRUE(asprintf(&link, "%s/link.sh", safe) > 0);
        ASSERT_TRUE(symlink(s_safe, link) == 0);
        ASSERT_EQ(check(link, root, true, NULL), SCRIPT_SECURITY_OK);
        free(link);
        free(ww);
        free(safe);
        free(s_safe);
        st_rmrf(dir);
}
