// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include "lib/log.h"

bool ts_verbose;

/*
 * Under systemd, stderr is a stream into the journal whose device and
 * inode JOURNAL_STREAM names; there a "<N>" in front of a line is its
 * priority (sd-daemon(3)), so `journalctl -p warning` finds warnings.
 */
static bool to_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && !fstat(2, &st) &&
	       st.st_dev == dev && st.st_ino == ino;
}

static void vlog(int priority, const char *level, const char *fmt, va_list ap)
{
	if (to_journal())
		fprintf(stderr, "<%d>", priority);
	fprintf(stderr, "xdp-telescope: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define DEFINE_LOG(name, priority, level, cond)        \
	void name(const char *fmt, ...)                \
	{                                              \
		va_list ap;                            \
		if (!(cond))                           \
			return;                        \
		va_start(ap, fmt);                     \
		vlog(priority, level, fmt, ap);        \
		va_end(ap);                            \
	}

/* syslog priorities: 3 err, 4 warning, 6 info, 7 debug */
DEFINE_LOG(pr_err, 3, "error: ", 1)
DEFINE_LOG(pr_warn, 4, "warning: ", 1)
DEFINE_LOG(pr_info, 6, "", 1)
DEFINE_LOG(pr_debug, 7, "debug: ", ts_verbose)

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
