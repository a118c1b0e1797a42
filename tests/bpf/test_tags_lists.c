// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Labelled address lists in the kernel: the real skeleton under
 * BPF_PROG_TEST_RUN (tests/lib/tagtest.h). Labelled prefixes written into
 * the LPM trie by hand, then the rules and lists files `run` loads put
 * into the maps by tagcfg_apply() (sensor/tagcfg.h): reloads, a bad file,
 * nothing configured, and more prefixes than the trie holds; every count
 * exact. Then a list that mixes and nests the two families, and
 * thousands of random sources whose tags must be those of every listed
 * prefix that contains them, computed by brute force.
 * Needs root (or CAP_BPF + CAP_NET_ADMIN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "telescope.skel.h"
#include "sensor/tagcfg.h"
#include "bpftest.h"
#include "tagtest.h"
#include "kfeature.h"

/* ---- labelled prefixes in the LPM trie ---- */

static void put_label(struct fixture *f, const char *addr, int prefixlen,
		      __u64 mask)
{
	struct ts_label_key k = { 0 };

	if (strchr(addr, ':')) {
		assert_int_equal(inet_pton(AF_INET6, addr, k.addr), 1);
		k.prefixlen = (__u32)prefixlen;
	} else {
		k.addr[10] = k.addr[11] = 0xff;
		assert_int_equal(inet_pton(AF_INET, addr, k.addr + 12), 1);
		k.prefixlen = 96u + (__u32)prefixlen;
	}
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(f->skel->maps.labels),
					     &k, &mask, BPF_ANY), 0);
}

static void labelled_sources(void **state)
{
	struct fixture *f = *state;
	const __u64 A = TAG(50), B = TAG(51), C = TAG(52), D = TAG(53);
	struct pb_packet p;

	/* as the loader writes them: a prefix carries its parents' labels */
	put_label(f, "198.51.100.0", 24, A);
	put_label(f, "198.51.100.128", 25, A | B);
	put_label(f, "2001:db8:1::", 48, C);
	put_label(f, "203.0.113.7", 32, D);

	syn(&p, "198.51.100.10", US4, 23);
	send1(f, &p);
	assert_int_equal(tagged_entries(f), 0); /* no TS_CTL_LABELS yet */
	set_flags(f, TS_CTL_LABELS);

	send_n(f, &p, 2);
	syn(&p, "198.51.100.127", US4, 23);
	send1(f, &p);
	syn(&p, "198.51.100.128", US4, 23);
	send1(f, &p);
	syn(&p, "198.51.100.200", US4, 445);
	send_n(f, &p, 3);
	p.seq = pb_dst_as_seq(&p);               /* a labelled Mirai-type SYN */
	send1(f, &p);
	syn(&p, "203.0.113.7", US4, 22);
	send1(f, &p);
	syn(&p, "203.0.113.8", US4, 22);         /* next to it: not listed */
	send1(f, &p);
	syn(&p, "2001:db8:1::5", US6, 22);
	send1(f, &p);
	syn(&p, "2001:db8:2::5", US6, 22);       /* outside the /48 */
	send1(f, &p);
	udp(&p, "198.51.100.10", US4, 53, "0123456789abcdef", 16);
	p.frag_off = 2;                          /* a fragment: still its source */
	send1(f, &p);

	expect_tagged(f, "198.51.100.10", PB_TCP, 23, A, 2);
	expect_tagged(f, "198.51.100.127", PB_TCP, 23, A, 1);
	expect_tagged(f, "198.51.100.128", PB_TCP, 23, A | B, 1);
	expect_tagged(f, "198.51.100.200", PB_TCP, 445, A | B, 3);
	expect_tagged(f, "198.51.100.200", PB_TCP, 445, A | B | MIRAI, 1);
	expect_tagged(f, "203.0.113.7", PB_TCP, 22, D, 1);
	expect_tagged(f, "2001:db8:1::5", PB_TCP, 22, C, 1);
	expect_tagged(f, "198.51.100.10", PB_UDP, 0, A, 1);
	assert_int_equal(tagged_entries(f), 8);
	expect_totals(f, 1 + 2 + 1 + 1 + 3 + 1 + 1 + 1 + 1 + 1 + 1, 11, 0);
}

/* ---- tagcfg_apply(): the files `run` loads, into this program's maps ---- */

struct cfg_env {
	struct fixture *f;
	struct sensor_maps s;
	struct tag_config cfg;
	char dir[64];
	char err[512];
};

