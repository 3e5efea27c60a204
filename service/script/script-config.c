#include <assert.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>

#include "conf/conf-model.h"
#include "script/script-config.h"
#include "script/script-security.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"

static int script_config_user(const ConfGlobal *g, const char *user, const char *group, uid_t *ret_uid,
                              gid_t *ret_gid) {
        *ret_uid = SCRIPT_EXEC_UID_INVALID;
        *ret_gid = SCRIPT_EXEC_GID_INVALID;
        if (user)
                return script_exec_resolve_user(user, group, ret_uid, ret_gid);
        if (g->script_user)
                return script_exec_resolve_user(g->script_user, g->script_group, ret_uid, ret_gid);
        /* keepalived's default script user, when the admin created it; otherwise our own. */
        if (getpwnam("keepalived_script"))
                return script_exec_resolve_user("keepalived_script", NULL, ret_uid, ret_gid);
        return 0;
}

/* Quiet: fails the same way, logging nothing (the bus's DisabledScripts re-checks after each reload). */
#define SCRIPT_CONFIG_FAIL(quiet, r, ...) ((quiet) ? -abs(r) : log_error_errno((r), __VA_ARGS__))

static int script_config_check(const ConfGlobal *g, const char *what, const ScriptCommand *c, bool quiet) {
        _cleanup_free_ char *reason = NULL;
        ScriptSecurityVerdict v;
        int r;

        if (script_security_is_shell_test(c->argv[0]))
                return 0;
        r = script_security_check(c->argv[0], c->uid, c->gid, g->enable_script_security, &v, &reason);
        if (r < 0)
                return log_oom();
        switch (v) {
        case SCRIPT_SECURITY_OK:
                return 0;
        case SCRIPT_SECURITY_INSECURE:
                if (!quiet)
                        log_warning("%s: SECURITY VIOLATION: %s; set enable_script_security to refuse such "
                                    "scripts",
                                    what, reason);
                return 0;
        case SCRIPT_SECURITY_REFUSED:
                return SCRIPT_CONFIG_FAIL(quiet, EPERM, "%s: refusing to run '%s': %s", what, c->argv[0],
                                          reason);
        default:
                return SCRIPT_CONFIG_FAIL(quiet, ENOENT, "%s: cannot run '%s': %s", what, c->argv[0],
                                          reason);
        }
}

static int script_config_prepare(const ConfGlobal *g, const char *what, const char *command,
                                 const char *user, const char *group, bool quiet, ScriptCommand *ret) {
        _cleanup_(script_config_command_done) ScriptCommand c = {};
        int r;

        assert(g);
        assert(what);
        assert(command); /* user and group may be NULL: the defaults */
        assert(ret);
        r = script_exec_split(command, &c.argv);
        if (r < 0 || !c.argv || !c.argv[0])
                return SCRIPT_CONFIG_FAIL(quiet, r < 0 ? r : EINVAL, "%s: cannot parse the command '%s'",
                                          what, command);
        r = script_config_user(g, user, group, &c.uid, &c.gid);
        if (r < 0)
                return SCRIPT_CONFIG_FAIL(quiet, r, "%s: unknown user or group '%s%s%s': %m", what,
                                          user ?: g->script_user, group ? ":" : "", group ?: "");
        r = script_config_check(g, what, &c, quiet);
        if (r < 0)
                return r;
        *ret = (ScriptCommand){ .argv = TAKE_PTR(c.argv), .uid = c.uid, .gid = c.gid };
        return 0;
}

int script_config_command(const ConfGlobal *g, const char *what, const char *command, const char *user,
                          const char *group, ScriptCommand *ret) {
        return script_config_prepare(g, what, command, user, group, false, ret);
}

int script_config_probe(const ConfGlobal *g, const char *command, const char *user, const char *group) {
        _cleanup_(script_config_command_done) ScriptCommand c = {};

        return script_config_prepare(g, "probe", command, user, group, true, &c);
}

void script_config_command_done(ScriptCommand *c) {
        assert(c);
        c->argv = strv_free(c->argv);
}
