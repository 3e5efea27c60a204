#pragma once

#include <stddef.h>

#include "cleanup.h"

/* Enum to string through a table indexed by the enum (as systemd's DEFINE_STRING_TABLE_LOOKUP):
 *
 *     static const char *const instance_counter_table[_INSTANCE_COUNTER_MAX] = { [INSTANCE_ADVERTS_SENT] = … };
 *     DEFINE_STRING_TABLE_TO_STRING(instance_counter, InstanceCounter);
 *
 * defines instance_counter_to_string(), which gives NULL for a value outside the table or without a word. */
#define DEFINE_STRING_TABLE_TO_STRING(name, type)                                                           \
        const char *name##_to_string(type v) {                                                              \
                return (size_t) v < ELEMENTSOF(name##_table) ? name##_table[v] : NULL;                      \
        }
