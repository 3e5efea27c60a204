#pragma once

typedef struct ConfRoute ConfRoute;
typedef struct ConfRule ConfRule;

/* A route or rule as ip-route(8) / ip-rule(8) would write it, with numbers for tables and protocols: what the
 * bus shows of it. -ENOMEM or 0. */
int route_format(const ConfRoute *r, char **ret);
int rule_format(const ConfRule *r, char **ret);
