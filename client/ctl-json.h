#pragma once

#include <glib.h>

#include "ctl.h"

char *ctl_json_from_variant(GVariant *v, gboolean pretty);
/* Prints v as one JSON document and a newline; a floating v is consumed, any other is only borrowed. */
void ctl_json_print(GVariant *v, CtlJson mode);