static const char *write_text(struct cfg_env *e, const char *name, const char *text)
{
	static char paths[6][128];
	static int next;
	char *path = paths[next++ % 6];
	FILE *out;

	snprintf(path, sizeof(paths[0]), "%s/%s", e->dir, name);
	out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	assert_int_equal(fclose(out), 0);
	return path;
}

static void cfg_env_init(struct cfg_env *e, struct fixture *f)
{
	memset(e, 0, sizeof(*e));
	e->f = f;
	snprintf(e->dir, sizeof(e->dir), "/tmp/ts-test-tagcfg-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	/* the sensor as sensor_open() leaves it, minus the attach */
	maps_from_object(&e->s, f->skel->obj);
	tagcfg_read_names(&e->s, &e->cfg.names);
}

static void cfg_env_free(struct cfg_env *e)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	assert_int_equal(system(cmd), 0);
}

static __u64 bit_of(struct cfg_env *e, const char *name)
{
	for (int b = 0; b < TS_TAG_MAX; b++)
		if (!strcmp(e->cfg.names.name[b], name))
			return TAG(b);
	fail_msg("no bit named %s", name);
	return 0;
}

static __u32 ctl_flags(struct fixture *f)
{
	struct ts_ctl ctl;
	__u32 zero = 0;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.ctl),
					     &zero, &ctl), 0);
	return ctl.flags;
}

