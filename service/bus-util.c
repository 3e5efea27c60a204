#include <errno.h>
#include <stdlib.h>

#include <systemd/sd-bus.h>

#include "bus-util.h"
#include "util/cleanup.h"

int bus_util_find(const char *path, const char *prefix, bus_util_lookup_t lookup, void *userdata,
                  void **ret_found) {
        _cleanup_free_ char *name = NULL;
        void *found;
        int r;

        r = sd_bus_path_decode(path, prefix, &name);
        if (r <= 0)
                return r;
        found = lookup(userdata, name);
        if (!found)
                return 0;
        *ret_found = found;
        return 1;
}

int bus_util_node_paths(const char *prefix, size_t n, bus_util_name_at_t name_at, void *userdata,
                        char ***ret_nodes) {
        char **l = calloc(n + 1, sizeof(char *));
        int r;

        if (!l)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++) {
                r = sd_bus_path_encode(prefix, name_at(userdata, k), &l[k]);
                if (r < 0) {
                        for (size_t j = 0; j < k; j++)
                                free(l[j]);
                        free(l);
                        return r;
                }
        }
        *ret_nodes = l;
        return 0;
}
