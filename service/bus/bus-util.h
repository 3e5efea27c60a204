#pragma once

#include <stddef.h>

#include <systemd/sd-bus.h>

/* What the fallback vtables of instances and sync groups share: finding an object from its path, listing the
 * paths of all of them for introspection, and telling which of its properties a reload changed. */

/* A property getter's signature (sd_bus_property_get_t) */
#define BUS_GETTER(fn)                                                                                      \
        static int fn(sd_bus *bus, const char *path, const char *interface, const char *property,           \
                      sd_bus_message *reply, void *userdata, sd_bus_error *error)

typedef void *(*bus_util_lookup_t)(void *userdata, const char *name);
typedef const char *(*bus_util_name_at_t)(void *userdata, size_t k);

/* For sd-bus find callbacks: 1 and *ret_found if path is prefix/NAME and lookup knows NAME, else 0. */
int bus_util_find(const char *path, const char *prefix, bus_util_lookup_t lookup, void *userdata,
                  void **ret_found);

/* For node enumerators: prefix/NAME for each of the n names, NAME escaped as sd_bus_path_encode does. */
int bus_util_node_paths(const char *prefix, size_t n, bus_util_name_at_t name_at, void *userdata,
                        char ***ret_nodes);

/* What an object shows in the properties of its vtable that emit PropertiesChanged: each one's value as
 * text, as its getter gives it, in vtable order (NULL-terminated; free with strv_free()). A reload
 * compares this with what the object shows afterwards. */
int bus_util_shown(sd_bus *bus, const char *path, const char *interface, const sd_bus_vtable *vtable,
                   void *userdata, char ***ret);
/* One PropertiesChanged for the properties whose value is not what bus_util_shown() read into `before` (from
 * the same vtable); nothing if none. */
int bus_util_emit_shown_changes(sd_bus *bus, const char *path, const char *interface,
                                const sd_bus_vtable *vtable, void *userdata, char *const *before);