static void config_files_into_the_kernel(void **state)
{
	struct cfg_env e;
	struct pb_packet p;
	struct ts_tag_name name;
	__u64 ssdp, probe, jp, research, v6, ssdp2, legacy;
	__u32 b;

	cfg_env_init(&e, *state);
	e.cfg.rules_path = write_text(&e, "a.rules",
		"ssdp udp 1900 0 \"M-SEARCH\"\n"
		"probe udp * 0 00000000000000003100\n"
		"legacy tcp 23 0 ff\n");
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "jp.list",
		"198.51.100.0/24,jp\n");
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "research.list",
		"198.51.100.128/25,research\n2001:db8:7::/48,v6\n");
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("tagcfg_apply: %s", e.err);
	assert_int_equal(e.cfg.nrules, 3);
	assert_int_equal(e.cfg.nprefixes, 3);
	assert_int_equal(ctl_flags(e.f), TS_CTL_RULES | TS_CTL_LABELS);
	assert_int_equal(entries(e.s.rules_fd), 2); /* the * rule is in rules_any */
	ssdp = bit_of(&e, "ssdp");
	probe = bit_of(&e, "probe");
	legacy = bit_of(&e, "legacy");
	jp = bit_of(&e, "list:jp");
	research = bit_of(&e, "list:research");
	v6 = bit_of(&e, "list:v6");
	/* the program's name table says the same */
	b = (__u32)__builtin_ctzll(research);
	assert_int_equal(bpf_map_lookup_elem(e.s.tagnames_fd, &b, &name), 0);
	assert_string_equal(name.name, "list:research");
	b = TS_TAG_SIP_FRIENDLY;
	assert_int_equal(bpf_map_lookup_elem(e.s.tagnames_fd, &b, &name), 0);
	assert_string_equal(name.name, "sip_friendly_scanner");

	udp(&p, "198.51.100.200", US4, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	udp(&p, "198.51.100.10", US4, 1900, probe_0x31, 10);
	send1(e.f, &p);
	udp(&p, "2001:db8:7::1", US6, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.200", PB_UDP, 1900, ssdp | jp | research, 1);
	expect_tagged(e.f, "198.51.100.10", PB_UDP, 1900, probe | jp, 1);
	expect_tagged(e.f, "2001:db8:7::1", PB_UDP, 1900, ssdp | v6, 1);

	/* reload: ssdp moves to 1901, legacy goes, research list goes */
	e.cfg.rules_path = write_text(&e, "b.rules",
		"ssdp udp 1901 0 \"M-SEARCH\"\n"
		"probe udp * 0 00000000000000003100\n"
		"ssdp2 udp 1900 2 \"SEARCH\"\n");
	e.cfg.nlists = 1;
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("tagcfg_apply: %s", e.err);
	assert_int_equal(entries(e.s.rules_fd), 2); /* the * rule is in rules_any */
	assert_int_equal(entries(e.s.labels_fd), 1);
	/* names keep their bits; a new name takes a new one */
	assert_int_equal(bit_of(&e, "ssdp"), ssdp);
	assert_int_equal(bit_of(&e, "legacy"), legacy);
	assert_int_equal(bit_of(&e, "list:research"), research);
	ssdp2 = bit_of(&e, "ssdp2");
	assert_true(ssdp2 != ssdp && ssdp2 != probe && ssdp2 != legacy &&
		    ssdp2 != jp && ssdp2 != research && ssdp2 != v6);

	udp(&p, "198.51.100.201", US4, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	p.dport = 1901;
	send1(e.f, &p);
	syn(&p, "198.51.100.202", US4, 23);
	pb_payload(&p, "\xff\xfb\x01", 3);
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.201", PB_UDP, 1900, ssdp2 | jp, 1);
	expect_tagged(e.f, "198.51.100.201", PB_UDP, 1901, ssdp | jp, 1);
	expect_tagged(e.f, "198.51.100.202", PB_TCP, 23, jp, 1);
	/* a flow from before the reload: its labels are looked up again */
	udp(&p, "198.51.100.200", US4, 1900, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.200", PB_UDP, 1900, ssdp | jp | research, 1);
	expect_tagged(e.f, "198.51.100.200", PB_UDP, 1900, ssdp2 | jp, 1);

	/* a bad file changes nothing: the same rules keep matching */
	e.cfg.rules_path = write_text(&e, "bad.rules",
		"ssdp udp 1902 0 \"M-SEARCH\"\nbroken udp 70000 0 00\n");
	assert_int_equal(tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)), -1);
	assert_non_null(strstr(e.err, "bad.rules:2: "));
	assert_int_equal(entries(e.s.rules_fd), 2); /* the * rule is in rules_any */
	udp(&p, "198.51.100.203", US4, 1901, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);
	p.dport = 1902;
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.203", PB_UDP, 1901, ssdp | jp, 1);
	expect_tagged(e.f, "198.51.100.203", PB_UDP, 1902, jp, 1);

	/* nothing configured: no flags, empty maps, only built-in tags */
	e.cfg.rules_path = NULL;
	e.cfg.nlists = 0;
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("tagcfg_apply: %s", e.err);
	assert_int_equal(ctl_flags(e.f), 0);
	assert_int_equal(entries(e.s.rules_fd), 0);
	assert_int_equal(entries(e.s.labels_fd), 0);
	udp(&p, "198.51.100.204", US4, 1901, "M-SEARCH * HTTP/1.1\r\n", 21);
	send1(e.f, &p);

	assert_int_equal(tagged_entries(e.f), 3 + 3 + 1 + 2);
	expect_totals(e.f, 3 + 3 + 1 + 2 + 1, 9, 0);
	cfg_env_free(&e);
}

/* More listed prefixes than --max-labels: refused whole, nothing changed. */
static void label_trie_too_small(void **state)
{
	struct cfg_env e;
	struct pb_packet p;
	__u64 a;

	cfg_env_init(&e, *state);
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "two.list",
		"198.51.100.0/25,a\n2001:db8:7::/48,b\n");
	if (tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)))
		fail_msg("two prefixes must fit: %s", e.err);
	a = bit_of(&e, "list:a");
	/* a third prefix, the same prefix twice (one entry) does not count */
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "more.list",
		"198.51.100.0/25,a2\n203.0.113.0/24,c\n");
	assert_int_equal(tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err)), -1);
	assert_non_null(strstr(e.err, "3 listed prefixes do not fit --max-labels 2"));
	assert_int_equal(entries(e.s.labels_fd), 2);
	syn(&p, "198.51.100.9", US4, 23);
	send1(e.f, &p);
	syn(&p, "203.0.113.9", US4, 23);
	send1(e.f, &p);
	expect_tagged(e.f, "198.51.100.9", PB_TCP, 23, a, 1);
	assert_int_equal(tagged_entries(e.f), 1);
	cfg_env_free(&e);
}

/* ---- the two families in one trie: the kernel against brute force ---- */

