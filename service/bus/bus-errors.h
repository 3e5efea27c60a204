#pragma once

/* The named errors of DESIGN.md §3, for callers that can act on them, and the bus names: the one copy in
 * dbus/, which vrrpctl shares, reached relative to this file so that nothing joins the include path. The
 * standard errors come from sd-bus (SD_BUS_ERROR_INVALID_ARGS, SD_BUS_ERROR_ACCESS_DENIED). */
#include "../../dbus/org.vrrpd.Vrrp1.h"
