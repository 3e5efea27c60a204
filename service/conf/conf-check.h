#pragma once

#include "conf-diag.h"
#include "conf-model.h"

/* conf-check.c: after parsing, fills in every default and checks what spans objects (references, duplicates). */
int conf_check_run(Config *c, const char *hostname, ConfDiags *d);

/* conf-complete.c: one instance's defaults and checks, as keepalived's vrrp_complete_instance() */
int conf_complete_global(ConfGlobal *g, const char *hostname);
void conf_complete_instance(const ConfGlobal *g, ConfInstance *i, ConfDiags *d);
/* conf-parse-hmac.c: auth_hmac's checks and defaults, once advert_int and strict mode are final */
void conf_parse_hmac_complete(ConfInstance *i, ConfDiags *d);
/* smtp_alert as set, else global_defs' smtp_alert_vrrp, else smtp_alert, else off (keepalived's vrrp.c) */
int conf_complete_smtp_alert(const ConfGlobal *g, int smtp_alert);
/* A warning when some instance or group has smtp_alert on but no alert can be mailed. */
void conf_complete_mail(const Config *c, ConfDiags *d);

/* conf-check-link.c: use_vmac and use_ipvlan across instances (names unique, unnamed ones named). */
int conf_check_links(Config *c, ConfDiags *d);

/* conf-check-sync.c: weighted tracks of sync group members, unless sync_group_tracking_weight (keepalived) */
void conf_check_sync_weights(Config *c, const ConfSyncGroup *g, ConfDiags *d);

/* conf-check-route.c: static_ipaddress, and the routes and rules of the instances and the top level. */
int conf_check_routes(Config *c, ConfDiags *d);
