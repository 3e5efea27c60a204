#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf-check.h"

/* The static entries and the routes and rules: what spans a whole block, checked once it is read. */

/* keepalived puts a static_ipaddress line without dev on global_defs' default_interface, else on eth0
 * (vrrp_ipaddress.c, get_default_if()). */
static int static_vips_dev(Config *c) {
        const char *dev = c->global.default_interface ?: "eth0";

        for (size_t k = 0; k < c->n_static_vips; k++) {
                ConfVip *v = &c->static_vips[k];

                if (!v->dev && !(v->dev = strdup(dev)))
                        return -ENOMEM;
        }
        return 0;
}

int conf_check_routes(Config *c, ConfDiags *d) {
        assert(c);
        assert(d);

        return static_vips_dev(c);
}
