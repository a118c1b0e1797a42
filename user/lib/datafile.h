/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where the files xdp-telescope ships (country database, default rules) are. */
#ifndef TS_DATAFILE_H
#define TS_DATAFILE_H

#include <stddef.h>

/*
 * The default path of a shipped file: $env if set (set and empty: none),
 * else TS_DATADIR/name (installed), else <dir of the binary>/../share/
 * xdp-telescope/name (installed under another prefix), else <dir of the
 * binary>/../tree_path (the in-tree build). NULL when none is readable.
 * The result is in buf.
 */
const char *default_data_file(const char *env, const char *name,
			      const char *tree_path, char *buf, size_t len);

#endif
