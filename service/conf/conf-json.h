#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A small streaming JSON writer: indented output, proper string escaping (invalid UTF-8 becomes U+FFFD). */

#define CONF_JSON_DEPTH_MAX 16

typedef struct ConfJson {
        FILE *f;
        unsigned depth;
        bool has_items[CONF_JSON_DEPTH_MAX];
        bool after_key;
} ConfJson;

void conf_json_begin_object(ConfJson *j);
void conf_json_end_object(ConfJson *j);
void conf_json_begin_array(ConfJson *j);
void conf_json_end_array(ConfJson *j);
void conf_json_key(ConfJson *j, const char *key);
void conf_json_string(ConfJson *j, const char *s); /* NULL writes null */
void conf_json_int(ConfJson *j, int64_t v);
void conf_json_uint(ConfJson *j, uint64_t v);
void conf_json_bool(ConfJson *j, bool v);
void conf_json_null(ConfJson *j);

/* "key": value; _uint writes null unless has */
void conf_json_field_string(ConfJson *j, const char *key, const char *s);
void conf_json_field_uint(ConfJson *j, const char *key, bool has, uint64_t v);
void conf_json_field_bool(ConfJson *j, const char *key, bool v);