/* A list that writes prefixes in both forms and nests them across. */
static const struct {
	const char *cidr, *label;
} mixed[] = {
	{ "198.51.100.0/24", "jp" },
	{ "::ffff:198.51.100.0/120", "jp_as_v6" },     /* the same prefix */
	{ "198.51.100.128/25", "research" },
	{ "::ffff:198.51.100.192/122", "inner_v6" },
	{ "198.51.100.200", "host" },
	{ "::ffff:198.51.100.201/128", "host_v6" },
	{ "::/1", "low_half" },                         /* holds ::ffff:0:0/96 */
	{ "::ffff:0:0/96", "all_v4" },
	{ "0.0.0.0/1", "v4_low" },
	{ "::ffff:128.0.0.0/97", "v4_high" },
	{ "203.0.113.0/24", "us" },
	{ "::ffff:203.0.113.64/122", "census_v6" },
	{ "203.0.113.64/27", "census" },
	{ "10.0.0.0/8", "ten" },
	{ "::ffff:10.1.0.0/112", "ten_one" },
	{ "2001:db8::/32", "doc" },
	{ "2001:db8:1::/48", "v6net" },
	{ "2001:db8:1:2::5", "v6host" },
	{ "8000::/1", "high_half" },                    /* with ::/1: all */
};
#define NMIXED (sizeof(mixed) / sizeof(mixed[0]))
#define NSOURCES 4000

struct prefix {
	int v6;
	__u8 addr[16]; /* IPv4 in the first four bytes */
	int len;
};

static struct prefix parse_prefix(const char *cidr)
{
	struct prefix p = { .v6 = strchr(cidr, ':') != NULL };
	const char *slash = strchr(cidr, '/');
	char text[64];

	snprintf(text, sizeof(text), "%.*s", slash ? (int)(slash - cidr) : 63, cidr);
	assert_int_equal(inet_pton(p.v6 ? AF_INET6 : AF_INET, text, p.addr), 1);
	p.len = slash ? atoi(slash + 1) : p.v6 ? 128 : 32;
	return p;
}

