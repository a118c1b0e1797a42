// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "lib/log.h"

bool ts_verbose;

static void vlog(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "xdp-telescope: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define DEFINE_LOG(name, level, cond)                 \
	void name(const char *fmt, ...)               \
	{                                             \
		va_list ap;                           \
		if (!(cond))                          \
			return;                       \
		va_start(ap, fmt);                    \
		vlog(level, fmt, ap);                 \
		va_end(ap);                           \
	}

DEFINE_LOG(pr_err, "error: ", 1)
DEFINE_LOG(pr_warn, "warning: ", 1)
DEFINE_LOG(pr_info, "", 1)
DEFINE_LOG(pr_debug, "debug: ", ts_verbose)

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!ts_verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void ts_quiet_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
