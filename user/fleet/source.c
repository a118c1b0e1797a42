// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/alloc.h"
#include "fleet/source.h"

#define CHUNK (256 * 1024)

bool source_open(struct source *s, const char *path, bool gz, char *why, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		snprintf(why, len, "cannot open: %s", strerror(errno));
		return false;
	}
	s->gz = gz;
	return true;
}

void source_start(struct source *s, off_t start, off_t limit)
{
	s->start = s->in_pos = s->inflated = start;
	s->limit = limit;
	s->in_len = s->in_off = s->len = s->off = s->nends = s->scanned = 0;
	s->scan = CSV_SCAN_START;
	s->produced = s->consumed = 0;
	s->eof = s->partial_line = s->partial_member = s->in_member = false;
	if (s->gz) {
		if (s->z_ready)
			inflateReset(&s->z);
		else if (inflateInit2(&s->z, 16 + MAX_WBITS) == Z_OK)
			s->z_ready = true;
	}
}

/* Read up to want bytes of [in_pos, limit) into dst: the count, -1 on error. */
static ssize_t read_some(struct source *s, void *dst, size_t want)
{
	ssize_t n;

	if ((off_t)want > s->limit - s->in_pos)
		want = (size_t)(s->limit - s->in_pos);
	if (!want)
		return 0;
	do
		n = pread(s->fd, dst, want, s->in_pos);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		s->in_pos += n;
	return n;
}

static void room(struct source *s, size_t more)
{
	if (s->off && s->off == s->len) {
		s->off = s->len = 0;
	} else if (s->off > s->cap / 2) {
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->off = 0;
	}
	s->buf = xgrow(s->buf, &s->cap, s->len + more + 1, 1, CHUNK);
}

/* More content into buf: > 0 made some, 0 at the end, -1 on error. */
static int fill_plain(struct source *s, char *why, size_t wlen)
{
	ssize_t n;

	room(s, CHUNK);
	n = read_some(s, s->buf + s->len, CHUNK);
	if (n < 0) {
		snprintf(why, wlen, "cannot read: %s", strerror(errno));
		return -1;
	}
	s->len += (size_t)n;
	s->produced += (uint64_t)n;
	return n > 0;
}

static void note_end(struct source *s)
{
	s->ends = xgrow(s->ends, &s->cap_ends, s->nends + 1, sizeof(*s->ends), 8);
	s->ends[s->nends++] = (struct source_end){ s->produced, s->inflated };
}

static int fill_gz(struct source *s, char *why, size_t wlen)
{
	size_t before = s->len;

	if (!s->z_ready) {
		snprintf(why, wlen, "zlib: out of memory");
		return -1;
	}
	while (s->len == before) {
		int rc;

		if (s->in_off == s->in_len) {
			ssize_t n;

			s->in = s->in ? s->in : xmalloc(CHUNK);
			n = read_some(s, s->in, CHUNK);
			if (n < 0) {
				snprintf(why, wlen, "cannot read: %s", strerror(errno));
				return -1;
			}
			if (n == 0)
				return 0;
			s->in_len = (size_t)n;
			s->in_off = 0;
		}
		room(s, CHUNK);
		s->z.next_in = s->in + s->in_off;
		s->z.avail_in = (uInt)(s->in_len - s->in_off);
		s->z.next_out = (Bytef *)s->buf + s->len;
		s->z.avail_out = CHUNK;
		s->in_member = true;
		rc = inflate(&s->z, Z_NO_FLUSH);
		s->inflated += (off_t)(s->in_len - s->in_off - s->z.avail_in);
		s->in_off = s->in_len - s->z.avail_in;
		s->produced += CHUNK - s->z.avail_out;
		s->len += CHUNK - s->z.avail_out;
		if (rc == Z_STREAM_END) {
			/* a member is complete: the next one starts afresh */
			note_end(s);
			s->in_member = false;
			inflateReset(&s->z);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(why, wlen, "corrupt gzip data near byte %lld: %s",
				 (long long)s->inflated, s->z.msg ? s->z.msg : "inflate failed");
			return -1;
		}
	}
	return 1;
}

int source_next(struct source *s, char **line, size_t *len, bool *safe, off_t *safe_off,
		char *why, size_t wlen)
{
	for (;;) {
		char *p = s->buf + s->off;
		const char *after = s->len > s->off + s->scanned ?
			csv_scan_record(p + s->scanned, s->buf + s->len, &s->scan) : NULL;
		int rc;

		if (after) {
			size_t n = (size_t)(after - 1 - p);

			s->lines = 1 + (unsigned)s->scan.lines;
			s->scan = CSV_SCAN_START;
			s->scanned = 0;
			s->off += n + 1;
			s->consumed += n + 1;
			p[n] = '\0';
			if (n && p[n - 1] == '\r')
				p[--n] = '\0';
			*line = p;
			*len = n;
			*safe = false;
			if (!s->gz) {
				*safe = true;
				*safe_off = s->start + (off_t)s->consumed;
			} else {
				size_t k = 0;

				while (k < s->nends && s->ends[k].content <= s->consumed) {
					if (s->ends[k].content == s->consumed) {
						*safe = true;
						*safe_off = s->ends[k].file;
					}
					k++;
				}
				memmove(s->ends, s->ends + k, (s->nends - k) * sizeof(*s->ends));
				s->nends -= k;
			}
			return 1;
		}
		s->scanned = s->len - s->off;
		if (s->eof)
			return 0;
		if (s->scanned >= SOURCE_MAX_LINE) {
			snprintf(why, wlen, "a record longer than %d bytes", SOURCE_MAX_LINE);
			return -1;
		}
		rc = s->gz ? fill_gz(s, why, wlen) : fill_plain(s, why, wlen);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			s->eof = true;
			s->partial_line = s->len > s->off;
			s->partial_member = s->gz && s->in_member;
		}
	}
}

void source_close(struct source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->z_ready)
		inflateEnd(&s->z);
	free(s->in);
	free(s->buf);
	free(s->ends);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
