// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The synthetic traffic model: each day's weights of ports and countries
 * (with the injected events), and each interval's flows (scanning,
 * tagged scanners, backscatter), which emit.c turns into rows. Every draw
 * comes from synth/rng.h, seeded per sensor, day and interval.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "telescope.h"
#include "common/calendar.h"
#include "common/contract.h"
#include "synth/emit.h"
#include "synth/rng.h"
#include "synth/world.h"

/* Draws only the model needs (rng.h has those the world shares). */
static double rng_normal(struct rng *r)
{
	double u = rng_uniform(r), v = rng_uniform(r);

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static int rng_poisson(struct rng *r, double lambda)
{
	if (lambda > 30) {
		double x = lambda + sqrt(lambda) * rng_normal(r);

		return x < 0 ? 0 : (int)lround(x);
	}
	double l = exp(-lambda), p = 1;
	int k = 0;

	do {
		k++;
		p *= rng_uniform(r);
	} while (p > l);
	return k - 1;
}

struct port_w {
	uint8_t proto;
	uint16_t port;
	double weight;
	double mirai;	/* share of flows that are Mirai-type */
};

static const struct port_w ports[] = {
	{ 6, 23, 22, 0.9 }, { 6, 6379, 7, 0 }, { 6, 22, 7, 0.3 }, { 6, 80, 6, 0.05 },
	{ 6, 445, 6, 0 }, { 6, 5555, 3, 0.5 }, { 6, 8080, 2.5, 0.1 }, { 6, 3389, 2.5, 0 },
	{ 6, 443, 2, 0 }, { 6, 81, 1.5, 0.3 }, { 6, 2323, 1.2, 0.85 }, { 6, 37215, 1, 1 },
	{ 6, 52869, 0.6, 1 }, { 6, 1433, 0.4, 0 }, { 6, 8443, 0.8, 0 }, { 17, 5060, 1, 0 },
	{ 17, 53, 0.8, 0 }, { 17, 123, 0.5, 0 }, { 17, 1900, 0.4, 0 }, { 17, 161, 0.3, 0 },
	{ 1, 8, 2, 0 }, { 6, 3306, 0.8, 0 }, { 6, 21, 0.6, 0 }, { 6, 25, 0.5, 0 },
	{ 6, 8291, 0.6, 0 }, { 6, 7547, 0.7, 0.2 }, { 6, 5900, 0.5, 0 }, { 6, 9200, 0.3, 0 },
	{ 17, 11211, 0.2, 0 },
	{ 0, 0, 15, 0 },	/* the tail: a random high port */
};
#define NPORTS (int)(sizeof(ports) / sizeof(ports[0]))
#define PORT_1433 13
#define PORT_1900 18

/* Where 1433/tcp scanning comes from once it starts (seed 004). */
static const struct { const char *cc; double share; } mssql_mix[] = {
	{ "CN", 0.5 }, { "US", 0.12 }, { "IN", 0.08 }, { "VN", 0.08 }, { "RU", 0.06 },
	{ "JP", 0.04 },
};

/*
 * Scanners recognised by their packets (ZMap, Masscan) or by an announced
 * address list (a research scanner that uses ZMap, so its packets carry
 * two tags): a few sources, each at most one flow an interval, sweeping
 * popular TCP ports evenly across the fleet.
 */
struct scanner {
	const char *cc;
	uint32_t first_ip;
	int nsources;
	unsigned tags;
	double random_ports;	/* share of flows to a random high port */
};

#define IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const struct scanner scanners[] = {
	{ "NL", IPV4(198, 51, 100, 130), 4, TAG(TAG_RESEARCH) | TAG(TAG_ZMAP), 0 },
	{ "US", IPV4(203, 0, 113, 20), 3, TAG(TAG_ZMAP), 0 },
	{ "CN", IPV4(198, 19, 250, 10), 2, TAG(TAG_MASSCAN), 0.5 },
	{ "RU", IPV4(198, 19, 250, 20), 1, TAG(TAG_MASSCAN), 0.5 },
};
#define NSCANNERS (int)(sizeof(scanners) / sizeof(scanners[0]))

