#include <assert.h>
#include <errno.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#include "bus/bus-auth.h"
#include "bus/bus-demotion.h"
#include "bus/bus-errors.h"
#include "bus/bus.h"
#include "instance.h"
#include "manager.h"
#include "track/tracking.h"
#include "util/log.h"

/* Named demotions over the bus: Manager.SetDemotion, ClearDemotion and Demotions (DESIGN §3). The list and
 * what it does to priorities are the daemon's (track/tracking-demotion.c); here: who may, and is it sane. */

int bus_demotion_property_get(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        const Demotions *d = &((Bus *) userdata)->manager->tracking.demotions;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ssy)");
        if (r < 0)
                return r;
        for (size_t k = 0; k < d->n; k++) {
                r = sd_bus_message_append(reply, "(ssy)", d->items[k].tag, d->items[k].target,
                                          d->items[k].amount);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

static void bus_demotion_emit(sd_bus *bus) {
        int r = sd_bus_emit_properties_changed(bus, VRRPD_BUS_PATH, VRRPD_BUS_MANAGER_INTERFACE, "Demotions",
                                               NULL);

        if (r < 0)
                log_debug_errno(r, "failed to emit Demotions, ignoring: %m");
}

static int bus_demotion_check_tag(const char *tag, sd_bus_error *error) {
        if (!demotion_tag_valid(tag))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "a demotion tag is 1 to %u letters, digits or '-_.:@', not '%s'",
                                         DEMOTION_TAG_MAX, tag);
        return 0;
}

/* "" (every instance), "sync_group/NAME" or an instance name, which must exist now (a reload may take it
 * away later: the demotion then targets nothing until it comes back). An owner by name cannot be demoted;
 * "" and a group pass over owners (tracking keeps them at 255). */
static int bus_demotion_check_target(Manager *m, const char *target, sd_bus_error *error) {
        const char *group = demotion_target_sync_group(target);
        Instance *i;

        if (target[0] == '\0')
                return 0;
        if (group)
                return manager_find_sync_group(m, group)
                               ? 0
                               : sd_bus_error_setf(error, VRRPD_ERROR_NO_SUCH_SYNC_GROUP,
                                                   "no sync group named '%s'", group);
        i = manager_find_instance(m, target);
        if (!i)
                return sd_bus_error_setf(error, VRRPD_ERROR_NO_SUCH_INSTANCE, "no instance named '%s'", target);
        if (i->params.fsm.priority == VRRP_PRIORITY_OWNER)
                return sd_bus_error_setf(error, VRRPD_ERROR_NOT_PERMITTED,
                                         "%s: an address owner keeps priority 255", i->name);
        return 0;
}

int bus_demotion_method_set(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Manager *manager = ((Bus *) userdata)->manager;
        const char *tag, *target;
        uint8_t amount;
        int r;

        r = bus_auth_check_operator(manager, m, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "ssy", &tag, &target, &amount);
        if (r < 0)
                return r;
        r = bus_demotion_check_tag(tag, error);
        if (r < 0)
                return r;
        if (amount == 0)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
                                        "a demotion amount is 1 to 255 (ClearDemotion takes one away)");
        r = bus_demotion_check_target(manager, target, error);
        if (r < 0)
                return r;
        r = tracking_set_demotion(manager, tag, target, amount);
        if (r == -E2BIG)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                         "%u demotions are set already: clear one first", DEMOTIONS_MAX);
        if (r < 0)
                return r;
        bus_demotion_emit(sd_bus_message_get_bus(m));
        return sd_bus_reply_method_return(m, NULL);
}

/* A tag that is not set is no error: clearing is what a script's cleanup does, perhaps twice. */
int bus_demotion_method_clear(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Manager *manager = ((Bus *) userdata)->manager;
        const char *tag;
        int r;

        r = bus_auth_check_operator(manager, m, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "s", &tag);
        if (r < 0)
                return r;
        r = bus_demotion_check_tag(tag, error);
        if (r < 0)
                return r;
        if (tracking_clear_demotion(manager, tag))
                bus_demotion_emit(sd_bus_message_get_bus(m));
        return sd_bus_reply_method_return(m, NULL);
}
