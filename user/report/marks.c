// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Duplicates are found where they are cheap to find: the totals file has
 * one row per (sensor, time), so a second one is a repetition, and every
 * other file's rows of that (sensor, time) in the same directory are
 * repetitions too. The totals times of a sensor arrive in order nearly
 * always, so they are kept as one sorted array each, appended to at the
 * end (8 bytes a row); only a time out of order costs a binary search.
 */
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "report/marks.h"

#define DIR_BITS 24
#define DIR_MASK ((UINT64_C(1) << DIR_BITS) - 1)

void marks_init(struct marks *m, size_t ndirs)
{
	memset(m, 0, sizeof(*m));
	m->dirs = xcalloc(ndirs + 1, sizeof(*m->dirs));
	m->ndirs = ndirs;
	m->last = -1;
	hmap_init_strings(&m->sensors, sizeof(int));
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->published_cond, NULL);
}

void marks_free(struct marks *m)
{
	for (size_t d = 0; d < m->ndirs; d++) {
		for (size_t i = 0; i < m->dirs[d].n; i++)
			free(m->dirs[d].v[i].sensor);
		free(m->dirs[d].v);
	}
	free(m->dirs);
	for (size_t i = 0; i < m->nseen; i++)
		free(m->seen[i].v);
	free(m->seen);
	hmap_free(&m->sensors);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->published_cond);
}

static struct seen_times *seen_of(struct marks *m, const char *sensor)
{
	int *slot;

	if (m->last >= 0 && !strcmp(hmap_string(&m->sensors, (size_t)m->last), sensor))
		return &m->seen[m->last];
	slot = hmap_upsert(&m->sensors, sensor);
	if (!*slot) {
		XGROW(m->seen, m->cap_seen, m->nseen + 1, 16);
		memset(&m->seen[m->nseen], 0, sizeof(m->seen[0]));
		*slot = (int)++m->nseen;
	}
	m->last = *slot - 1;
	return &m->seen[m->last];
}

long marks_totals_row(struct marks *m, size_t dir, const char *sensor, int64_t t)
{
	struct seen_times *s = seen_of(m, sensor);
	uint64_t key = (uint64_t)t << DIR_BITS | (dir & DIR_MASK);
	size_t lo = 0, hi = s->n;

	if (s->n && (int64_t)(s->v[s->n - 1] >> DIR_BITS) >= t) {
		while (lo < hi) {	/* the first time >= t */
			size_t mid = lo + (hi - lo) / 2;

			if ((int64_t)(s->v[mid] >> DIR_BITS) < t)
				lo = mid + 1;
			else
				hi = mid;
		}
		if ((int64_t)(s->v[lo] >> DIR_BITS) == t)
			return (long)(s->v[lo] & DIR_MASK);
	} else {
		lo = s->n;
	}
	XGROW(s->v, s->cap, s->n + 1, 256);
	memmove(s->v + lo + 1, s->v + lo, (s->n - lo) * sizeof(*s->v));
	s->v[lo] = key;
	s->n++;
	return -1;
}

void marks_add(struct marks *m, size_t dir, const char *sensor, int64_t t,
	       enum mark_kind kind, uint32_t seconds)
{
	struct dir_marks *dm = &m->dirs[dir];

	XGROW(dm->v, dm->cap, dm->n + 1, 16);
	dm->v[dm->n++] = (struct row_mark){ t, xstrdup(sensor), seconds, (uint8_t)kind };
	dm->has_dup_here |= kind == MARK_DUP_HERE;
	if (kind == MARK_SPAN && (t + seconds - 1) / 86400 + 1 > dm->span_end_day)
		dm->span_end_day = (int)((t + seconds - 1) / 86400 + 1);
}

static int cmp_mark(const void *a, const void *b)
{
	const struct row_mark *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return strcmp(x->sensor, y->sensor);
}

void marks_publish(struct marks *m, size_t dir)
{
	struct dir_marks *dm = &m->dirs[dir];
	size_t k = 0;

	/* One mark per (sensor, t): a late interval repeated in its own file
	 * is both a span and a repetition. */
	if (dm->n)
		qsort(dm->v, dm->n, sizeof(*dm->v), cmp_mark);
	for (size_t i = 0; i < dm->n; i++) {
		if (k && !cmp_mark(&dm->v[k - 1], &dm->v[i])) {
			dm->v[k - 1].kind |= dm->v[i].kind;
			if (dm->v[i].seconds > dm->v[k - 1].seconds)
				dm->v[k - 1].seconds = dm->v[i].seconds;
			free(dm->v[i].sensor);
			continue;
		}
		dm->v[k++] = dm->v[i];
	}
	dm->n = k;
	pthread_mutex_lock(&m->lock);
	if (dir + 1 > m->published)
		m->published = dir + 1;
	pthread_cond_broadcast(&m->published_cond);
	pthread_mutex_unlock(&m->lock);
}

void marks_wait(struct marks *m, size_t dir)
{
	pthread_mutex_lock(&m->lock);
	while (m->published <= dir)
		pthread_cond_wait(&m->published_cond, &m->lock);
	pthread_mutex_unlock(&m->lock);
}

void mark_filter_init(struct mark_filter *f)
{
	f->dm = NULL;
	f->closed = NULL;
	hmap_init_strings(&f->current, sizeof(int64_t));
}

void mark_filter_file(struct mark_filter *f, const struct dir_marks *dm)
{
	f->dm = dm;
	if (f->current.len) {
		hmap_free(&f->current);
		hmap_init_strings(&f->current, sizeof(int64_t));
	}
	free(f->closed);
	f->closed = dm && dm->has_dup_here ? xcalloc(dm->n, sizeof(bool)) : NULL;
}

void mark_filter_free(struct mark_filter *f)
{
	hmap_free(&f->current);
	free(f->closed);
	f->closed = NULL;
}

/* The index of the mark of (sensor, t), or -1. */
static long find_mark(const struct dir_marks *dm, const char *sensor, int64_t t)
{
	size_t lo = 0, hi = dm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct row_mark *k = &dm->v[mid];
		int c = k->t != t ? (k->t < t ? -1 : 1) : strcmp(k->sensor, sensor);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

bool mark_filter_slow(struct mark_filter *f, const char *sensor, int64_t t,
		      uint32_t *seconds)
{
	long i = find_mark(f->dm, sensor, t);
	const struct row_mark *k;

	if (f->closed) {
		int created;
		int64_t *current = hmap_insert(&f->current, sensor, &created);

		if (!created && *current != t) {
			long done = find_mark(f->dm, sensor, *current);

			if (done >= 0)
				f->closed[done] = true;
		}
		*current = t;
	}
	if (i < 0)
		return true;
	k = &f->dm->v[i];
	if ((k->kind & MARK_DUP_ELSEWHERE) || ((k->kind & MARK_DUP_HERE) && f->closed[i]))
		return false;
	if (k->kind & MARK_SPAN)
		*seconds = k->seconds;
	return true;
}
