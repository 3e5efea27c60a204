#pragma once

#include <stddef.h>

#include "conf-json.h"
#include "conf-model.h"

/* The routes and rules of an instance or of the top level, as JSON arrays under key: kernel values as numbers
 * (type, table, protocol, scope, TOS, rule action), as netlink will carry them. */
void conf_print_route_list(ConfJson *j, const char *key, const ConfRoute *r, size_t n);
void conf_print_rule_list(ConfJson *j, const char *key, const ConfRule *r, size_t n);
