// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include "common/calendar.h"
#include "lib/log.h"
#include "sensor/retention.h"

static bool sensor_file(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && !strcmp(name + n - 4, ".csv")) ||
	       (n > 7 && !strcmp(name + n - 7, ".csv.gz"));
}

/* Remove a day directory of the sensor's files; false if anything else is in it. */
static bool remove_day(const char *path)
{
	char file[4400];
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

int retention_prune(const char *dir, unsigned keep_days, int64_t now)
{
	int today = (int)(now / 86400), removed = 0;
	struct dirent *e;
	char path[4200];
	DIR *d;

	if (!keep_days)
		return 0;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		int day = parse_day(e->d_name);

		if (day < 0 || day > today - (int)keep_days)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (remove_day(path)) {
			pr_info("--keep-days %u: removed %s", keep_days, path);
			removed++;
		}
	}
	closedir(d);
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
