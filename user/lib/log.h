/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One-line messages on stderr, prefixed with the program name. */
#ifndef TS_LOG_H
#define TS_LOG_H

#include <stdbool.h>

extern bool ts_verbose;

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Route libbpf's messages through pr_debug, so errors are ours alone. */
void ts_quiet_libbpf(void);

#endif
