// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The benchmark's traffic mix and source sequences (mix.h). */
#include "mix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "lib/alloc.h"
#include "pktbuild.h"

#define ZIPF_EXPONENT 1.0
#define MIN_FRAME_LEN 60 /* Ethernet minimum without the FCS */

/*
 * One line per frame of the mix; the shares add up to 100. Ports and
 * proportions follow the seeds' top-5 tables (23, 445, 22, 80, 3389,
 * 1433 over TCP; 5060 and 1900 over UDP; ICMP echo), with Mirai-type
 * SYNs and backscatter at a few per cent each. Some SYNs carry the
 * ZMap and Masscan fingerprints, the SIP probe names friendly-scanner
 * and the SSDP probe matches a shipped payload rule, so the tagging
 * path (include/fingerprint.h, rules/default.rules) costs what it
 * costs on a telescope: 27% of the packets are tagged.
 */
/* The UDP probes' payloads. */
#define SIP_OPTIONS                                     \
	"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\n"       \
	"Via: SIP/2.0/UDP 203.0.113.7:5060\r\n"         \
	"User-Agent: friendly-scanner\r\n\r\n"
#define SSDP_MSEARCH                                             \
	"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n" \
	"MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"
#define DNS_QUERY                                                \
	"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" \
	"\x07" "example\x03" "com\x00\x00\x01\x00\x01"

enum frame_kind { SYN, MIRAI, ZMAP, MASSCAN, UDP, ECHO, SYNACK, RSTACK, UNREACH };

static const struct frame_spec {
	const char *what;
	unsigned share;
	enum frame_kind kind;
	int family;
	uint16_t port;       /* destination port; the victim's port for backscatter */
	const char *payload; /* UDP payload */
} frame_specs[] = {
	{ "tcp syn 23", 20, SYN, 4, 23, NULL },
	{ "tcp syn 445", 15, SYN, 4, 445, NULL },
	{ "tcp syn 22", 12, SYN, 4, 22, NULL },
	{ "tcp syn 80 zmap", 10, ZMAP, 4, 80, NULL },
	{ "tcp syn 3389", 8, SYN, 4, 3389, NULL },
	{ "tcp syn 1433", 5, SYN, 4, 1433, NULL },
	{ "tcp syn 8080 masscan", 5, MASSCAN, 4, 8080, NULL },
	{ "tcp syn 23 mirai", 4, MIRAI, 4, 23, NULL },
	{ "udp 5060 sip", 5, UDP, 4, 5060,
 SIP_OPTIONS },
	{ "udp 1900 ssdp", 3, UDP, 4, 1900,
 SSDP_MSEARCH },
	{ "udp 53 dns", 2, UDP, 4, 53,
 DNS_QUERY },
	{ "icmp echo", 5, ECHO, 4, 0, NULL },
	{ "backscatter synack 443", 2, SYNACK, 4, 443, NULL },
	{ "backscatter rstack 80", 1, RSTACK, 4, 80, NULL },
	{ "backscatter icmp unreach", 1, UNREACH, 4, 80, NULL },
	{ "tcp syn 22 ipv6", 2, SYN, 6, 22, NULL },
};

/*
 * The Mirai-heavy mix: 40 % Mirai-type SYNs (the seeds: Mirai-type
 * packets are 30-50 % of a telescope's TCP), on the ports Mirai forks
 * scan, the rest in the shares above scaled down.
 */
