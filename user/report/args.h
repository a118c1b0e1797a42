/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The command line of `xdp-telescope report`: a period is a quarter,
 * month, ISO week or explicit range, with the period before it.
 */
#ifndef TS_REPORT_ARGS_H
#define TS_REPORT_ARGS_H

#include <stdbool.h>
#include "report/report.h"

/*
 * Parses argv into opts: OPT_GO (lib/options.h), or the exit status
 * after --help (0) or a bad option (2, its line on stderr).
 */
int report_parse_args(int argc, char **argv, struct report_opts *opts);

/* "23/tcp", "1900/UDP", "8/icmp" -> port, or false. */
bool parse_port_id(const char *s, struct port_id *out);

#endif
