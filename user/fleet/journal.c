// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/alloc.h"
#include "fleet/journal.h"

/* The last two components of path: the day directory and the file. */
static const char *day_and_name(const char *path)
{
	const char *end = path + strlen(path), *p = end;
	int slashes = 0;

	while (p > path) {
		if (p[-1] == '/' && ++slashes == 2)
			break;
		p--;
	}
	return p;
}

static bool read_one(const char *path, struct journals *j, char *why, size_t len)
{
	char line[4400], file[4200];
	long long size;
	FILE *f = fopen(path, "r");
	int lineno = 0;

	if (!f) {
		if (errno == ENOENT)
			return true;	/* the drain ended meanwhile */
		snprintf(why, len, "%.300s: cannot read: %s", path, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strncmp(line, "gen ", 4) || !strncmp(line, "since ", 6))
			continue;
		if (sscanf(line, "file %lld %4199[^\n]", &size, file) != 2 || size < 0) {
			snprintf(why, len, "%.300s:%d: not a line of a drain journal", path, lineno);
			fclose(f);
			return false;
		}
		j->v = xgrow(j->v, &j->cap, j->n + 1, sizeof(*j->v), 8);
		snprintf(j->v[j->n].rel, sizeof(j->v[j->n].rel), "%.47s", day_and_name(file));
		j->v[j->n].size = (off_t)size;
		j->n++;
	}
	fclose(f);
	return true;
}

/* dir's time: a journal appears by rename and goes by unlink in dir */
static bool dir_stamp(const char *dir, struct timespec *ts)
{
	struct stat st;

	if (stat(dir, &st))
		return false;
	*ts = st.st_mtim;
	return true;
}

bool journals_read(const char *dir, struct journals *j, char *why, size_t len)
{
	struct dirent *e;
	char path[4400];
	bool ok = true;
	DIR *d;

	j->n = 0;
	j->dir = dir;
	if (!dir_stamp(dir, &j->stamp)) {
		snprintf(why, len, "cannot read its output directory %.300s", dir);
		return false;
	}
	d = opendir(dir);
	if (!d) {
		snprintf(why, len, "%.300s: cannot read: %s", dir, strerror(errno));
		return false;
	}
	while (ok && (e = readdir(d)))
		if (!fnmatch(".xdp-telescope-*.journal", e->d_name, FNM_PERIOD)) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			ok = read_one(path, j, why, len);
		}
	closedir(d);
	return ok;
}

off_t journals_limit(const struct journals *j, const char *rel)
{
	off_t limit = -1;

	/* two loaders on one directory: the smaller size binds */
	for (size_t i = 0; i < j->n; i++)
		if (!strcmp(j->v[i].rel, rel) && (limit < 0 || j->v[i].size < limit))
			limit = j->v[i].size;
	return limit;
}

void journals_free(struct journals *j)
{
	free(j->v);
	memset(j, 0, sizeof(*j));
}

bool journals_current(const struct journals *j)
{
	struct timespec now;

	return dir_stamp(j->dir, &now) && now.tv_sec == j->stamp.tv_sec &&
	       now.tv_nsec == j->stamp.tv_nsec;
}
