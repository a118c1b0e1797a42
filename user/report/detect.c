// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The detectors' rules on daily series: medians of earlier days as the
 * baseline, runs above or below a multiple of it. Pure functions of the
 * arrays they get, so the unit tests can feed them any series.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/detect.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median_of(const double *v, int n)
{
	double tmp[512], *buf = n <= 512 ? tmp : xcalloc((size_t)n, sizeof(double));
	double m;

	if (n <= 0)
		return NAN;
	memcpy(buf, v, (size_t)n * sizeof(double));
	qsort(buf, (size_t)n, sizeof(double), cmp_double);
	m = n % 2 ? buf[n / 2] : (buf[n / 2 - 1] + buf[n / 2]) / 2;
	if (buf != tmp)
		free(buf);
	return m;
}

/* Median of up to `window` values before i whose skip flag is clear. */
static int baseline(const double *x, int i, int window, const bool *skip,
		    const bool *skip2, double *base)
{
	double vals[64];
	int count = 0;

	for (int j = i - 1; j >= 0 && count < window; j--) {
		if ((skip && skip[j]) || (skip2 && skip2[j]))
			continue;
		vals[count++] = x[j];
	}
	*base = median_of(vals, count);
	return count;
}

int find_spikes(const double *x, int n, double ratio, double min_excess,
		double min_base, struct day_run *out, int max)
{
	bool *in_spike = xcalloc((size_t)n, sizeof(bool));
	int found = 0, i = 0;

	while (i < n) {
		double base, thr, peak;
		int j;

		if (baseline(x, i, EV_BASE_WINDOW, in_spike, NULL, &base) < EV_BASE_MIN_DAYS ||
		    base < min_base) {
			i++;
			continue;
		}
		thr = fmax(ratio * base, base + min_excess);
		if (x[i] < thr) {
			i++;
			continue;
		}
		peak = x[i];
		for (j = i; j < n && x[j] >= thr; j++) {
			in_spike[j] = true;
			peak = fmax(peak, x[j]);
		}
		if (j - i <= EV_SPIKE_MAX_DAYS && found < max)
			out[found++] = (struct day_run){ i, j - 1, base,
							 base > 0 ? peak / base : INFINITY, j == n, peak };
		i = j;
	}
	free(in_spike);
	return found;
}

int find_drops(const double *x, int n, double min_base, const bool *skip,
	       struct day_run *out, int max)
{
	bool *flagged = xcalloc((size_t)n, sizeof(bool));
	int found = 0;

	for (int i = 0; i < n; i++) {
		double base, r;

		if (baseline(x, i, EV_DROP_WINDOW, flagged, skip, &base) < EV_DROP_WINDOW ||
		    base < min_base)
			continue;
		r = x[i] / base;
		if (r >= EV_DROP_WARN)
			continue;
		flagged[i] = true;
		if (found && out[found - 1].last == i - 1 && i > 0 && flagged[i - 1]) {
			out[found - 1].last = i;
			out[found - 1].extreme = fmin(out[found - 1].extreme, r);
		} else if (found < max) {
			out[found++] = (struct day_run){ i, i, base, r, false, 0 };
		}
	}
	free(flagged);
	return found;
}

int find_level_shift(const double *x, int n, double min_base, struct day_run *run)
{
	for (int i = EV_BASE_MIN_DAYS; i + EV_SHIFT_MIN_DAYS <= n; i++) {
		int from = i > EV_BASE_WINDOW ? i - EV_BASE_WINDOW : 0, keep = 0;
		double base = fmax(median_of(x + from, i - from), min_base), after;

		if (x[i] < EV_SHIFT_START * base)
			continue;
		after = median_of(x + i, n - i);
		if (after < EV_SHIFT_LEVEL * base)
			continue;
		for (int j = i; j < n; j++)
			keep += x[j] >= EV_SHIFT_START * base;
		if (keep < EV_SHIFT_KEEP * (n - i))
			continue;
		*run = (struct day_run){ i, n - 1, base, after / base, false, 0 };
		return i;
	}
	return -1;
}
