// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The differential fuzz: random and damaged frames (tests/lib/fuzzframe.h)
 * one at a time through the classifier under BPF_PROG_TEST_RUN, and what
 * the kernel counted compared field by field with what the same parser,
 * compiled in user space, says (tests/lib/fuzzcheck.h): the totals, the
 * flow entry, the backscatter entry, the tags.
 *
 * `make test` runs 10^5 frames of a fixed seed and checks that they reach
 * every verdict, backscatter kind and tag. `make fuzz N=… SEED=… FROM=…`
 * runs this binary with TS_FUZZ_N, TS_FUZZ_SEED and TS_FUZZ_FROM (the
 * first frame's index). A mismatch prints the frame's seed, index and
 * recipe, its bytes as a C array for a regression test, the parse and
 * both verdicts; `make fuzz SEED=s FROM=i N=1` makes that frame again.
 * Needs root (or CAP_BPF + CAP_NET_ADMIN).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "fuzzframe.h"
#include "fuzzcheck.h"
#include "tagpkt.h"
#include "kfeature.h"

#define DEFAULT_N 100000
#define DEFAULT_SEED 0x7e1e5c09eULL
#define RULES "rules/default.rules"
#define SHOWN 10          /* mismatches printed in full */
#define PROGRESS 1000000  /* a line every so many frames of a long run */

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		fail_msg("%s=%s is not a number", name, s);
	return v;
}

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- frames ---- */

static void frames_are_reproducible(void **state)
{
	struct fz_frame a, b;
	size_t same = 0;

	(void)state;
	for (uint64_t i = 0; i < 2000; i++) {
		fz_make(DEFAULT_SEED, i, &a);
		fz_make(DEFAULT_SEED, i, &b);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.b, b.b, a.len);
		assert_string_equal(a.recipe, b.recipe);
		assert_in_range(a.len, FZ_MIN_FRAME, FZ_MAX_FRAME);
		fz_make(DEFAULT_SEED + 1, i, &b);
		same += a.len == b.len && !memcmp(a.b, b.b, a.len);
	}
	assert_true(same < 20); /* another seed, other frames */
}

/* ---- the comparison ---- */

static void differences_are_named(void **state)
{
	struct fz_rules none = { 0 };
	struct fz_verdict want, got;
	struct pb_packet p;
	struct ts_pkt pkt;
	uint8_t frame[PB_MAX_FRAME];
	char why[512], *text = NULL;
	size_t len, size = 0;
	FILE *out;

	(void)state;
	tag_names_init(&none.names);
	syn(&p, "203.0.113.10", US4, 23); /* a Mirai SYN: a flow with a tag */
	p.seq = pb_dst_as_seq(&p);
	len = pb_build(&p, frame, sizeof(frame), NULL);
	fz_model(&none, frame, len, &want, &pkt);
	assert_int_equal(want.t.mirai, 1);
	assert_int_equal(want.fv.tags, MIRAI);
	assert_int_equal(want.flows4, 1);
	assert_int_equal(want.fv.marks, 1ULL << 32 | 1); /* mirai, tagged */
	assert_int_equal(fz_differ(&want, &want, why, sizeof(why)), 0);
	assert_string_equal(why, "");

	got = want;
	got.t.malformed = 1;
	got.f4.port = 24;
	got.fv.tags = 0;
	got.bscat = 1;
	assert_int_equal(fz_differ(&want, &got, why, sizeof(why)), 4);
	assert_string_equal(why, "totals.malformed bscat f4.port fv.tags ");

	out = open_memstream(&text, &size);
	assert_non_null(out);
	fz_print_verdict(out, "user space", &want, &none.names);
	fz_print_verdict(out, "kernel", &got, &none.names);
	fz_print_frame(out, frame, len);
	fclose(out);
	assert_non_null(strstr(text, "malformed 1"));
	assert_non_null(strstr(text, "v4 203.0.113.10 tcp port 24"));
	assert_non_null(strstr(text, "tags 0x1 mirai"));
	assert_non_null(strstr(text, "/* 0x0000 */ 0x02, 0x00,"));
	free(text);
}

/* The kernel side is live: a model that knows no rules is caught out. */
static void a_wrong_model_is_caught(void **state)
{
	static const uint8_t probe[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x31, 0 };
	struct fz_rules rules, none = { 0 };
	struct fz_verdict want, got;
	struct fz_kernel k;
	struct pb_packet p;
	struct ts_pkt pkt;
	uint8_t frame[PB_MAX_FRAME];
	char why[512];
	size_t len;

	(void)state;
	fz_kernel_open(&k, RULES, &rules);
	udp(&p, "203.0.113.10", US4, 4444, probe, sizeof(probe));
	len = pb_build(&p, frame, sizeof(frame), NULL);
	fz_model(&rules, frame, len, &want, &pkt);
	assert_int_equal(fz_kernel_run(&k, frame, len, &got), 0);
	assert_int_equal(fz_differ(&want, &got, why, sizeof(why)), 0);
	assert_int_not_equal(want.fv.tags, 0);

	fz_model(&none, frame, len, &want, &pkt);
	assert_int_equal(fz_kernel_run(&k, frame, len, &got), 0);
	assert_int_equal(fz_differ(&want, &got, why, sizeof(why)), 3);
	assert_string_equal(why, "totals.tagged fv.marks fv.tags ");
	fz_kernel_close(&k, &rules);
}

/* ---- the fuzz ---- */

/* What the frames reached, from the user-space verdicts. */
struct cover {
	uint64_t verdict[3], kind[TS_BS_KIND_COUNT], tag[TS_TAG_MAX];
	uint64_t frag4, frag6, mismatch, jumbo;
};