static const struct frame_spec mirai_specs[] = {
	{ "tcp syn 23 mirai", 20, MIRAI, 4, 23, NULL },
	{ "tcp syn 2323 mirai", 6, MIRAI, 4, 2323, NULL },
	{ "tcp syn 37215 mirai", 5, MIRAI, 4, 37215, NULL },
	{ "tcp syn 52869 mirai", 3, MIRAI, 4, 52869, NULL },
	{ "tcp syn 5555 mirai", 3, MIRAI, 4, 5555, NULL },
	{ "tcp syn 7547 mirai", 3, MIRAI, 4, 7547, NULL },
	{ "tcp syn 23", 10, SYN, 4, 23, NULL },
	{ "tcp syn 445", 10, SYN, 4, 445, NULL },
	{ "tcp syn 22", 7, SYN, 4, 22, NULL },
	{ "tcp syn 80 zmap", 6, ZMAP, 4, 80, NULL },
	{ "tcp syn 3389", 5, SYN, 4, 3389, NULL },
	{ "tcp syn 1433", 3, SYN, 4, 1433, NULL },
	{ "tcp syn 8080 masscan", 3, MASSCAN, 4, 8080, NULL },
	{ "udp 5060 sip", 3, UDP, 4, 5060,
 SIP_OPTIONS },
	{ "udp 1900 ssdp", 2, UDP, 4, 1900,
 SSDP_MSEARCH },
	{ "udp 53 dns", 1, UDP, 4, 53,
 DNS_QUERY },
	{ "icmp echo", 3, ECHO, 4, 0, NULL },
	{ "backscatter synack 443", 2, SYNACK, 4, 443, NULL },
	{ "backscatter rstack 80", 1, RSTACK, 4, 80, NULL },
	{ "backscatter icmp unreach", 1, UNREACH, 4, 80, NULL },
	{ "tcp syn 22 ipv6", 3, SYN, 6, 22, NULL },
};

#define SPECS_OF(a) (int)(sizeof(a) / sizeof(a[0]))

static void build_frame(const struct frame_spec *spec, struct mix_frame *f)
{
	struct pb_packet p, quoted;
	struct pb_layout lay;
	uint8_t buf[PB_MAX_FRAME];
	size_t len;

	pb_init(&p);
	if (spec->family == 6)
		pb_addrs(&p, "2001:db8:ffff::7", "2001:db8::1");
	else
		pb_addrs(&p, "203.0.113.7", "198.51.100.1");
	p.dport = spec->port;
	switch (spec->kind) {
	case SYN:
		p.seq = 0x5eed0001;
		break;
	case MIRAI:
		p.seq = pb_dst_as_seq(&p);
		break;
	case ZMAP: /* ZMap before 4.1: IP ID 54321, window 65535, no DF */
		p.ip_id = 54321;
		p.window = 65535;
		break;
	case MASSCAN: /* IP ID = destination ^ seq ^ port, window 1024 */
		p.seq = 0x5eed0001;
		p.window = 1024;
		p.ip_id = (uint16_t)((0xc6336401u /* 198.51.100.1 */ ^ p.seq ^ p.dport) & 0xffff);
		break;
	case UDP:
		p.proto = PB_UDP;
		p.sport = 5060;
		if (spec->payload)
			pb_payload(&p, spec->payload, strlen(spec->payload));
		break;
	case ECHO:
		p.proto = PB_ICMP;
		p.icmp_type = 8;
		p.icmp_id = 0x4242;
		p.icmp_seq = 1;
		break;
	case SYNACK:
	case RSTACK:
		/* The victim answers a SYN someone sent in our name. */
		p.flags = spec->kind == SYNACK ? (PB_SYN | PB_ACK) : (PB_RST | PB_ACK);
		p.sport = spec->port;
		p.dport = 40000;
		p.ack = 0x5eed0002;
		break;
	case UNREACH:
		pb_init(&quoted);
		pb_addrs(&quoted, "198.51.100.1", "203.0.113.7");
		quoted.sport = 40000;
		quoted.dport = spec->port;
		p.proto = PB_ICMP;
		p.icmp_type = 3;
		p.icmp_code = 1;
		p.quote = &quoted;
		p.quote_len = 28;
		break;
	}
	len = pb_build(&p, buf, sizeof(buf), &lay);
	if (len < MIN_FRAME_LEN) {
		memset(buf + len, 0, MIN_FRAME_LEN - len);
		len = MIN_FRAME_LEN;
	}
	if (len > MIX_FRAME_BYTES) {
		fprintf(stderr, "mix: frame '%s' too long (%zu)\n", spec->what, len);
		abort();
	}
	memcpy(f->bytes, buf, len);
	f->len = len;
	f->what = spec->what;
	f->share = spec->share;
	f->family = spec->family;
	/* IPv4: the source field; IPv6: its last 4 bytes. */
	f->src_off = lay.l3_off + (spec->family == 6 ? 8 + 12 : 12);
}

