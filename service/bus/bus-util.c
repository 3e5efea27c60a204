#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "bus/bus-util.h"
#include "util/cleanup.h"
#include "util/strv.h"

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

static bool bus_util_emits(const sd_bus_vtable *v) {
        return (v->type == _SD_BUS_VTABLE_PROPERTY || v->type == _SD_BUS_VTABLE_WRITABLE_PROPERTY) &&
               (v->flags &
                (SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION));
}

/* The property's value into m, as sd-bus would put it in a reply: its getter, else the plain field at its
 * offset (a string field holds the pointer). */
static int bus_util_append_value(sd_bus *bus, const char *path, const char *interface,
                                 const sd_bus_vtable *v, void *userdata, sd_bus_message *m) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        void *u = (uint8_t *) userdata + v->x.property.offset;
        char type = v->x.property.signature[0];

        if (v->x.property.get)
                return v->x.property.get(bus, path, interface, v->x.property.member, m, u, &error);
        return sd_bus_message_append_basic(
                m, type, type == 's' || type == 'o' || type == 'g' ? *(const char **) u : u);
}

/* The value as text: sd-bus's dump of a sealed message that holds it; "" when it cannot be read, so that a
 * property that becomes readable counts as changed. */
static char *bus_util_value_text(sd_bus *bus, const char *path, const char *interface,
                                 const sd_bus_vtable *v, void *userdata) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        char *text = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        r = sd_bus_message_new_signal(bus, &m, path, interface, v->x.property.member);
        if (r < 0)
                return strdup("");
        r = bus_util_append_value(bus, path, interface, v, userdata, m);
        if (r < 0)
                return strdup("");
        r = sd_bus_message_seal(m, 1, 0);
        if (r < 0)
                return strdup("");
        f = open_memstream(&text, &size);
        if (!f)
                return NULL;
        r = sd_bus_message_dump(m, f, 0);
        if (fclose(f) != 0 || r < 0) {
                free(text);
                return strdup("");
        }
        return text;
}

int bus_util_shown(sd_bus *bus, const char *path, const char *interface, const sd_bus_vtable *vtable,
                   void *userdata, char ***ret) {
        size_t n = 0;
        char **l;

        for (const sd_bus_vtable *v = vtable; v->type != _SD_BUS_VTABLE_END; v++)
                n += bus_util_emits(v);
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        n = 0;
        for (const sd_bus_vtable *v = vtable; v->type != _SD_BUS_VTABLE_END; v++) {
                if (!bus_util_emits(v))
                        continue;
                l[n] = bus_util_value_text(bus, path, interface, v, userdata);
                if (!l[n++]) {
                        strv_free(l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

int bus_util_emit_shown_changes(sd_bus *bus, const char *path, const char *interface,
                                const sd_bus_vtable *vtable, void *userdata, char *const *before) {
        _cleanup_free_ const char **names = NULL;
        size_t n = 0, k = 0;

        for (const sd_bus_vtable *v = vtable; v->type != _SD_BUS_VTABLE_END; v++)
                n += bus_util_emits(v);
        names = calloc(n + 1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        n = 0;
        for (const sd_bus_vtable *v = vtable; v->type != _SD_BUS_VTABLE_END && before[k]; v++) {
                _cleanup_free_ char *now = NULL;

                if (!bus_util_emits(v))
                        continue;
                now = bus_util_value_text(bus, path, interface, v, userdata);
                if (!now)
                        return -ENOMEM;
                if (strcmp(now, before[k++]) != 0)
                        names[n++] = v->x.property.member;
        }
        if (n == 0)
                return 0;
        return sd_bus_emit_properties_changed_strv(bus, path, interface, (char **) names);
}
