/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Results of the bench tools: medians over runs, and the rows of
 * build/bench.csv (name,value,unit), appended by each tool in turn.
 */
#ifndef TS_BENCH_RESULTS_H
#define TS_BENCH_RESULTS_H

#include <stddef.h>
#include <stdint.h>

struct spread {
	double median, min, max;
};

/* Median, minimum and maximum of n values (n >= 1; v is reordered). */
struct spread spread_of(double *v, size_t n);

/* Append "name,value,unit" to the CSV file named at report_open(). */
int report_open(const char *path);
void report_row(const char *name, double value, const char *unit);
void report_close(void);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

#endif /* TS_BENCH_RESULTS_H */
