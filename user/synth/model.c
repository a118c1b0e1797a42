// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The synthetic traffic model. Every random draw comes from a generator
 * seeded by (seed, sensor, day, ...), so a sensor-day is the same whatever
 * else is generated and in whatever order: deterministic and parallel.
 * Scanning arrives as "flows" (one source, one port, a few packets); the
 * rows are their per-interval sums, so the contract's invariants hold.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "telescope.h"
#include "common/calendar.h"
#include "common/contract.h"
#include "lib/csv.h"
#include "synth/synth.h"

struct rng {
	uint64_t s;
};

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct rng rng_for(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	struct rng r = { mix(seed ^ mix(a * 0x9E3779B97F4A7C15ULL ^ mix(b + 0x632BE59BD9B4E019ULL) ^
					mix(c * 0xD1B54A32D192ED03ULL + 1))) };
	return r;
}

static uint64_t next(struct rng *r)
{
	r->s += 0x9E3779B97F4A7C15ULL;
	return mix(r->s);
}

static double uniform(struct rng *r)
{
	return (double)(next(r) >> 11) * 0x1.0p-53;
}

static double normal(struct rng *r)
{
	double u = uniform(r), v = uniform(r);

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static int poisson(struct rng *r, double lambda)
{
	if (lambda > 30) {
		double x = lambda + sqrt(lambda) * normal(r);

		return x < 0 ? 0 : (int)lround(x);
	}
	double l = exp(-lambda), p = 1;
	int k = 0;

	do {
		k++;
		p *= uniform(r);
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

struct country_w {
	const char *cc;
	double weight;
	const char *org;
};

static const struct country_w countries[] = {
	{ "US", 16, "Example, \"US\" Hosting" }, { "CN", 14, "Example CN Backbone" },
	{ "NL", 9, "=Research Scanner NL" }, { "RU", 8, "Example RU Telecom" },
	{ "DE", 5, "Example DE Cloud" }, { "GB", 5, "Example GB Hosting" },
	{ "JP", 4, "Example JP Net" }, { "KR", 3.5, "Example KR Telecom" },
	{ "TW", 3, "Example TW Broadband" }, { "BG", 3, "Example BG Hosting" },
	{ "IN", 3, "Example IN Mobile" }, { "BR", 3, "Example BR Telecom" },
	{ "VN", 2.5, "Example VN Net" }, { "FR", 2.5, "Example FR Cloud" },
	{ "HK", 2, "Example HK Data" }, { "SG", 1.5, "Example SG Cloud" },
	{ "RO", 1.5, "Example RO Hosting" }, { "IR", 1.5, "Example IR Telecom" },
	{ "UA", 1.2, "Example UA Net" }, { "ID", 1.2, "Example ID Mobile" },
	{ "TR", 1, "Example TR Telecom" }, { "IT", 1, "Example IT Net" },
	{ "CA", 1, "Example CA Cloud" }, { "TH", 0.8, "Example TH Net" },
	{ "PL", 0.8, "Example PL Hosting" }, { "AR", 0.6, "Example AR Telecom" },
	{ "MX", 0.6, "Example MX Net" }, { "ZA", 0.5, "Example ZA Net" },
	{ "EG", 0.5, "Example EG Telecom" }, { "PK", 0.5, "Example PK Net" },
	{ COUNTRY_UNKNOWN, 0.5, "" },
};
#define NCOUNTRIES (int)(sizeof(countries) / sizeof(countries[0]))
#define CC_IDX(i) (i)

static int country_index(const char *cc)
{
	for (int i = 0; i < NCOUNTRIES; i++)
		if (!strcmp(countries[i].cc, cc))
			return i;
	return NCOUNTRIES - 1;
}

/* Where 1433/tcp scanning comes from once it starts (seed 004). */
static const struct { const char *cc; double share; } mssql_mix[] = {
	{ "CN", 0.5 }, { "US", 0.12 }, { "IN", 0.08 }, { "VN", 0.08 }, { "RU", 0.06 },
	{ "JP", 0.04 },
};

/* Backscatter victims: a general pool and two bursts (seed 000). */
#define VICTIMS_GENERAL 300
#define VICTIMS_JP 24
#define VICTIMS_TW 24
#define NVICTIMS (VICTIMS_GENERAL + VICTIMS_JP + VICTIMS_TW)

static const char *const victim_cc[] = {
	"US", "US", "US", "CN", "CN", "JP", "JP", "DE", "NL", "TW", "KR", "GB", "FR",
	"BR", "RU", "IN", "US", "CN", "SG", "HK",
};
static const char *const victim_kind[] = { "Cloud", "Portal", "Bank, Ltd.", "CDN", "Shop", "Media" };

struct victim {
	int country;
	uint32_t ip;
	uint32_t asn;
	char org[48];
	uint8_t proto;
	uint16_t src_port;
	uint8_t kind;	/* enum ts_bs_kind */
};

static void victim(uint64_t seed, int i, struct victim *v)
{
	struct rng r = rng_for(seed, 0xB5, (uint64_t)i, 0);
	double u;

	if (i < VICTIMS_GENERAL)
		v->country = country_index(victim_cc[next(&r) % (sizeof(victim_cc) / sizeof(victim_cc[0]))]);
	else
		v->country = country_index(i < VICTIMS_GENERAL + VICTIMS_JP ? "JP" : "TW");
	v->ip = (198u << 24) | (19u << 16) | (uint32_t)(128 * 256 + i * 7 + 1);
	v->asn = 64512 + (uint32_t)(i / 2);
	snprintf(v->org, sizeof(v->org), "Example %s %c%d",
		 victim_kind[(i / 2) % (sizeof(victim_kind) / sizeof(victim_kind[0]))],
		 'A' + (i / 2) % 26, i / 52);
	u = uniform(&r);
	v->proto = 6;
	v->kind = TS_BS_SYNACK;
	if (i >= VICTIMS_GENERAL || u < 0.6)
		v->src_port = 443;
	else if (u < 0.8)
		v->src_port = 80;
	else if (u < 0.88)
		v->src_port = 22, v->kind = TS_BS_RSTACK;
	else if (u < 0.94)
		v->src_port = 25, v->kind = TS_BS_RST;
	else
		v->proto = 1, v->src_port = 0, v->kind = TS_BS_ICMP_UNREACH;
}

/* Tags as the sensor names them in tags.csv (docs/tags.md). */
enum {
	TAG_MIRAI, TAG_ZMAP, TAG_MASSCAN, TAG_NMAP_SYN, TAG_SIP_OPTIONS,
	TAG_SIP_FRIENDLY, TAG_SSDP, TAG_UDP_0X31, TAG_RESEARCH, NTAGS
};
#define TAG(t) (1u << (t))

/* Built-in fingerprints by their bit; rules of rules/default.rules and
 * the list by name. */
static const struct {
	int builtin;	/* enum ts_tag_bit, or -1 */
	const char *name;
} synth_tags[NTAGS] = {
	[TAG_MIRAI] = { TS_TAG_MIRAI, NULL },
	[TAG_ZMAP] = { TS_TAG_ZMAP, NULL },
	[TAG_MASSCAN] = { TS_TAG_MASSCAN, NULL },
	[TAG_NMAP_SYN] = { TS_TAG_NMAP_SYN, NULL },
	[TAG_SIP_OPTIONS] = { TS_TAG_SIP_OPTIONS, NULL },
	[TAG_SIP_FRIENDLY] = { TS_TAG_SIP_FRIENDLY, NULL },
	[TAG_SSDP] = { -1, "ssdp_msearch" },
	[TAG_UDP_0X31] = { -1, "udp_0x31" },
	[TAG_RESEARCH] = { -1, TAG_LIST_PREFIX "research-scanner" },
};

static const char *tag_name(int t)
{
	return synth_tags[t].name ? synth_tags[t].name : builtin_tag_name(synth_tags[t].builtin);
}

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

struct flow {
	uint8_t proto;
	uint16_t port;
	int country;
	uint32_t ip;
	uint64_t packets, bytes, mirai;
	unsigned tags;	/* every packet of a flow carries the same tags */
	int victim;	/* backscatter: victim index, else -1 */
};

/* Per-interval sums: a row of one of the files. Each flow is one source
 * (the model draws a fresh one per flow), so sources = flows. */
struct agg {
	uint8_t proto;
	uint16_t port;
	int country;
	uint64_t packets, bytes, mirai;
	int nips;
};

static void add_ip(struct agg *a, uint32_t ip)
{
	(void)ip;
	a->nips++;
}

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

struct day_model {
	double port_cum[NPORTS];
	double country_cum[NCOUNTRIES];
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
		double w = ports[i].weight * exp(0.08 * normal(&r));

		if (o->events && i == PORT_1433 && rel >= SYN_SHIFT_DAY && ndays >= SYN_SHIFT_DAY + 21) {
			w = 8.0 * exp(0.08 * normal(&r));
			m->shift = true;
		}
		sum += w;
		m->port_cum[i] = sum;
	}
	sum = 0;
	for (int i = 0; i < NCOUNTRIES; i++) {
		struct rng r = rng_for(o->seed, 0xC0, (uint64_t)day, (uint64_t)i);
		double w = countries[i].weight * exp(0.08 * normal(&r));

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

		if (uniform(&r) < 0.04)
			m->attacked[m->nattacked++] = i;
	}
	if (rel == SYN_BS_JP_DAY)
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

static void ip_text(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static double diurnal(int64_t t)
{
	double hour = (double)(t % 86400) / 3600.0;

	return 1 + 0.25 * sin(2 * M_PI * (hour - 8) / 24);
}

static void scan_flow(const struct synth_opts *o, const struct day_model *m, struct rng *r,
		      int forced_port, struct flow *f)
{
	int p = forced_port >= 0 ? forced_port : pick(m->port_cum, NPORTS, uniform(r));
	double u;

	f->victim = -1;
	f->proto = ports[p].proto;
	f->port = ports[p].port;
	if (!f->proto) {	/* the tail */
		f->proto = uniform(r) < 0.8 ? 6 : 17;
		f->port = (uint16_t)(1024 + next(r) % 64512);
	}
	f->country = pick(m->country_cum, NCOUNTRIES, uniform(r));
	if (p == PORT_1433 && m->shift) {
		u = uniform(r);
		for (size_t i = 0; i < sizeof(mssql_mix) / sizeof(mssql_mix[0]); i++) {
			if (u < mssql_mix[i].share) {
				f->country = country_index(mssql_mix[i].cc);
				break;
			}
			u -= mssql_mix[i].share;
		}
	}
	f->ip = (198u << 24) | (18u << 16) | (uint32_t)(f->country * 4096 + next(r) % 4096);
	f->packets = 1;
	while (f->packets < 40 && uniform(r) < 0.7)
		f->packets++;
	f->bytes = f->packets * (f->proto == 6 ? 40 + 20 * (next(r) % 2) :
				 f->proto == 17 ? 60 + next(r) % 140 : 84);
	f->mirai = f->proto == 6 && uniform(r) < ports[p].mirai ? f->packets : 0;
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
	double u = uniform(r);

	if (f->proto == 17 && f->port == 5060) {
		if (u < 0.6)
			tags |= TAG(TAG_SIP_OPTIONS) |
				(uniform(r) < 0.7 ? TAG(TAG_SIP_FRIENDLY) : 0);
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

			if (uniform(&r) >= p)
				continue;
			f = &flows[k++];
			f->victim = -1;
			f->proto = 6;
			f->port = uniform(&r) < sc->random_ports ?
				  (uint16_t)(1024 + next(&r) % 64512) : sweep_ports[next(&r) % NSWEEP];
			f->country = country_index(sc->cc);
			f->ip = sc->first_ip + (uint32_t)j;
			f->packets = 2 + next(&r) % 9;
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
	f->port = v.proto == 1 ? 3 : (uint16_t)(1024 + next(r) % 64512);
	f->country = v.country;
	f->ip = v.ip;
	f->packets = 1 + next(r) % 5;
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
	double sensor_factor = 0.6 + uniform(&sr), minutes = o->interval / 60.0;
	double per_day = 86400.0 / o->interval;
	int n = poisson(r, o->rate * minutes * sensor_factor * diurnal(t)), k;

	if (n > MAX_FLOWS / 2)
		n = MAX_FLOWS / 2;
	for (k = 0; k < n; k++)
		scan_flow(o, m, r, -1, &flows[k]);
	if (m->local_spike)
		for (int extra = poisson(r, 3.0 * o->rate * minutes * sensor_factor);
		     extra > 0 && k < MAX_FLOWS - 64; extra--)
			scan_flow(o, m, r, PORT_1900, &flows[k++]);
	for (int i = 0; i < k; i++)
		flows[i].tags = flow_tags(&flows[i], &tr);
	k = scanner_flows(o, s, t, flows, k, MAX_FLOWS - 64);
	/* Backscatter: about 40 a sensor-day from the victims of the day. */
	for (int b = poisson(r, 40.0 / per_day); b > 0 && k < MAX_FLOWS && m->nattacked; b--)
		backscatter_flow(o->seed, m->attacked[next(r) % (uint64_t)m->nattacked], r,
				 &flows[k++]);
	for (int vi = m->bs_from; vi < m->bs_to && k < MAX_FLOWS; vi++)
		if (uniform(r) < 8.0 / per_day)
			backscatter_flow(o->seed, vi, r, &flows[k++]);
	return k;
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

struct row_buf {
	char text[512];
	size_t len;
};

#define MAX_AGG 1024

static void emit_interval(const struct synth_opts *o, int s, int64_t t, const struct flow *flows,
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
		add_ip(&total, f->ip);
		if (f->victim >= 0)
			bs_packets += f->packets;
		if ((a = find_agg(port_rows, &np, MAX_AGG, f->proto, f->port, -1))) {
			a->packets += f->packets;
			a->bytes += f->bytes;
			a->mirai += f->mirai;
			add_ip(a, f->ip);
		}
		if ((a = find_agg(country_rows, &nc, MAX_AGG, 0, 0, f->country))) {
			a->packets += f->packets;
			add_ip(a, f->ip);
		}
		if ((a = find_agg(pc_rows, &npc, MAX_AGG, f->proto, f->port, f->country))) {
			a->packets += f->packets;
			a->mirai += f->mirai;
			add_ip(a, f->ip);
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
	for (int k = 0; k < 3 && top[k] >= 0; k++) {
		const struct flow *f = &flows[top[k]];

		ip_text(f->ip, ip, sizeof(ip));
		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, ip);
		csv_raw(&row, countries[f->country].cc);
		csv_u64(&row, f->country == NCOUNTRIES - 1 ? 0 : 64496 + (uint64_t)f->country);
		csv_u64(&row, f->packets); csv_u64(&row, f->bytes);
		csv_text(&row, countries[f->country].org);
		ROW_DONE(S_SOURCES);
	}
	for (int i = 0; i < n; i++) {
		const struct flow *f = &flows[i];
		struct victim v;

		if (f->victim < 0)
			continue;
		victim(o->seed, f->victim, &v);
		ip_text(f->ip, ip, sizeof(ip));
		snprintf(cc, sizeof(cc), "%s", countries[v.country].cc);
		csv_raw(&row, when); csv_raw(&row, sensor); csv_raw(&row, ip); csv_raw(&row, cc);
		csv_u64(&row, v.asn); csv_raw(&row, proto_name(v.proto, proto));
		csv_u64(&row, v.src_port); csv_raw(&row, bs_kind_name(v.kind)); csv_u64(&row, f->packets);
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
