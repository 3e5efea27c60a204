#pragma once

#include <stddef.h>

/* What the fallback vtables of instances and sync groups share: finding an object from its path, and listing
 * the paths of all of them for introspection. */

typedef void *(*bus_util_lookup_t)(void *userdata, const char *name);
typedef const char *(*bus_util_name_at_t)(void *userdata, size_t k);

/* For sd-bus find callbacks: 1 and *ret_found if path is prefix/NAME and lookup knows NAME, else 0. */
int bus_util_find(const char *path, const char *prefix, bus_util_lookup_t lookup, void *userdata,
                  void **ret_found);

/* For node enumerators: prefix/NAME for each of the n names, NAME escaped as sd_bus_path_encode does. */
int bus_util_node_paths(const char *prefix, size_t n, bus_util_name_at_t name_at, void *userdata,
                        char ***ret_nodes);
