// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "lib/version.h"
#include "version.gen.h" /* made by the Makefile from VERSION and git */

const char *ts_version(void)
{
	return TS_VERSION;
}
