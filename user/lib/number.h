/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef TS_NUMBER_H
#define TS_NUMBER_H

/* A whole decimal number in [min, max], or -1 if s is not exactly one. */
long parse_num(const char *s, long min, long max);

#endif
