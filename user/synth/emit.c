// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "common/calendar.h"
#include "common/contract.h"
#include "lib/csv.h"
#include "synth/emit.h"
#include "synth/world.h"

/* Per-interval sums: a row of one of the files. Each flow is one source
 * (the model draws a fresh one per flow), so sources = flows. */
struct agg {
	uint8_t proto;
	uint16_t port;
	int country;
	uint64_t packets, bytes, mirai;
	int nips;
};

static struct agg *find_agg(struct agg *v, int *n, int max, uint8_t proto, uint16_t port,
			    int country)
{
	for (int i = 0; i < *n; i++)
		if (v[i].proto == proto && v[i].port == port && v[i].country == country)
			return &v[i];
	if (*n == max)
		return NULL;
	memset(&v[*n], 0, sizeof(v[*n]));
	v[*n].proto = proto;
	v[*n].port = port;
	v[*n].country = country;
	return &v[(*n)++];
}

static void ip_text(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

/* A tags.csv row: (tag, protocol, port, country). */
struct tag_agg {
	int tag;
	uint8_t proto;
	uint16_t port;
	int country;
	uint64_t packets;
	int nips;
};

static struct tag_agg *find_tag_agg(struct tag_agg *v, int *n, int max, int tag,
				    const struct flow *f)
{
	for (int i = 0; i < *n; i++)
		if (v[i].tag == tag && v[i].proto == f->proto && v[i].port == f->port &&
		    v[i].country == f->country)
			return &v[i];
	if (*n == max)
		return NULL;
	v[*n] = (struct tag_agg){ tag, f->proto, f->port, f->country, 0, 0 };
	return &v[(*n)++];
}

#define MAX_AGG 1024

void emit_interval(const struct synth_opts *o, int s, int64_t t, const struct flow *flows,
			  int n, struct synth_sink *sink, synth_row_fn emit)
{
	static __thread struct agg port_rows[MAX_AGG], country_rows[MAX_AGG], pc_rows[MAX_AGG];
	static __thread struct tag_agg tag_rows[MAX_AGG];
	struct agg total = { 0 };
	int np = 0, nc = 0, npc = 0, ntag = 0, top[3] = { -1, -1, -1 };
	uint64_t bs_packets = 0, tagged = 0;
	char when[21], sensor[32], proto[4], ip[20], cc[3];
	struct strbuf sb;
	struct csv_row row;

	snprintf(sensor, sizeof(sensor), "sensor-%02d", s + 1);
	format_time(t, when);
	sb_init(&sb);
	for (int i = 0; i < n; i++) {
		const struct flow *f = &flows[i];
		struct agg *a;

		total.packets += f->packets;
		total.bytes += f->bytes;
		total.mirai += f->mirai;
		total.nips++;
		if (f->victim >= 0)
			bs_packets += f->packets;
		if ((a = find_agg(port_rows, &np, MAX_AGG, f->proto, f->port, -1))) {
			a->packets += f->packets;
			a->bytes += f->bytes;
			a->mirai += f->mirai;
			a->nips++;
		}
		if ((a = find_agg(country_rows, &nc, MAX_AGG, 0, 0, f->country))) {
			a->packets += f->packets;
			a->nips++;
		}
		if ((a = find_agg(pc_rows, &npc, MAX_AGG, f->proto, f->port, f->country))) {
			a->packets += f->packets;
			a->mirai += f->mirai;
			a->nips++;
		}
		if (f->tags)
			tagged += f->packets;
		for (int b = 0; b < NTAGS; b++) {
			struct tag_agg *ta;

			if ((f->tags & TAG(b)) &&
			    (ta = find_tag_agg(tag_rows, &ntag, MAX_AGG, b, f))) {
				ta->packets += f->packets;
				ta->nips++;
			}
		}
		if (f->victim < 0) {
			for (int k = 0; k < 3; k++)
				if (top[k] < 0 || flows[top[k]].packets < f->packets) {
					memmove(&top[k + 1], &top[k], (size_t)(2 - k) * sizeof(int));
					top[k] = i;
					break;
				}
		}
	}
	csv_begin(&row, &sb);
#define ROW_DONE(file) do { csv_end(&row); emit(sink, file, sb.buf, sb.len); sb_reset(&sb); } while (0)
	csv_raw(&row, when); csv_raw(&row, sensor);
	csv_u64(&row, total.packets); csv_u64(&row, total.bytes); csv_u64(&row, (uint64_t)total.nips);
	for (int z = 0; z < 3; z++)
		csv_u64(&row, 0);	/* malformed, non_ip, overflow */
	csv_u64(&row, 0);		/* fragments */
	csv_u64(&row, total.mirai); csv_u64(&row, bs_packets);
	csv_u64(&row, 0); csv_u64(&row, 0);	/* bs_overflow, quote_mismatch */
	csv_u64(&row, tagged); csv_u64(&row, 0);	/* tag_overflow */
	csv_u64(&row, (uint64_t)o->interval);	/* seconds: synth has no outages */
	ROW_DONE(S_TOTALS);
	for (int i = 0; i < np; i++) {
		const struct agg *a = &port_rows[i];

		csv_raw(&row, when); csv_raw(&row, sensor);
		csv_raw(&row, proto_name(a->proto, proto));
		csv_u64(&row, a->port); csv_u64(&row, a->packets); csv_u64(&row, a->bytes);
		csv_u64(&row, (uint64_t)a->nips); csv_u64(&row, a->mirai);
		ROW_DONE(S_PORTS);
	}
	for (int i = 0; i < nc; i++) {
		const struct agg *a = &country_rows[i];

		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, countries[a->country].cc);
		csv_u64(&row, a->packets); csv_u64(&row, (uint64_t)a->nips);
		ROW_DONE(S_COUNTRIES);
	}
	for (int i = 0; i < npc; i++) {
		const struct agg *a = &pc_rows[i];

		csv_raw(&row, when); csv_raw(&row, sensor);
		csv_raw(&row, proto_name(a->proto, proto));
		csv_u64(&row, a->port); csv_raw(&row, countries[a->country].cc);
		csv_u64(&row, a->packets); csv_u64(&row, (uint64_t)a->nips); csv_u64(&row, a->mirai);
		ROW_DONE(S_PORT_COUNTRIES);
	}
	/* One row per address, as the sensor writes it: two of the top flows
	 * may come from one address (a scanner's and a random one). */
	for (int k = 0; k < 3 && top[k] >= 0; k++) {
		const struct flow *f = &flows[top[k]];
		uint64_t packets = 0, bytes = 0;
		bool seen = false;

		for (int j = 0; j < 3 && top[j] >= 0; j++)
			if (flows[top[j]].ip == f->ip) {
				seen |= j < k;
				packets += flows[top[j]].packets;
				bytes += flows[top[j]].bytes;
			}
		if (seen)
			continue;
		ip_text(f->ip, ip, sizeof(ip));
		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, ip);
		csv_raw(&row, countries[f->country].cc);
		csv_u64(&row, f->country == SYNTH_NCOUNTRIES - 1 ? 0 : 64496 + (uint64_t)f->country);
		csv_u64(&row, packets); csv_u64(&row, bytes);
		csv_text(&row, countries[f->country].org);
		ROW_DONE(S_SOURCES);
	}
	/* One row per victim (its address, port and kind are the victim's):
	 * a victim drawn twice in an interval is one row of both counts. */
	for (int i = 0; i < n; i++) {
		const struct flow *f = &flows[i];
		uint64_t packets = 0;
		bool seen = false;
		struct victim v;

		if (f->victim < 0)
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = flows[j].victim == f->victim;
		if (seen)
			continue;
		for (int j = i; j < n; j++)
			if (flows[j].victim == f->victim)
				packets += flows[j].packets;
		victim(o->seed, f->victim, &v);
		ip_text(f->ip, ip, sizeof(ip));
		snprintf(cc, sizeof(cc), "%s", countries[v.country].cc);
		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, ip); csv_raw(&row, cc);
		csv_u64(&row, v.asn); csv_raw(&row, proto_name(v.proto, proto));
		csv_u64(&row, v.src_port); csv_raw(&row, bs_kind_name(v.kind)); csv_u64(&row, packets);
		csv_text(&row, v.org);
		ROW_DONE(S_BACKSCATTER);
	}
	for (int i = 0; i < ntag; i++) {
		const struct tag_agg *a = &tag_rows[i];

		csv_raw(&row, when); csv_raw(&row, sensor); csv_text(&row, tag_name(a->tag));
		csv_raw(&row, proto_name(a->proto, proto));
		csv_u64(&row, a->port); csv_raw(&row, countries[a->country].cc);
		csv_u64(&row, a->packets); csv_u64(&row, (uint64_t)a->nips);
		ROW_DONE(S_TAGS);
	}
#undef ROW_DONE
	sb_free(&sb);
}
