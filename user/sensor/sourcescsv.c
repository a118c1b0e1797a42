// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sources.csv rows without the field-by-field CSV calls: a million rows
 * made of the same prefix, an address, three numbers and an org name
 * already escaped (each org once) cost a tenth of what a dozen appends a
 * row do. The bytes are those of the csv_* functions (lib/csv.h).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/csv.h"
#include "sensor/sourcescsv.h"
#include "telescope.h"

size_t addr_text(const __u8 *addr, __u8 family, char *buf)
{
	char *p = buf;

	if (family != TS_FAMILY_IPV4) {
		inet_ntop(AF_INET6, addr, buf, INET6_ADDRSTRLEN);
		return strlen(buf);
	}
	/* dotted quad by hand: inet_ntop's printf is most of a drain's cost */
	for (int i = 0; i < 4; i++) {
		unsigned v = addr[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	return (size_t)(p - buf - 1);
}

/* v in decimal at p, then `after`; the end. */
static char *put_u64(char *p, __u64 v, char after)
{
	char digits[20], *d = digits + sizeof(digits);
	size_t n;

	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	n = (size_t)(digits + sizeof(digits) - d);
	memcpy(p, d, n);
	p[n] = after;
	return p + n + 1;
}

static void *write_rows(void *arg)
{
	const struct source_rows *w = arg;
	/* prefix, address, country, three numbers, org, separators */
	size_t cap = w->prefix.len + INET6_ADDRSTRLEN + 4 + 3 * 21 + w->org_max + 8;
	char *row = xmalloc(cap);

	memcpy(row, w->prefix.buf, w->prefix.len);
	/* room for rows of the usual length at once: growing a buffer of
	 * tens of MB by doubling copies it over and over */
	if (w->to > w->from)
		w->sb->buf = xgrow(w->sb->buf, &w->sb->cap,
				   w->sb->len + (w->to - w->from) * (w->prefix.len + 40) + 1,
				   1, 256);
	for (size_t i = w->from; i < w->to; i++) {
		const struct src_key *k = hmap_key(&w->t->sources, i);
		const struct src_val *s = source_val(w->t, i);
		const char *org = w->orgs[s->org];
		char *p = row + w->prefix.len;
		size_t n;

		if (!s->packets)
			continue; /* no flow: only seen through backscatter or a tag */
		p += addr_text(k->addr, k->family, p);
		*p++ = ',';
		n = strlen(s->country);
		memcpy(p, s->country, n);
		p += n;
		*p++ = ',';
		p = put_u64(p, s->asn, ',');
		p = put_u64(p, s->packets, ',');
		p = put_u64(p, s->bytes, ',');
		n = strlen(org);
		memcpy(p, org, n);
		p += n;
		*p++ = '\n';
		sb_append(w->sb, row, (size_t)(p - row));
	}
	free(row);
	return NULL;
}

void source_rows_start(struct source_rows_job *j, const struct source_table *t,
		       size_t n, const char *time, const char *sensor, struct strbuf *out)
{
	struct source_rows *w = &j->first;
	struct csv_row r;

	memset(j, 0, sizeof(*j));
	w->t = t;
	sb_init(&w->prefix);
	csv_begin(&r, &w->prefix);
	csv_raw(&r, time);
	csv_text(&r, sensor);
	sb_append(&w->prefix, ",", 1);
	w->orgs = xcalloc(t->orgs.len, sizeof(*w->orgs));
	for (size_t i = 0; i < t->orgs.len; i++) {
		const struct org_key *o = hmap_key(&t->orgs, i);
		struct strbuf e;
		size_t len;

		sb_init(&e);
		csv_escape(&e, o->name);
		len = e.len;
		w->orgs[i] = e.buf ? e.buf : xstrdup("");
		if (len > w->org_max)
			w->org_max = len;
	}
	j->rest = *w;
	sb_init(&j->rest_sb);
	/* the second thread takes the first part, this one the rest after its other series */
	w->to = n * 3 / 4;
	w->sb = out;
	j->rest.from = w->to;
	j->rest.to = n;
	if (n >= 65536) /* the rest goes after the first part */
		out->buf = xgrow(out->buf, &out->cap, out->len + n * (w->prefix.len + 40) + 1,
				 1, 256);
	j->threaded = n >= 65536 && !pthread_create(&j->tid, NULL, write_rows, w);
	if (!j->threaded) {
		j->rest.from = 0;
		j->rest.sb = out;
	} else {
		j->rest.sb = &j->rest_sb;
	}
}

void source_rows_finish(struct source_rows_job *j)
{
	write_rows(&j->rest);
	if (j->threaded) {
		pthread_join(j->tid, NULL);
		sb_append(j->first.sb, j->rest_sb.buf, j->rest_sb.len);
	}
	for (size_t i = 0; i < j->first.t->orgs.len; i++)
		free(j->first.orgs[i]);
	free(j->first.orgs);
	sb_free(&j->first.prefix);
	sb_free(&j->rest_sb);
}
