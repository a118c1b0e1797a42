// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Comparing and printing the fuzz's verdicts (fuzzcheck.h). */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include "common/contract.h"
#include "fuzzcheck.h"

/* struct ts_totals, field by field */
static const char *const total_name[] = {
	"packets", "bytes", "malformed", "non_ip", "overflow", "fragments",
	"mirai", "backscatter", "bs_overflow", "quote_mismatch", "tagged",
	"tag_overflow",
};

_Static_assert(sizeof(struct ts_totals) == sizeof(total_name) / sizeof(total_name[0]) * 8,
	       "a field of struct ts_totals has no name here");

struct why {
	char *buf;
	size_t len, at;
	int n;
};

static void differs(struct why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void differs(struct why *w, const char *fmt, ...)
{
	va_list ap;
	int k;

	w->n++;
	if (w->at + 1 >= w->len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(w->buf + w->at, w->len - w->at, fmt, ap);
	va_end(ap);
	w->at += k > 0 ? (size_t)k : 0;
	if (w->at >= w->len)
		w->at = w->len - 1;
}

/* The entry a field belongs to: compared when both sides made it. */
enum entry { ANY, FLOW4, FLOW6, FLOW, BSCAT, TAGGED };

struct field {
	const char *name;
	size_t off, size;
	enum entry in;
};

#define FIELD(f, in) \
	{ #f, offsetof(struct fz_verdict, f), sizeof(((struct fz_verdict *)0)->f), in }

static const struct field fields[] = {
	FIELD(action, ANY), FIELD(flows4, ANY), FIELD(flows6, ANY),
	FIELD(bscat, ANY), FIELD(tagged, ANY), FIELD(room_taken, ANY),
	FIELD(f4.addr, FLOW4), FIELD(f4.proto, FLOW4), FIELD(f4.pad, FLOW4),
	FIELD(f4.port, FLOW4),
	FIELD(f6.addr, FLOW6), FIELD(f6.proto, FLOW6), FIELD(f6.pad, FLOW6),
	FIELD(f6.port, FLOW6),
	FIELD(fv.pb, FLOW), FIELD(fv.marks, FLOW), FIELD(fv.tags, FLOW),
	FIELD(fv.carry, FLOW),
	FIELD(bk.addr, BSCAT), FIELD(bk.family, BSCAT), FIELD(bk.proto, BSCAT),
	FIELD(bk.src_port, BSCAT), FIELD(bk.kind, BSCAT), FIELD(bn, BSCAT),
	FIELD(tk.addr, TAGGED), FIELD(tk.family, TAGGED), FIELD(tk.proto, TAGGED),
	FIELD(tk.port, TAGGED), FIELD(tk.tags, TAGGED), FIELD(tn, TAGGED),
};

static unsigned made(const struct fz_verdict *v, enum entry in)
{
	switch (in) {
	case FLOW4: return v->flows4;
	case FLOW6: return v->flows6;
	case FLOW: return v->flows4 + v->flows6;
	case BSCAT: return v->bscat;
	case TAGGED: return v->tagged;
	default: return 1;
	}
}

int fz_differ(const struct fz_verdict *a, const struct fz_verdict *b,
	      char *why, size_t len)
{
	const __u64 *ta = (const __u64 *)&a->t, *tb = (const __u64 *)&b->t;
	struct why w = { why, len, 0, 0 };

	why[0] = '\0';
	for (size_t i = 0; i < sizeof(total_name) / sizeof(total_name[0]); i++)
		if (ta[i] != tb[i])
			differs(&w, "totals.%s ", total_name[i]);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];

		if (made(a, f->in) && made(b, f->in) &&
		    memcmp((const char *)a + f->off, (const char *)b + f->off, f->size))
			differs(&w, "%s ", f->name);
	}
	return w.n;
}

static const char *addr(const __u8 *a, __u8 family, char *buf, size_t len)
{
	if (!inet_ntop(family == TS_FAMILY_IPV6 ? AF_INET6 : AF_INET, a, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static void tag_list(FILE *out, __u64 tags, const struct tag_names *names)
{
	fprintf(out, "%#llx", (unsigned long long)tags);
	for (int b = 0; b < TS_TAG_MAX; b++)
		if (tags & (1ULL << b))
			fprintf(out, " %s", names->name[b][0] ? names->name[b] : "?");
}

static void key(FILE *out, const __u8 *a, __u8 family, __u8 proto)
{
	char ip[INET6_ADDRSTRLEN], p[4];

	fprintf(out, "v%u %s %s", family, addr(a, family, ip, sizeof(ip)),
		proto_name(proto, p));
}

void fz_print_verdict(FILE *out, const char *who, const struct fz_verdict *v,
		      const struct tag_names *names)
{
	const __u64 *t = (const __u64 *)&v->t;
	const char *sep = "";

	fprintf(out, "  %-10s totals:", who);
	for (size_t i = 0; i < sizeof(total_name) / sizeof(total_name[0]); i++)
		if (t[i]) {
			fprintf(out, "%s %s %llu", sep, total_name[i],
				(unsigned long long)t[i]);
			sep = ",";
		}
	fprintf(out, "%s; %s\n", *sep ? "" : " none",
		v->action == XDP_DROP ? "XDP_DROP" : "not XDP_DROP");
	if (v->flows4 || v->flows6) {
		fprintf(out, "  %-10s flow (%u IPv4, %u IPv6): ", "", v->flows4, v->flows6);
		if (v->flows4)
			key(out, v->f4.addr, TS_FAMILY_IPV4, v->f4.proto);
		else
			key(out, v->f6.addr, TS_FAMILY_IPV6, v->f6.proto);
		fprintf(out, " port %u: pb %#llx, marks %#llx, carry %u %u %u %u, tags ",
			v->flows4 ? v->f4.port : v->f6.port,
			(unsigned long long)v->fv.pb, (unsigned long long)v->fv.marks,
			v->fv.carry[0], v->fv.carry[1], v->fv.carry[2], v->fv.carry[3]);
		tag_list(out, v->fv.tags, names);
		fputc('\n', out);
	}
	if (v->bscat) {
		const char *kind = bs_kind_name(v->bk.kind);

		fprintf(out, "  %-10s backscatter (%u): ", "", v->bscat);
		key(out, v->bk.addr, v->bk.family, v->bk.proto);
		fprintf(out, " src_port %u kind %s: %llu\n", v->bk.src_port,
			kind ? kind : "?", (unsigned long long)v->bn);
	}
	if (v->tagged) {
		fprintf(out, "  %-10s tagged (%u): ", "", v->tagged);
		key(out, v->tk.addr, v->tk.family, v->tk.proto);
		fprintf(out, " port %u: %llu, tags ", v->tk.port, (unsigned long long)v->tn);
		tag_list(out, v->tk.tags, names);
		fputc('\n', out);
	}
}

void fz_print_parse(FILE *out, const struct ts_pkt *p)
{
	fprintf(out, "  parse: verdict %u family %u proto %u port %u ip_len %u "
		"l4_off %u payload_off %u payload_len %u tcp_flags %#x tcp_hlen %u "
		"bs_kind %u bs_port %u fragment %u mirai %u quote_mismatch %u\n",
		p->verdict, p->family, p->proto, p->port, p->ip_len, p->l4_off,
		p->payload_off, p->payload_len, p->tcp_flags, p->tcp_hlen,
		p->bs_kind, p->bs_port, p->fragment, p->mirai, p->quote_mismatch);
}

void fz_print_frame(FILE *out, const uint8_t *frame, size_t len)
{
	fprintf(out, "static const uint8_t frame[%zu] = {\n", len);
	for (size_t i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(out, "\t/* 0x%04zx */", i);
		fprintf(out, " 0x%02x,%s", frame[i],
			i % 16 == 15 || i + 1 == len ? "\n" : "");
	}
	fprintf(out, "};\n");
}