static const uint16_t sweep_ports[] = {
	80, 443, 22, 8080, 3389, 445, 23, 6379, 5555, 8443, 21, 25, 3306, 5900,
};
#define NSWEEP (sizeof(sweep_ports) / sizeof(sweep_ports[0]))

/* A scanner source's chance of a flow in an interval, per regular flow
 * expected: about 4 % of all flows come from the scanners above. */
#define SCANNER_SHARE 0.004

struct day_model {
	double port_cum[NPORTS];
	double country_cum[SYNTH_NCOUNTRIES];
	bool shift;		/* 1433/tcp at its new level */
	bool local_spike;	/* this sensor, 1900/udp */
	int bs_from, bs_to;	/* burst victims active today: [from, to) */
	int attacked[VICTIMS_GENERAL];	/* general victims under attack today */
	int nattacked;
	int64_t gap_from, gap_to;	/* this sensor writes nothing in [from, to) */
};

static int pick(const double *cum, int n, double u)
{
	double x = u * cum[n - 1];
	int i = 0;

	while (i < n - 1 && cum[i] <= x)
		i++;
	return i;
}

static int64_t ceil_to(int64_t t, int interval)
{
	return (t + interval - 1) / interval * interval;
}

static void day_model(const struct synth_opts *o, int s, int day, struct day_model *m)
{
	int rel = day - o->from, ndays = o->to - o->from + 1;
	double sum = 0;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < NPORTS; i++) {
		struct rng r = rng_for(o->seed, 0xD0, (uint64_t)day, (uint64_t)i);
		double w = ports[i].weight * exp(0.08 * rng_normal(&r));

		if (o->events && i == PORT_1433 && rel >= SYN_SHIFT_DAY && ndays >= SYN_SHIFT_DAY + 21) {
			w = 8.0 * exp(0.08 * rng_normal(&r));
			m->shift = true;
		}
		sum += w;
		m->port_cum[i] = sum;
	}
	sum = 0;
	for (int i = 0; i < SYNTH_NCOUNTRIES; i++) {
		struct rng r = rng_for(o->seed, 0xC0, (uint64_t)day, (uint64_t)i);
		double w = countries[i].weight * exp(0.08 * rng_normal(&r));

		if (o->events && !strcmp(countries[i].cc, "IR") && ndays >= SYN_DROP_DAY + 10 &&
		    rel >= SYN_DROP_DAY && rel < SYN_DROP_DAY + SYN_DROP_DAYS)
			w *= 0.03;
		if (o->events && !strcmp(countries[i].cc, "RO") && ndays >= SYN_SPIKE_DAY + 10 &&
		    rel >= SYN_SPIKE_DAY && rel < SYN_SPIKE_DAY + SYN_SPIKE_DAYS)
			w *= 3.5;
		sum += w;
		m->country_cum[i] = sum;
	}
	m->local_spike = o->events && s == 2 && o->sensors >= 3 && ndays >= SYN_LOCAL_DAY + 10 &&
			 rel >= SYN_LOCAL_DAY && rel < SYN_LOCAL_DAY + SYN_LOCAL_DAYS;
	for (int i = 0; i < VICTIMS_GENERAL; i++) {
		struct rng r = rng_for(o->seed, 0xA7, (uint64_t)day, (uint64_t)i);

		if (rng_uniform(&r) < 0.04)
			m->attacked[m->nattacked++] = i;
	}
	if (!o->events)
		;	/* no bursts either */
	else if (rel == SYN_BS_JP_DAY)
		m->bs_from = VICTIMS_GENERAL, m->bs_to = VICTIMS_GENERAL + 12;
	else if (rel == SYN_BS_JP_DAY + 1)
		m->bs_from = VICTIMS_GENERAL + 8, m->bs_to = VICTIMS_GENERAL + VICTIMS_JP;
	else if (rel == SYN_BS_TW_DAY)
		m->bs_from = VICTIMS_GENERAL + VICTIMS_JP, m->bs_to = m->bs_from + 10;
	else if (rel == SYN_BS_TW_DAY + 4)
		m->bs_from = VICTIMS_GENERAL + VICTIMS_JP + 10, m->bs_to = NVICTIMS;
	if (o->events && s == (o->sensors >= 2 ? 1 : 0) && ndays >= SYN_GAP_DAY + 5) {
		int64_t start = (int64_t)(o->from + SYN_GAP_DAY) * 86400;

		m->gap_from = ceil_to(start + 14 * 3600 + 50 * 60, o->interval);
		m->gap_to = ceil_to(start + 3 * 86400 + 9 * 3600 + 20 * 60, o->interval);
	}
}

