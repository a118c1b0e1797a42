// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <sys/stat.h>
#include "common/calendar.h"
#include "common/shipped.h"
#include "lib/log.h"
#include "sensor/retention.h"

static bool sensor_file(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && !strcmp(name + n - 4, ".csv")) ||
	       (n > 7 && !strcmp(name + n - 7, ".csv.gz"));
}

/*
 * With a ledger of `ship` in the directory, a day goes only when the
 * database holds every one of its files whole: true, or false with the
 * first file it does not in `missing`.
 */
static bool day_shipped(const char *path, const char *day, const struct shipped *ledger,
			char *missing, size_t size)
{
	char file[4460], rel[520];
	struct dirent *e;
	struct stat st;
	bool whole = true;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while (whole && (e = readdir(d))) {
		if (!sensor_file(e->d_name))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		snprintf(rel, sizeof(rel), "%s/%s", day, e->d_name);
		if (stat(file, &st))
			continue;
		if (shipped_bytes(ledger, rel) < (uint64_t)st.st_size) {
			snprintf(missing, size, "%s (%llu of %lld bytes shipped)", rel,
				 (unsigned long long)shipped_bytes(ledger, rel),
				 (long long)st.st_size);
			whole = false;
		}
	}
	closedir(d);
	return whole;
}

/* Remove a day directory of the sensor's files; false if anything else is in it. */
static bool remove_day(const char *path)
{
	char file[4460];
	struct dirent *e;
	bool foreign = false;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!sensor_file(e->d_name)) {
			foreign = true;
			continue;
		}
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		if (unlink(file))
			pr_warn("--keep-days: cannot remove %s: %s", file, strerror(errno));
	}
	closedir(d);
	if (foreign) {
		pr_warn("--keep-days: %s holds files the sensor did not write; it stays", path);
		return false;
	}
	return !rmdir(path);
}

/* Days held for ship at the last prune: said when it changes, not every drain. */
static int held_before;

int retention_prune(const char *dir, unsigned keep_days, int64_t now)
{
	int today = (int)(now / 86400), removed = 0, held = 0;
	char missing[600] = "";
	struct shipped ledger;
	struct dirent *e;
	char path[4200];
	DIR *d;

	if (!keep_days)
		return 0;
	shipped_init(&ledger);
	/* A ledger that cannot be read says nothing was shipped: keep all. */
	if (!shipped_load(dir, &ledger)) {
		shipped_free(&ledger);
		return 0;
	}
	d = opendir(dir);
	if (!d) {
		shipped_free(&ledger);
		return 0;
	}
	while ((e = readdir(d))) {
		int day = parse_day(e->d_name);

		if (day < 0 || day > today - (int)keep_days)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		/* only the first held day's file is named (size 0: none) */
		if (ledger.present &&
		    !day_shipped(path, e->d_name, &ledger, missing, held ? 0 : sizeof(missing))) {
			held++;
			continue;
		}
		if (remove_day(path)) {
			pr_info("--keep-days %u: removed %s", keep_days, path);
			removed++;
		}
	}
	closedir(d);
	shipped_free(&ledger);
	if (held && held != held_before)
		pr_warn("--keep-days %u: %d day director%s kept past it: the database does not "
			"hold %s whole yet (first: %s)", keep_days, held, held == 1 ? "y" : "ies",
			held == 1 ? "it" : "them", missing);
	else if (!held && held_before)
		pr_info("--keep-days %u: the database holds every old day whole again", keep_days);
	held_before = held;
	return removed;
}

bool retention_space_low(const char *dir, double *free_percent)
{
	struct statvfs st;

	if (statvfs(dir, &st) || !st.f_blocks)
		return false;
	*free_percent = 100.0 * (double)st.f_bavail / (double)st.f_blocks;
	return *free_percent < RETENTION_LOW_PERCENT;
}
