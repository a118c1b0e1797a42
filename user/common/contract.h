/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The CSV contract (docs/csv.md): one definition for run, report and synth. */
#ifndef TS_CONTRACT_H
#define TS_CONTRACT_H

/* "tcp" / "6" ... -> protocol number, or -1. */
int parse_proto(const char *s);

#endif