int synth_plan(const struct synth_opts *o, struct synth_event *out, int max)
{
	int n = 0, ndays = o->to - o->from + 1;
	struct day_model m;

	if (!o->events)
		return 0;
	if (ndays >= SYN_GAP_DAY + 5 && n < max) {
		int s = o->sensors >= 2 ? 1 : 0;

		day_model(o, s, o->from + SYN_GAP_DAY, &m);
		out[n] = (struct synth_event){ .type = "gap", .start_t = m.gap_from, .end_t = m.gap_to };
		snprintf(out[n].sensor, sizeof(out[n].sensor), "sensor-%02d", s + 1);
		snprintf(out[n].subject, sizeof(out[n].subject), "sensor-%02d", s + 1);
		out[n].first_day = (int)(m.gap_from / 86400);
		out[n].last_day = (int)((m.gap_to - 1) / 86400);
		n++;
	}
	if (o->sensors >= 3 && ndays >= SYN_LOCAL_DAY + 10 && n < max) {
		out[n] = (struct synth_event){ .type = "local_spike", .subject = "1900/udp",
					       .sensor = "sensor-03",
					       .first_day = o->from + SYN_LOCAL_DAY,
					       .last_day = o->from + SYN_LOCAL_DAY + SYN_LOCAL_DAYS - 1 };
		n++;
	}
	if (ndays >= SYN_SHIFT_DAY + 21 && n < max) {
		out[n] = (struct synth_event){ .type = "level_shift", .subject = "1433/tcp",
					       .first_day = o->from + SYN_SHIFT_DAY, .last_day = o->to };
		n++;
	}
	if (ndays >= SYN_DROP_DAY + 10 && n < max) {
		out[n] = (struct synth_event){ .type = "country_drop", .subject = "IR",
					       .first_day = o->from + SYN_DROP_DAY,
					       .last_day = o->from + SYN_DROP_DAY + SYN_DROP_DAYS - 1 };
		n++;
	}
	if (ndays >= SYN_SPIKE_DAY + 10 && n < max) {
		out[n] = (struct synth_event){ .type = "country_spike", .subject = "RO",
					       .first_day = o->from + SYN_SPIKE_DAY,
					       .last_day = o->from + SYN_SPIKE_DAY + SYN_SPIKE_DAYS - 1 };
		n++;
	}
	/* The backscatter bursts (day_model): JP two days, TW one day and
	 * again four days later; each day the range holds is listed. */
	static const struct { const char *cc; int first, days; } bursts[] = {
		{ "JP", SYN_BS_JP_DAY, 2 }, { "TW", SYN_BS_TW_DAY, 1 }, { "TW", SYN_BS_TW_DAY + 4, 1 },
	};
	for (size_t i = 0; i < sizeof(bursts) / sizeof(bursts[0]) && n < max; i++) {
		int last = bursts[i].first + bursts[i].days - 1;

		if (ndays <= bursts[i].first)
			continue;
		out[n] = (struct synth_event){ .type = "backscatter_burst",
					       .first_day = o->from + bursts[i].first,
					       .last_day = o->from + (last < ndays ? last : ndays - 1) };
		snprintf(out[n].subject, sizeof(out[n].subject), "%s", bursts[i].cc);
		n++;
	}
	return n;
}

