// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "lib/number.h"

bool parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	if (n < min || n > max)
		return false;
	*v = n;
	return true;
}
