/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Putting the operator's payload rules and address lists into the
 * kernel: at start and on SIGHUP, without detaching and without touching
 * the counting maps. A configuration that does not parse changes nothing.
 */
#ifndef TS_TAGCFG_H
#define TS_TAGCFG_H

#include "sensor/maps.h"
#include "sensor/rules.h"

#define TAGCFG_MAX_LISTS 32

struct tag_config {
	const char *rules_path;   /* NULL: no rules */
	const char *list_paths[TAGCFG_MAX_LISTS];
	int nlists;
	struct tag_names names;   /* the names in force */
	size_t nrules, nprefixes; /* what is loaded */
};

/* Read the bit names a previous loader left in the pins (or the built-ins). */
void tagcfg_read_names(const struct sensor_maps *s, struct tag_names *names);

/*
 * Parse the files and, only if all of them are good, load them into the
 * kernel maps (s NULL: only parse). Returns 0, or -1 with one line in
 * err (nothing changed).
 */
int tagcfg_apply(const struct sensor_maps *s, struct tag_config *cfg, char *err,
		 size_t errlen);

#endif