static void cover(struct cover *c, const struct fz_verdict *v,
		  const struct ts_pkt *p, size_t len)
{
	c->verdict[p->verdict]++;
	if (p->verdict != TS_IP)
		return;
	c->kind[p->bs_kind]++;
	for (int b = 0; b < TS_TAG_MAX; b++)
		c->tag[b] += (v->fv.tags >> b) & 1;
	c->frag4 += p->fragment && p->family == TS_FAMILY_IPV4;
	c->frag6 += p->fragment && p->family == TS_FAMILY_IPV6;
	c->mismatch += p->quote_mismatch;
	c->jumbo += len > 1518;
}

/* Prints the coverage; returns what is missing (0: all reached). */
static int print_cover(const struct cover *c, const struct fz_rules *rules)
{
	int kinds = 0, tags = 0, want_tags = 0, missing = 0;

	for (int k = 1; k < TS_BS_KIND_COUNT; k++)
		kinds += c->kind[k] > 0;
	for (int b = 0; b < TS_TAG_MAX; b++)
		if (rules->names.name[b][0]) {
			want_tags++;
			tags += c->tag[b] > 0;
		}
	printf("fuzz: reached: ip %llu, malformed %llu, non-IP %llu; fragments IPv4 %llu, "
	       "IPv6 %llu; quote mismatches %llu; jumbo frames %llu; backscatter kinds "
	       "%d of %d; tags %d of %d:",
	       (unsigned long long)c->verdict[TS_IP],
	       (unsigned long long)c->verdict[TS_MALFORMED],
	       (unsigned long long)c->verdict[TS_NON_IP],
	       (unsigned long long)c->frag4, (unsigned long long)c->frag6,
	       (unsigned long long)c->mismatch, (unsigned long long)c->jumbo,
	       kinds, TS_BS_KIND_COUNT - 1, tags, want_tags);
	for (int b = 0; b < TS_TAG_MAX; b++)
		if (rules->names.name[b][0])
			printf(" %s %llu", rules->names.name[b], (unsigned long long)c->tag[b]);
	printf("\n");
	for (int v = 0; v < 3; v++)
		missing += !c->verdict[v];
	missing += !c->frag4 + !c->frag6 + !c->mismatch + !c->jumbo;
	return missing + (TS_BS_KIND_COUNT - 1 - kinds) + (want_tags - tags);
}

static void report(uint64_t seed, uint64_t i, const struct fz_frame *f,
		   const struct fz_verdict *want, const struct fz_verdict *got,
		   const struct ts_pkt *pkt, const char *why,
		   const struct tag_names *names)
{
	printf("fuzz: MISMATCH in frame %llu of seed %#llx (make fuzz SEED=%#llx FROM=%llu N=1)\n"
	       "  recipe: %s\n  differs: %s\n",
	       (unsigned long long)i, (unsigned long long)seed,
	       (unsigned long long)seed, (unsigned long long)i, f->recipe, why);
	fz_print_parse(stdout, pkt);
	fz_print_verdict(stdout, "user space", want, names);
	fz_print_verdict(stdout, "kernel", got, names);
	fz_print_frame(stdout, f->b, f->len);
	fflush(stdout);
}

static void kernel_counts_as_user_space(void **state)
{
	uint64_t n = env_u64("TS_FUZZ_N", DEFAULT_N);
	uint64_t seed = env_u64("TS_FUZZ_SEED", DEFAULT_SEED);
	uint64_t from = env_u64("TS_FUZZ_FROM", 0);
	struct fz_verdict want, got;
	struct fz_rules rules;
	struct cover c;
	struct fz_kernel k;
	struct fz_frame f;
	struct ts_pkt pkt;
	uint64_t bad = 0;
	double start;
	char why[512];

	(void)state;
	memset(&c, 0, sizeof(c));
	fz_kernel_open(&k, RULES, &rules);
	start = seconds();
	for (uint64_t i = from; i - from < n; i++) {
		fz_make(seed, i, &f);
		fz_model(&rules, f.b, f.len, &want, &pkt);
		if (fz_kernel_run(&k, f.b, f.len, &got))
			fail_msg("frame %llu: the kernel side failed: %s",
				 (unsigned long long)i, strerror(errno));
		cover(&c, &want, &pkt, f.len);
		if (fz_differ(&want, &got, why, sizeof(why)) && ++bad <= SHOWN)
			report(seed, i, &f, &want, &got, &pkt, why, &rules.names);
		if ((i - from + 1) % PROGRESS == 0) {
			printf("fuzz: %llu frames, %llu mismatches, %.0f frames/s\n",
			       (unsigned long long)(i - from + 1), (unsigned long long)bad,
			       (double)(i - from + 1) / (seconds() - start));
			fflush(stdout);
		}
	}
	printf("fuzz: %llu frames of seed %#llx from %llu in %.1f s: %.0f frames/s, "
	       "%llu mismatches\n", (unsigned long long)n, (unsigned long long)seed,
	       (unsigned long long)from, seconds() - start,
	       (double)n / (seconds() - start), (unsigned long long)bad);
	if (print_cover(&c, &rules) && n >= DEFAULT_N)
		fail_msg("%llu frames did not reach every verdict, kind and tag "
			 "(the line above)", (unsigned long long)n);
	fz_kernel_close(&k, &rules);
	if (bad)
		fail_msg("%llu of %llu frames counted otherwise in the kernel",
			 (unsigned long long)bad, (unsigned long long)n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(frames_are_reproducible),
		cmocka_unit_test(differences_are_named),
		cmocka_unit_test(a_wrong_model_is_caught),
		cmocka_unit_test(kernel_counts_as_user_space),
	};

	kfeature_need(KF_BPF);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
