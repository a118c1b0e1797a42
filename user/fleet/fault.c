// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/log.h"
#include "fleet/fault.h"

void ship_fault(const char *point)
{
	const char *want = getenv("XDP_TELESCOPE_SHIP_FAULT");

	if (want && !strcmp(want, point)) {
		pr_info("ship: fault injected at '%s': exiting", point);
		_exit(137);
	}
}
