/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef TS_NUMBER_H
#define TS_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

/*
 * s, the whole of it, is a whole decimal number (digits only: no sign,
 * space, exponent or base prefix) that fits 64 bits and lies in
 * [min, max]: *v gets it and the answer is true. Otherwise false and *v
 * is untouched.
 */
bool parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v);

#endif
