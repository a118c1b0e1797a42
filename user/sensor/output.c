// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <zlib.h>
#include "sensor/output.h"
#include "lib/log.h"
#include "common/daypath.h"

static int mkdir_p(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

int output_init(struct output *o, const char *dir, const char *ifname,
		bool gzip)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	if (strlen(dir) > sizeof(o->dir) - 64) {
		pr_err("--out path too long");
		return -1;
	}
	snprintf(o->dir, sizeof(o->dir), "%s", dir);
	snprintf(o->journal, sizeof(o->journal), "%s/.xdp-telescope-%s.journal",
		 dir, ifname);
	o->gzip = gzip;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		pr_err("--out %s is not a directory", dir);
		return -1;
	}
	if (mkdir_p(dir) || access(dir, W_OK)) {
		pr_err("cannot write to --out %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static void series_path(const struct output *o, __u64 since, int s,
			char *buf, size_t len)
{
	char day_dir[4200];

	day_dir_path(day_dir, sizeof(day_dir), o->dir, (int)(since / 86400));
	series_file_path(buf, len, day_dir, (enum series)s, o->gzip);
}

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -1;
	err = fsync(fd);
	close(fd);
	return err;
}

static int write_journal(const struct output *o, __u64 since, int gen,
			 const char paths[S_COUNT][4200], const off_t *sizes,
			 struct strbuf rows[S_COUNT])
{
	char tmp[4300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", o->journal);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "gen %d\nsince %" PRIu64 "\n", gen, (uint64_t)since);
	for (int s = 0; s < S_COUNT; s++)
		if (rows[s].len)
			fprintf(f, "file %lld %s\n", (long long)sizes[s], paths[s]);
	if (fflush(f) || fsync(fileno(f))) {
		fclose(f);
		return -1;
	}
	if (fclose(f) || rename(tmp, o->journal))
		return -1;
	return fsync_path(o->dir, O_RDONLY | O_DIRECTORY);
}

/* Write all of iov[0..n) to fd, however the kernel splits it. */
static int write_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t done = writev(fd, iov, n);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return -1;
		for (; n > 0 && (size_t)done >= iov->iov_len; iov++, n--)
			done -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

/*
 * Append header (for a new file) and rows as one write / one gzip
 * member, straight from the rows' buffer: a copy of a million rows
 * would be 50 MB more to allocate and touch.
 */
static int append_file(const struct output *o, const char *path, int s,
		       off_t size, const struct strbuf *rows)
{
	struct iovec iov[3] = {
		{ (void *)series_header[s], size ? 0 : strlen(series_header[s]) },
		{ "\n", size ? 0 : 1 },
		{ rows->buf, rows->len },
	};
	int err = -1;

	if (o->gzip) {
		gzFile gz = gzopen(path, "ab");

		err = gz ? 0 : -1;
		for (int i = 0; i < 3 && !err; i++)
			if (iov[i].iov_len &&
			    gzwrite(gz, iov[i].iov_base, (unsigned)iov[i].iov_len) !=
				    (int)iov[i].iov_len)
				err = -1;
		if (gz && gzclose(gz) != Z_OK)
			err = -1;
		if (!err)
			err = fsync_path(path, O_RDONLY);
	} else {
		int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0) {
			err = write_all(fd, iov, 3) || fsync(fd) ? -1 : 0;
			close(fd);
		}
	}
	return err;
}

static int cut_back(struct output *o, __u64 since, int gen, bool loud);

int output_append(struct output *o, __u64 since, int gen,
		  struct strbuf rows[S_COUNT])
{
	static char paths[S_COUNT][4200];
	off_t sizes[S_COUNT] = { 0 };
	struct stat st;
	char day_dir[4200], *slash;

	o->error[0] = '\0';
	for (int s = 0; s < S_COUNT; s++) {
		series_path(o, since, s, paths[s], sizeof(paths[s]));
		sizes[s] = stat(paths[s], &st) == 0 ? st.st_size : 0;
	}
	snprintf(day_dir, sizeof(day_dir), "%s", paths[0]);
	slash = strrchr(day_dir, '/');
	*slash = '\0';
	if (mkdir_p(day_dir)) {
		snprintf(o->error, sizeof(o->error), "cannot create %s: %s", day_dir,
			 strerror(errno));
		return -1;
	}
	if (write_journal(o, since, gen, (const char (*)[4200])paths, sizes,
			  rows)) {
		snprintf(o->error, sizeof(o->error), "cannot write the journal %s: %s",
			 o->journal, strerror(errno));
		return -1;
	}
	for (int s = 0; s < S_COUNT; s++) {
		if (!rows[s].len)
			continue;
		if (append_file(o, paths[s], s, sizes[s], &rows[s])) {
			snprintf(o->error, sizeof(o->error), "cannot write %.4199s: %s",
				 paths[s], strerror(errno));
			/* quietly: while the output stays broken this runs every interval */
			cut_back(o, since, gen, false);
			return -1;
		}
	}
	fsync_path(day_dir, O_RDONLY | O_DIRECTORY);
	return 0;
}

void output_done(struct output *o)
{
	unlink(o->journal);
}

/* Cut every file the journal of (since, gen) names back to its size. */
static int cut_back(struct output *o, __u64 since, int gen, bool loud)
{
	char line[4400], path[4200];
	unsigned long long jsince = 0;
	long long size;
	int jgen = -1, err = 0, ours = 0;
	FILE *f = fopen(o->journal, "r");

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "gen %d", &jgen) == 1 ||
		    sscanf(line, "since %llu", &jsince) == 1)
			continue;
		ours = jgen == gen && jsince == since;
		if (!ours)
			break; /* a journal of another drain: nothing of ours */
		if (sscanf(line, "file %lld %4199[^\n]", &size, path) == 2) {
			/* ENOTDIR: the day is a file, so this file never existed */
			if (truncate(path, size) && errno != ENOENT && errno != ENOTDIR) {
				pr_err("cannot roll back %s: %s", path,
				       strerror(errno));
				err = -1;
			} else if (loud) {
				pr_info("rolled back %s to %lld bytes (interrupted drain)",
					path, size);
			}
		}
	}
	fclose(f);
	if (ours && !err)
		unlink(o->journal);
	return err;
}

int output_rollback(struct output *o, __u64 since, int gen)
{
	return cut_back(o, since, gen, true);
}
