// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Medians and CSV rows for the bench tools (results.h). */
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE *report_file;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct spread spread_of(double *v, size_t n)
{
	struct spread s;

	qsort(v, n, sizeof(*v), cmp_double);
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

int report_open(const char *path)
{
	if (!path)
		return 0;
	report_file = fopen(path, "a");
	if (!report_file) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

void report_row(const char *name, double value, const char *unit)
{
	if (report_file)
		fprintf(report_file, "%s,%.10g,%s\n", name, value, unit);
}

void report_close(void)
{
	if (report_file)
		fclose(report_file);
	report_file = NULL;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
