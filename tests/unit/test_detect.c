// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* report/detect.c: the detectors' rules on hand-made daily series. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>
#include "report/detect.h"

#define N 60

/* 1000 a day, ±3 % in a fixed wobble. */
static void flat(double *x, int n)
{
	for (int i = 0; i < n; i++)
		x[i] = 1000 + 30 * sin(i * 1.7);
}

static void test_median(void **state)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 };

	(void)state;
	assert_true(median_of(odd, 3) == 3);
	assert_true(median_of(even, 4) == 2.5);
	assert_true(isnan(median_of(odd, 0)));
}

static void test_flat_series_has_no_event(void **state)
{
	double x[N];
	struct day_run runs[4];

	(void)state;
	flat(x, N);
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 100, runs, 4), 0);
	assert_int_equal(find_drops(x, N, 50, NULL, runs, 4), 0);
	assert_int_equal(find_level_shift(x, N, 1, runs), -1);
}

static void test_week_spike(void **state)
{
	double x[N];
	struct day_run runs[4];

	(void)state;
	flat(x, N);
	for (int i = 30; i < 37; i++)
		x[i] *= 3.5;
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 100, runs, 4), 1);
	assert_int_equal(runs[0].first, 30);
	assert_int_equal(runs[0].last, 36);
	assert_true(runs[0].extreme > 3.2 && runs[0].extreme < 3.8);
	/* A rise that never ends is a level, not a spike. */
	for (int i = 37; i < N; i++)
		x[i] *= 3.5;
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 100, runs, 4), 0);
	/* A spike still going on at the end of the period is one, open. */
	flat(x, N);
	x[N - 1] *= 4;
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 100, runs, 4), 1);
	assert_int_equal(runs[0].first, N - 1);
	assert_true(runs[0].open);
	assert_true(runs[0].peak > 3.5 * runs[0].base);
	/* … unless it has run longer than a spike may. */
	flat(x, N);
	for (int i = N - EV_SPIKE_MAX_DAYS - 1; i < N; i++)
		x[i] *= 4;
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 100, runs, 4), 0);
}

/* Backscatter bursts: distinct addresses from a baseline of 0 or 1. */
static void test_burst_from_nothing(void **state)
{
	double x[N] = { 0 };
	struct day_run runs[4];

	(void)state;
	for (int i = 0; i < N; i++)
		x[i] = i % 3 == 0;
	x[40] = EV_BURST_MIN - 1;	/* not enough more than the usual */
	assert_int_equal(find_spikes(x, N, EV_BURST_RATIO, EV_BURST_MIN, 0, runs, 4), 0);
	x[40] = 12;
	x[41] = 16;
	assert_int_equal(find_spikes(x, N, EV_BURST_RATIO, EV_BURST_MIN, 0, runs, 4), 1);
	assert_int_equal(runs[0].first, 40);
	assert_int_equal(runs[0].last, 41);
	assert_true(runs[0].peak == 16);
	assert_false(runs[0].open);
}

static void test_spike_needs_baseline_and_size(void **state)
{
	double x[N];
	struct day_run runs[4];

	(void)state;
	flat(x, N);
	x[3] *= 5;	/* before 7 days of baseline: not judged */
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 100, runs, 4), 0);
	flat(x, N);
	x[20] *= 3;	/* ×3, but less than the absolute minimum excess */
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 5000, 100, runs, 4), 0);
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 2000, runs, 4), 0);
	assert_int_equal(find_spikes(x, N, EV_SPIKE_RATIO, 0, 100, runs, 4), 1);
}

static void test_drop_warning_and_critical(void **state)
{
	double x[N];
	struct day_run runs[4];

	(void)state;
	flat(x, N);
	for (int i = 20; i < 27; i++)
		x[i] *= 0.05;	/* seven days at 5 %: the trailing median must not adapt */
	x[40] *= 0.2;		/* one day at 20 %: a warning */
	assert_int_equal(find_drops(x, N, 50, NULL, runs, 4), 2);
	assert_int_equal(runs[0].first, 20);
	assert_int_equal(runs[0].last, 26);
	assert_true(runs[0].extreme < EV_DROP_CRIT);
	assert_int_equal(runs[1].first, 40);
	assert_true(runs[1].extreme >= EV_DROP_CRIT && runs[1].extreme < EV_DROP_WARN);
	/* Too small a baseline is not judged. */
	assert_int_equal(find_drops(x, N, 5000, NULL, runs, 4), 0);
}

static void test_drop_after_spike_left_out_of_baseline(void **state)
{
	double x[N];
	bool skip[N] = { 0 };
	struct day_run runs[4];

	(void)state;
	flat(x, N);
	for (int i = 20; i < 27; i++) {
		x[i] *= 4.5;	/* a spike: the day after is 22 % of it */
		skip[i] = true;
	}
	assert_int_equal(find_drops(x, N, 50, NULL, runs, 4), 1);
	assert_int_equal(find_drops(x, N, 50, skip, runs, 4), 0);
}

static void test_level_shift_day(void **state)
{
	double x[N];
	struct day_run run;

	(void)state;
	flat(x, N);
	for (int i = 25; i < N; i++)
		x[i] *= 8;
	assert_int_equal(find_level_shift(x, N, 1, &run), 25);
	assert_true(run.extreme > 7 && run.extreme < 9);
	/* From nothing: the floor stands in for a zero baseline. */
	for (int i = 0; i < N; i++)
		x[i] = i < 30 ? 0 : 500;
	assert_int_equal(find_level_shift(x, N, 10, &run), 30);
	/* Too few days left to call it a level. */
	flat(x, N);
	for (int i = N - 10; i < N; i++)
		x[i] *= 8;
	assert_int_equal(find_level_shift(x, N, 1, &run), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_flat_series_has_no_event),
		cmocka_unit_test(test_week_spike),
		cmocka_unit_test(test_burst_from_nothing),
		cmocka_unit_test(test_spike_needs_baseline_and_size),
		cmocka_unit_test(test_drop_warning_and_critical),
		cmocka_unit_test(test_drop_after_spike_left_out_of_baseline),
		cmocka_unit_test(test_level_shift_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
