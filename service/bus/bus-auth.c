#include <assert.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "bus/bus-auth.h"
#include "conf/conf-model.h"
#include "manager.h"
#include "util/cleanup.h"
#include "util/log.h"

#define BUS_AUTH_DEFAULT_GROUP "vrrpd"

static bool bus_auth_in_group(uid_t uid, gid_t gid) {
        const struct passwd *pw = getpwuid(uid);
        const struct group *g;

        if (!pw)
                return false;
        if (pw->pw_gid == gid)
                return true;
        g = getgrgid(gid);
        for (char **member = g ? g->gr_mem : NULL; member && *member; member++)
                if (strcmp(*member, pw->pw_name) == 0)
                        return true;
        return false;
}

/* What the bus daemon vouches for is the caller's uid (dbus-daemon's UnixUserID, which sd-bus 252 reports as
 * SD_BUS_CREDS_EUID). It does not pass the caller's groups on through sd-bus: those would come from
 * /proc/PID (SD_BUS_CREDS_AUGMENT), which a caller can race by exiting. So membership is looked up in the
 * group database for that uid, as dbus-daemon evaluates <policy group="...">. */
int bus_auth_is_operator(sd_bus_message *m, gid_t operator_gid) {
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        const uint64_t need = SD_BUS_CREDS_EUID;
        uid_t uid;
        int r;

        assert(m);

        r = sd_bus_query_sender_creds(m, need, &creds);
        if (r < 0)
                return r;
        if (sd_bus_creds_get_augmented_mask(creds) & need) /* read from /proc, not vouched for by the bus */
                return 0;
        r = sd_bus_creds_get_euid(creds, &uid);
        if (r < 0)
                return r;
        if (uid == 0)
                return 1;
        return operator_gid != (gid_t) -1 && bus_auth_in_group(uid, operator_gid);
}

static const char *bus_auth_group_name(const Manager *manager) {
        if (manager->config && manager->config->global.privileged_group)
                return manager->config->global.privileged_group;
        return BUS_AUTH_DEFAULT_GROUP;
}

int bus_auth_check_operator(Manager *manager, sd_bus_message *m, sd_bus_error *error) {
        const char *name = bus_auth_group_name(manager);
        const struct group *g = getgrnam(name); /* looked up per call: a group added later counts at once */
        int r;

        assert(manager);
        assert(m);

        r = bus_auth_is_operator(m, g ? g->gr_gid : (gid_t) -1); /* no such group: root only */
        if (r < 0)
                log_debug_errno(r, "bus: cannot tell who called %s, refusing: %m",
                                sd_bus_message_get_member(m));
        if (r <= 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "%s needs root or membership of the group '%s'",
                                         sd_bus_message_get_member(m), name);
        return 0;
}