static int same_bits(const __u8 *a, const __u8 *b, int bits)
{
	for (int i = 0; i < bits; i++)
		if ((a[i / 8] ^ b[i / 8]) & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

/*
 * The documented rule, straight: an IPv4 source is the IPv6 address
 * ::ffff:a.b.c.d, an IPv4 prefix a.b.c.d/n is ::ffff:a.b.c.d/96+n.
 */
static int contains(const struct prefix *p, const struct prefix *src)
{
	static const __u8 mapped[12] = { [10] = 0xff, [11] = 0xff };
	__u8 as_v6[16], pfx_v6[16];

	if (!p->v6 && !src->v6)
		return same_bits(p->addr, src->addr, p->len);
	if (p->v6 && src->v6)
		return same_bits(p->addr, src->addr, p->len);
	if (!p->v6) { /* an IPv6 source inside an IPv4 prefix: mapped only */
		memcpy(pfx_v6, mapped, 12);
		memcpy(pfx_v6 + 12, p->addr, 4);
		return same_bits(pfx_v6, src->addr, 96 + p->len);
	}
	memcpy(as_v6, mapped, 12);
	memcpy(as_v6 + 12, src->addr, 4);
	return same_bits(p->addr, as_v6, p->len);
}

static __u64 rng_state = 0x5eed2a11u;

static __u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int is_mapped(const __u8 *a)
{
	static const __u8 mapped[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, mapped, 12);
}

/*
 * A source near the boundaries that matter: inside or just outside a
 * listed prefix (its bits kept up to a few before its length, the rest
 * random), as an IPv4 source where it can be one or as an IPv6 source
 * (IPv4-mapped near an IPv4 prefix); or anywhere at all.
 */
static struct prefix random_source(const struct prefix *listed)
{
	const struct prefix *p = &listed[rng() % NMIXED];
	struct prefix s = { .v6 = 1 };
	int how = (int)(rng() % 4), keep;

	if (how == 0) { /* anywhere, either family */
		for (int i = 0; i < 16; i++)
			s.addr[i] = (__u8)rng();
		if (rng() & 1) { /* an IPv4 address */
			memset(s.addr, 0, 10);
			s.addr[10] = s.addr[11] = 0xff;
		}
	} else { /* near p */
		memcpy(s.addr, p->addr, 16);
		keep = p->len;
		if (!p->v6) { /* p's IPv4 space is ::ffff:0:0/96 */
			memmove(s.addr + 12, s.addr, 4);
			memset(s.addr, 0, 12);
			s.addr[10] = s.addr[11] = 0xff;
			keep += 96;
		}
		keep -= (int)(rng() % 4);
		for (int i = keep < 0 ? 0 : keep; i < 128; i++)
			if (rng() & 1)
				s.addr[i / 8] ^= (__u8)(0x80 >> (i % 8));
	}
	if (how != 3 && is_mapped(s.addr)) { /* as the IPv4 source it is */
		memmove(s.addr, s.addr + 12, 4);
		memset(s.addr + 4, 0, 12);
		s.v6 = 0;
		if (s.addr[0] == 192 && s.addr[1] == 0 && s.addr[2] == 2)
			s.addr[0] = 193; /* 192.0.2.0/24 is never a test address */
	}
	s.len = s.v6 ? 128 : 32;
	return s;
}

static void random_sources_against_brute_force(void **state)
{
	struct prefix listed[NMIXED], *src = calloc(NSOURCES, sizeof(*src));
	char text[2048] = "", addr[INET6_ADDRSTRLEN];
	size_t wrong = 0, masks = 0, distinct;
	__u64 seen[NSOURCES];
	int rc;
	__u64 bits[NMIXED];
	struct cfg_env e;
	struct pb_packet p;

	assert_non_null(src);
	cfg_env_init(&e, *state);
	for (size_t i = 0; i < NMIXED; i++) {
		listed[i] = parse_prefix(mixed[i].cidr);
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s,%s\n",
			 mixed[i].cidr, mixed[i].label);
	}
	e.cfg.list_paths[e.cfg.nlists++] = write_text(&e, "mixed.list", text);
	rc = tagcfg_apply(&e.s, &e.cfg, e.err, sizeof(e.err));
	cfg_env_free(&e); /* loaded: the file is not needed any more */
	if (rc)
		fail_msg("tagcfg_apply: %s", e.err);
	/* the two forms of 198.51.100.0/24 are one prefix in the trie */
	assert_int_equal(e.cfg.nprefixes, NMIXED - 1);
	for (size_t i = 0; i < NMIXED; i++) {
		snprintf(addr, sizeof(addr), "list:%s", mixed[i].label);
		bits[i] = bit_of(&e, addr);
	}

	for (size_t n = 0; n < NSOURCES; n++) {
		src[n] = random_source(listed);
		inet_ntop(src[n].v6 ? AF_INET6 : AF_INET, src[n].addr, addr,
			  sizeof(addr));
		syn(&p, addr, src[n].v6 ? US6 : US4, 23);
		send1(e.f, &p);
	}
	for (size_t n = 0; n < NSOURCES; n++) {
		struct ts_flow_key k = { .family = src[n].v6 ? TS_FAMILY_IPV6
							     : TS_FAMILY_IPV4,
					 .proto = PB_TCP, .port = 23 };
		__u64 want = 0, got = 0;
		struct ts_counts c;
		size_t i;

		for (i = 0; i < NMIXED; i++)
			if (contains(&listed[i], &src[n]))
				want |= bits[i];
		memcpy(k.addr, src[n].addr, 16);
		assert_int_equal(bpftest_flow(e.f->skel, 0, &k, &c), 0);
		if (c.tagged)
			got = c.tags;
		if (c.packets != c.tagged && c.tagged)
			got = ~0ULL; /* two masks for one source: wrong too */
		for (i = 0; i < masks && seen[i] != want; i++)
			;
		if (i == masks)
			seen[masks++] = want;
		if (got != want && wrong++ < 5) {
			inet_ntop(src[n].v6 ? AF_INET6 : AF_INET, src[n].addr,
				  addr, sizeof(addr));
			print_message("%s: tags %#llx, every prefix holding it gives %#llx\n",
				      addr, (unsigned long long)got,
				      (unsigned long long)want);
		}
	}
	distinct = bpftest_flow_entries(e.f->skel, 0);
	if (wrong)
		fail_msg("%zu of %d sources tagged otherwise than by every listed "
			 "prefix that contains them", wrong, NSOURCES);
	/* the sample reaches both sides of the boundaries, in both families */
	if (masks < 16 || distinct < NSOURCES / 2)
		fail_msg("only %zu distinct masks and %zu distinct sources", masks,
			 distinct);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(labelled_sources, tagtest_setup, tagtest_teardown),
		cmocka_unit_test_setup_teardown(config_files_into_the_kernel, tagtest_setup, tagtest_teardown),
		cmocka_unit_test_setup_teardown(label_trie_too_small, tagtest_setup_small, tagtest_teardown),
		cmocka_unit_test_setup_teardown(random_sources_against_brute_force, tagtest_setup, tagtest_teardown),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests_name("tags in the kernel: labelled lists", tests, NULL, NULL);
}