void synth_write_manifest(FILE *f, const struct synth_event *ev, int n)
{
	fprintf(f, "type,subject,sensor,from,to,start,end\n");
	for (int i = 0; i < n; i++) {
		char a[11], b[11], t1[17] = "", t2[17] = "";

		format_day(ev[i].first_day, a);
		format_day(ev[i].last_day, b);
		if (ev[i].end_t) {
			format_minute(ev[i].start_t, t1);
			format_minute(ev[i].end_t, t2);
		}
		fprintf(f, "%s,%s,%s,%s,%s,%s,%s\n", ev[i].type, ev[i].subject, ev[i].sensor,
			a, b, t1, t2);
	}
}

static double diurnal(int64_t t)
{
	double hour = (double)(t % 86400) / 3600.0;

	return 1 + 0.25 * sin(2 * M_PI * (hour - 8) / 24);
}

static void scan_flow(const struct synth_opts *o, const struct day_model *m, struct rng *r,
		      int forced_port, struct flow *f)
{
	int p = forced_port >= 0 ? forced_port : pick(m->port_cum, NPORTS, rng_uniform(r));
	double u;

	f->victim = -1;
	f->proto = ports[p].proto;
	f->port = ports[p].port;
	if (!f->proto) {	/* the tail */
		f->proto = rng_uniform(r) < 0.8 ? 6 : 17;
		f->port = (uint16_t)(1024 + rng_next(r) % 64512);
	}
	f->country = pick(m->country_cum, SYNTH_NCOUNTRIES, rng_uniform(r));
	if (p == PORT_1433 && m->shift) {
		u = rng_uniform(r);
		for (size_t i = 0; i < sizeof(mssql_mix) / sizeof(mssql_mix[0]); i++) {
			if (u < mssql_mix[i].share) {
				f->country = country_index(mssql_mix[i].cc);
				break;
			}
			u -= mssql_mix[i].share;
		}
	}
	f->ip = (198u << 24) | (18u << 16) | (uint32_t)(f->country * 4096 + rng_next(r) % 4096);
	/* One pool holds the victims: the next address instead, so that an
	 * address has one country (as the sensor's lookup gives it). */
	if (victim_address(f->ip))
		f->ip++;
	f->packets = 1;
	while (f->packets < 40 && rng_uniform(r) < 0.7)
		f->packets++;
	f->bytes = f->packets * (f->proto == 6 ? 40 + 20 * (rng_next(r) % 2) :
				 f->proto == 17 ? 60 + rng_next(r) % 140 : 84);
	f->mirai = f->proto == 6 && rng_uniform(r) < ports[p].mirai ? f->packets : 0;
	f->tags = 0;
	(void)o;
}

/*
 * The tags of a scanning flow besides its scanner's: Mirai-type SYNs, SIP
 * OPTIONS probes on 5060/udp (most from SIPVicious's friendly-scanner),
 * SSDP M-SEARCH on 1900/udp, CAIDA's udp 0x31 probe on some UDP ports, a
 * few Nmap SYN scans. Drawn from their own generator so the traffic itself
 * does not depend on them.
 */
static unsigned flow_tags(const struct flow *f, struct rng *r)
{
	unsigned tags = f->mirai ? TAG(TAG_MIRAI) : 0;
	double u = rng_uniform(r);

	if (f->proto == 17 && f->port == 5060) {
		if (u < 0.6)
			tags |= TAG(TAG_SIP_OPTIONS) |
				(rng_uniform(r) < 0.7 ? TAG(TAG_SIP_FRIENDLY) : 0);
	} else if (f->proto == 17 && f->port == 1900) {
		if (u < 0.85)
			tags |= TAG(TAG_SSDP);
	} else if (f->proto == 17) {
		if (u < 0.03)
			tags |= TAG(TAG_UDP_0X31);
	} else if (f->proto == 6 && !f->mirai && u < 0.004) {
		tags |= TAG(TAG_NMAP_SYN);
	}
	return tags;
}