/* splitmix64: a small seeded generator, so every run draws the same mix. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double next_unit(uint64_t *state)
{
	return (double)(next_random(state) >> 11) / (double)(1ull << 53);
}

/*
 * Fill slots[0..len) for sources base..base+n-1: each source once (so
 * all n are seen), the rest drawn from a Zipf law over the n ranks,
 * then shuffled.
 */
static int fill_zipf(uint32_t *slots, uint32_t len, uint32_t base, uint32_t n,
		     uint64_t *rng)
{
	double *cdf = malloc(sizeof(*cdf) * n), sum = 0;
	uint32_t i;

	if (!cdf)
		return -1;
	for (i = 0; i < n; i++) {
		sum += 1.0 / pow((double)(i + 1), ZIPF_EXPONENT);
		cdf[i] = sum;
	}
	for (i = 0; i < len; i++) {
		uint32_t lo = 0, hi = n - 1;
		double u;

		if (i < n) {
			slots[i] = base + i;
			continue;
		}
		u = next_unit(rng) * sum;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		slots[i] = base + lo;
	}
	for (i = len - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(next_random(rng) % (i + 1)), t = slots[i];

		slots[i] = slots[j];
		slots[j] = t;
	}
	free(cdf);
	return 0;
}

int mix_init(struct mix *m, uint32_t sources, int zipf, int mirai, uint64_t seed)
{
	const struct frame_spec *specs = mirai ? mirai_specs : frame_specs;
	const int nspecs = mirai ? SPECS_OF(mirai_specs) : SPECS_OF(frame_specs);
	uint64_t rng = seed;
	/* Disjoint ranges need at least one source per per-cent of share. */
	int partition = sources >= 100;
	uint32_t next_base = 0, slot = 0;
	int i;

	memset(m, 0, sizeof(*m));
	if (sources == 0)
		return -1;
	m->sources = sources;
	m->zipf = zipf;
	m->mirai = mirai;
	if (sources >= 1000000 && sources % 1000000 == 0)
		snprintf(m->name, sizeof(m->name), "%uM", sources / 1000000);
	else if (sources >= 1000 && sources % 1000 == 0)
		snprintf(m->name, sizeof(m->name), "%uk", sources / 1000);
	else
		snprintf(m->name, sizeof(m->name), "%u", sources);
	snprintf(m->name + strlen(m->name), sizeof(m->name) - strlen(m->name),
		 "%s%s", zipf ? "-zipf" : "", mirai ? "-mirai" : "");
	if (zipf) {
		m->table_len = sources * MIX_ZIPF_SLOTS;
		m->table = malloc(sizeof(*m->table) * m->table_len);
		if (!m->table) {
			fprintf(stderr, "mix: out of memory\n");
			return -1;
		}
	}
	m->frames = nspecs;
	for (i = 0; i < nspecs; i++) {
		struct mix_frame *f = &m->frame[i];
		uint32_t base = 0, n = sources;

		build_frame(&specs[i], f);
		if (partition) {
			n = (uint32_t)((uint64_t)sources * f->share / 100);
			if (i == nspecs - 1)
				n = sources - next_base;
			base = next_base;
			next_base += n;
		}
		if (!zipf) {
			f->pick = BENCH_PICK_UNIFORM;
			f->base = base;
			f->count = n;
			continue;
		}
		f->pick = BENCH_PICK_TABLE;
		f->base = slot;
		f->count = partition ? n * MIX_ZIPF_SLOTS : m->table_len;
		if (partition || i == 0) {
			if (fill_zipf(m->table + slot, f->count, base, n, &rng)) {
				fprintf(stderr, "mix: out of memory\n");
				mix_free(m);
				return -1;
			}
		}
		if (partition)
			slot += f->count;
	}
	return 0;
}

