/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef TS_VERSION_H
#define TS_VERSION_H

/* "0.1.0", and "+git.<commit>" when built from a git checkout (VERSION, Makefile). */
const char *ts_version(void);

#endif
