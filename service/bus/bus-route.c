#include <assert.h>

#include "bus/bus-route.h"
#include "route/route-format.h"
#include "route/route-set.h"
#include "util/cleanup.h"

int bus_append_routes(sd_bus_message *reply, const RouteSet *s) {
        int r;

        assert(reply);
        assert(s);

        r = sd_bus_message_open_container(reply, 'a', "(sb)");
        for (size_t k = 0; r >= 0 && k < s->n_routes; k++) {
                _cleanup_free_ char *text = NULL;

                r = route_format(s->routes[k].conf, &text);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "(sb)", text, (int) s->route_in[k]);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

int bus_append_rules(sd_bus_message *reply, const RouteSet *s) {
        int r;

        assert(reply);
        assert(s);

        r = sd_bus_message_open_container(reply, 'a', "(sb)");
        for (size_t k = 0; r >= 0 && k < s->n_rules; k++) {
                _cleanup_free_ char *text = NULL;

                r = rule_format(s->rules[k].conf, &text);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "(sb)", text, (int) s->rule_in[k]);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}
