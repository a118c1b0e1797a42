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

enum num_field { NUM_OK, NUM_NOT_DIGITS, NUM_TOO_BIG };

/*
 * The field reader's form of parse_uint, inline because a report reads
 * tens of millions of fields: NUM_OK with *v when s is all digits (at
 * least one) and fits 64 bits; NUM_TOO_BIG when it is all digits but
 * above 2^64 - 1; NUM_NOT_DIGITS otherwise. Up to 19 digits cannot
 * overflow, so only a 20th digit (or more) costs a check.
 */
static inline enum num_field parse_u64_field(const char *s, uint64_t *v)
{
	uint64_t n = 0;
	const char *p = s;
	unsigned d;

	for (; (d = (unsigned)(unsigned char)*p - '0') <= 9 && p - s < 19; p++)
		n = n * 10 + d;
	if (p == s)
		return NUM_NOT_DIGITS;
	if (!*p) {
		*v = n;
		return NUM_OK;
	}
	for (bool big = false;; p++) {
		d = (unsigned)(unsigned char)*p - '0';
		if (!*p) {
			if (big)
				return NUM_TOO_BIG;
			*v = n;
			return NUM_OK;
		}
		if (d > 9)
			return NUM_NOT_DIGITS;
		if (big || n > (UINT64_MAX - d) / 10)
			big = true;
		else
			n = n * 10 + d;
	}
}

#endif
