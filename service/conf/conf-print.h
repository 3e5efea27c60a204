#pragma once

#include <stdio.h>

typedef struct Config Config;

/* The normalised model, every default filled in, as one JSON object: what `vrrpd --print-config --json` shows
 * and what tests assert on. Times are integer microseconds in *_usec fields. */
void conf_print_json(const Config *c, FILE *f);
