// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "common/calendar.h"
#include "common/contract.h"
#include "common/daypath.h"
#include "lib/alloc.h"
#include "lib/csv.h"
#include "lib/log.h"
#include "sensor/rowtimes.h"

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The times of one file's rows that begin with `prefix` (the sensor's
 * field as the drain writes it, after the time). gzopen() reads a plain
 * file as it is, and a .gz one member after member. A sensor's name has
 * no line end (run refuses one), so a totals row is one line.
 */
static void read_file(struct rowtimes *rt, const char *path, const char *prefix,
		      __u64 from, __u64 to)
{
	size_t plen = strlen(prefix);
	char line[512], stamp[21];
	gzFile f = gzopen(path, "rb");

	if (!f) {
		if (errno != ENOENT)
			pr_warn("cannot read %s to find its row times: %s", path,
				strerror(errno));
		return;
	}
	while (gzgets(f, line, sizeof(line))) {
		int64_t t;

		if (strlen(line) < 21 + plen || line[20] != ',' ||
		    strncmp(line + 21, prefix, plen))
			continue;
		memcpy(stamp, line, 20);
		stamp[20] = '\0';
		t = parse_time(stamp);
		if (t < 0 || (__u64)t < from || (__u64)t > to)
			continue;
		XGROW(rt->times, rt->cap, rt->n + 1, 64);
		rt->times[rt->n++] = (__u64)t;
	}
	gzclose(f);
}

void rowtimes_load(struct rowtimes *rt, const struct output *out, const char *sensor,
		   __u64 from, __u64 to)
{
	struct strbuf prefix;
	char path[4200], day_dir[4200];

	rt->n = 0;
	rt->from = from;
	rt->to = to;
	rt->loaded = true;
	sb_init(&prefix);
	csv_escape(&prefix, sensor);
	sb_append(&prefix, ",", 1);
	for (int64_t d = (int64_t)(from / 86400); d <= (int64_t)(to / 86400); d++) {
		day_dir_path(day_dir, sizeof(day_dir), out->dir, (int)d);
		for (int gz = 0; gz < 2; gz++) {
			series_file_path(path, sizeof(path), day_dir, S_TOTALS, gz);
			read_file(rt, path, prefix.buf, from, to);
		}
	}
	sb_free(&prefix);
	qsort(rt->times, rt->n, sizeof(*rt->times), cmp_u64);
}

bool rowtimes_cover(const struct rowtimes *rt, __u64 t)
{
	return rt->loaded && t >= rt->from && t <= rt->to;
}

bool rowtimes_has(const struct rowtimes *rt, __u64 t)
{
	return rt->n && bsearch(&t, rt->times, rt->n, sizeof(*rt->times), cmp_u64);
}

void rowtimes_add(struct rowtimes *rt, __u64 t)
{
	size_t i = rt->n;

	if (!rowtimes_cover(rt, t) || rowtimes_has(rt, t))
		return;
	XGROW(rt->times, rt->cap, rt->n + 1, 64);
	for (; i > 0 && rt->times[i - 1] > t; i--)
		rt->times[i] = rt->times[i - 1];
	rt->times[i] = t;
	rt->n++;
}

void rowtimes_free(struct rowtimes *rt)
{
	free(rt->times);
	*rt = (struct rowtimes){ 0 };
}