size_t mix_arrivals(const struct mix *m, uint64_t seed, struct mix_arrival **out)
{
	uint8_t *seen = xmalloc(m->sources);
	struct mix_arrival *a = NULL;
	size_t len = 0, cap = 0;
	uint64_t rng = seed;

	for (int f = 0; f < m->frames; f++) {
		uint32_t cursor = 0;

		memset(seen, 0, m->sources);
		for (uint32_t k = 0; k < m->frame[f].count; k++) {
			uint32_t src = mix_next_source(m, &m->frame[f], &cursor);

			if (seen[src])
				continue;
			seen[src] = 1;
			XGROW(a, cap, len + 1, 4096);
			a[len++] = (struct mix_arrival){ src, f };
		}
	}
	for (size_t i = len; i > 1; i--) {
		size_t j = (size_t)(next_random(&rng) % i);
		struct mix_arrival t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
	free(seen);
	*out = a;
	return len;
}

void mix_free(struct mix *m)
{
	free(m->table);
	m->table = NULL;
}

uint32_t mix_next_source(const struct mix *m, const struct mix_frame *f,
			 uint32_t *cursor)
{
	uint32_t cur = *cursor, idx = f->base + cur;

	*cursor = cur + 1 >= f->count ? 0 : cur + 1;
	return f->pick == BENCH_PICK_TABLE ? m->table[idx] : idx;
}

struct bench_seq mix_seq(const struct mix_frame *f, uint32_t first)
{
	return (struct bench_seq){
		.src_off = (uint32_t)f->src_off,
		.pick = (uint32_t)f->pick,
		.base = f->base + (f->pick == BENCH_PICK_UNIFORM ? first : 0),
		.count = f->count,
	};
}

void mix_set_source(const struct mix_frame *f, uint8_t *frame, uint32_t idx)
{
	uint32_t addr = htonl(bench_source_addr(idx));

	memcpy(frame + f->src_off, &addr, 4);
}

void mix_schedule_init(struct mix_schedule *s)
{
	memset(s, 0, sizeof(*s));
}

int mix_schedule_next(const struct mix *m, struct mix_schedule *s)
{
	int best = 0, total = 0, i;

	for (i = 0; i < m->frames; i++) {
		s->current[i] += (int)m->frame[i].share;
		total += (int)m->frame[i].share;
		if (s->current[i] > s->current[best])
			best = i;
	}
	s->current[best] -= total;
	return best;
}

/* The classic pcap file format (what pcap_open_offline reads). */
struct pcap_file_header_v2 {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_record_header {
	uint32_t ts_sec, ts_usec, caplen, len;
};

int mix_write_pcap(const struct mix *m, const char *path, uint64_t packets)
{
	struct pcap_file_header_v2 fh = {
		.magic = 0xa1b2c3d4, .version_major = 2, .version_minor = 4,
		.snaplen = 65535, .linktype = 1 /* Ethernet */,
	};
	uint32_t cursor[MIX_MAX_FRAMES] = { 0 };
	uint8_t frame[MIX_FRAME_BYTES];
	struct mix_schedule sched;
	FILE *out = fopen(path, "w");
	uint64_t k;

	if (!out) {
		fprintf(stderr, "mix: %s: %s\n", path, strerror(errno));
		return -1;
	}
	mix_schedule_init(&sched);
	fwrite(&fh, sizeof(fh), 1, out);
	for (k = 0; k < packets; k++) {
		int i = mix_schedule_next(m, &sched);
		const struct mix_frame *f = &m->frame[i];
		struct pcap_record_header rh = {
			.ts_sec = (uint32_t)(1700000000 + k / 1000000),
			.ts_usec = (uint32_t)(k % 1000000),
			.caplen = (uint32_t)f->len, .len = (uint32_t)f->len,
		};

		memcpy(frame, f->bytes, f->len);
		mix_set_source(f, frame, mix_next_source(m, f, &cursor[i]));
		fwrite(&rh, sizeof(rh), 1, out);
		fwrite(frame, f->len, 1, out);
	}
	if (fclose(out) != 0) {
		fprintf(stderr, "mix: %s: write failed\n", path);
		return -1;
	}
	return 0;
}