static int scanner_flows(const struct synth_opts *o, int s, int64_t t, struct flow *flows,
			 int k, int max)
{
	struct rng r = rng_for(o->seed, 0x5C, (uint64_t)s, (uint64_t)t);
	double p = o->rate * o->interval / 60.0 * SCANNER_SHARE;

	for (int i = 0; i < NSCANNERS; i++) {
		const struct scanner *sc = &scanners[i];

		for (int j = 0; j < sc->nsources && k < max; j++) {
			struct flow *f;

			if (rng_uniform(&r) >= p)
				continue;
			f = &flows[k++];
			f->victim = -1;
			f->proto = 6;
			f->port = rng_uniform(&r) < sc->random_ports ?
				  (uint16_t)(1024 + rng_next(&r) % 64512) : sweep_ports[rng_next(&r) % NSWEEP];
			f->country = country_index(sc->cc);
			f->ip = sc->first_ip + (uint32_t)j;
			f->packets = 2 + rng_next(&r) % 9;
			f->bytes = f->packets * 40;
			f->mirai = 0;
			f->tags = sc->tags;
		}
	}
	return k;
}

static void backscatter_flow(uint64_t seed, int vi, struct rng *r, struct flow *f)
{
	struct victim v;

	victim(seed, vi, &v);
	f->victim = vi;
	f->proto = v.proto;
	f->port = v.proto == 1 ? 3 : (uint16_t)(1024 + rng_next(r) % 64512);
	f->country = v.country;
	f->ip = v.ip;
	f->packets = 1 + rng_next(r) % 5;
	f->bytes = f->packets * (v.proto == 1 ? 56 : 44);
	f->mirai = 0;
	f->tags = 0;
}

#define MAX_FLOWS 4096

/* Flows of one interval of sensor s. */
static int interval_flows(const struct synth_opts *o, int s, const struct day_model *m,
			  int64_t t, struct rng *r, struct flow *flows)
{
	struct rng sr = rng_for(o->seed, 0x5E, (uint64_t)s, 0);
	struct rng tr = rng_for(o->seed, 0x7A, (uint64_t)s, (uint64_t)t);
	double sensor_factor = 0.6 + rng_uniform(&sr), minutes = o->interval / 60.0;
	double per_day = 86400.0 / o->interval;
	int n = rng_poisson(r, o->rate * minutes * sensor_factor * diurnal(t)), k;

	if (n > MAX_FLOWS / 2)
		n = MAX_FLOWS / 2;
	for (k = 0; k < n; k++)
		scan_flow(o, m, r, -1, &flows[k]);
	if (m->local_spike)
		for (int extra = rng_poisson(r, 3.0 * o->rate * minutes * sensor_factor);
		     extra > 0 && k < MAX_FLOWS - 64; extra--)
			scan_flow(o, m, r, PORT_1900, &flows[k++]);
	for (int i = 0; i < k; i++)
		flows[i].tags = flow_tags(&flows[i], &tr);
	k = scanner_flows(o, s, t, flows, k, MAX_FLOWS - 64);
	/* Backscatter: about 40 a sensor-day from the victims of the day. */
	for (int b = rng_poisson(r, 40.0 / per_day); b > 0 && k < MAX_FLOWS && m->nattacked; b--)
		backscatter_flow(o->seed, m->attacked[rng_next(r) % (uint64_t)m->nattacked], r,
				 &flows[k++]);
	for (int vi = m->bs_from; vi < m->bs_to && k < MAX_FLOWS; vi++)
		if (rng_uniform(r) < 8.0 / per_day)
			backscatter_flow(o->seed, vi, r, &flows[k++]);
	return k;
}

void synth_sensor_day(const struct synth_opts *o, int s, int day, struct synth_sink *sink,
		      synth_row_fn emit)
{
	static __thread struct flow flows[MAX_FLOWS];
	struct day_model m;
	struct rng r = rng_for(o->seed, 0xDA, (uint64_t)s, (uint64_t)day);

	day_model(o, s, day, &m);
	for (int64_t t = (int64_t)day * 86400; t < (int64_t)(day + 1) * 86400; t += o->interval) {
		int n;

		if (t >= m.gap_from && t < m.gap_to)
			continue;
		n = interval_flows(o, s, &m, t, &r, flows);
		emit_interval(o, s, t, flows, n, sink, emit);
	}
}
