// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/alloc.h"
#include "common/calendar.h"
#include "common/daypath.h"
#include "fleet/scan.h"

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static int cmp_file(const void *a, const void *b)
{
	const struct ship_file *x = a, *y = b;

	if (x->series != y->series)
		return x->series < y->series ? -1 : 1;
	return (int)x->gz - (int)y->gz;
}

/* The series files of one day directory. */
static void day_files(struct ship_day *d, const char *ymd)
{
	size_t cap = 0;

	for (int s = 0; s < S_COUNT; s++)
		for (int gz = 0; gz < 2; gz++) {
			char path[4200];
			struct stat st;
			struct ship_file *f;

			if (!series_file_path(path, sizeof(path), d->dir, (enum series)s, gz) ||
			    stat(path, &st) || !S_ISREG(st.st_mode))
				continue;
			XGROW(d->files, cap, d->nfiles + 1, 8);
			f = &d->files[d->nfiles++];
			*f = (struct ship_file){ .path = xstrdup(path), .series = (enum series)s,
						 .gz = gz, .size = st.st_size,
						 .mtime = st.st_mtim };
			series_file_path(f->rel, sizeof(f->rel), ymd, (enum series)s, gz);
		}
	qsort(d->files, d->nfiles, sizeof(*d->files), cmp_file);
}

static int cmp_day(const void *a, const void *b)
{
	const struct ship_day *x = a, *y = b;

	return x->day < y->day ? -1 : x->day > y->day;
}

/* The day directories of out, an output directory; how many. */
static int out_days(struct ship_scan *sc, const char *out)
{
	DIR *d = opendir(out);
	struct dirent *e;
	size_t first = sc->n;
	const char *kept;

	if (!d)
		return -1;
	sc->outs = xgrow(sc->outs, &sc->cap_outs, sc->nouts + 1, sizeof(*sc->outs), 8);
	kept = sc->outs[sc->nouts++] = xstrdup(out);
	while ((e = readdir(d))) {
		int day = parse_day(e->d_name);
		struct ship_day *sd;
		char *path;

		if (day < 0 || strlen(e->d_name) != 10)
			continue;
		path = xasprintf("%s/%s", out, e->d_name);
		if (!is_dir(path)) {
			free(path);
			continue;
		}
		XGROW(sc->days, sc->cap, sc->n + 1, 64);
		sd = &sc->days[sc->n++];
		*sd = (struct ship_day){ .out = kept, .dir = path, .day = day };
		day_files(sd, e->d_name);
	}
	closedir(d);
	qsort(sc->days + first, sc->n - first, sizeof(*sc->days), cmp_day);
	return (int)(sc->n - first);
}

bool scan_add(struct ship_scan *sc, const char *dir, char *why, size_t len)
{
	struct dirent **names;
	int found = out_days(sc, dir), n;

	if (found < 0) {
		snprintf(why, len, "cannot read %.300s: %s", dir, strerror(errno));
		return false;
	}
	if (found > 0)
		return true;
	/* no day directory: a directory of sensors' output directories */
	n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char *sub = xasprintf("%s/%s", dir, names[i]->d_name);

			if (is_dir(sub) && out_days(sc, sub) > 0)
				found++;
			free(sub);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	if (!found)
		snprintf(why, len, "%.300s holds no YYYY-MM-DD directory", dir);
	return found > 0;
}

void scan_free(struct ship_scan *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		for (size_t f = 0; f < sc->days[i].nfiles; f++)
			free(sc->days[i].files[f].path);
		free(sc->days[i].files);
		free(sc->days[i].dir);
	}
	for (size_t i = 0; i < sc->nouts; i++)
		free(sc->outs[i]);
	free(sc->days);
	free(sc->outs);
	memset(sc, 0, sizeof(*sc));
}
