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
enum entry { ANY, FLOW, BSCAT, TAGGED };

struct field {
	const char *name;
	size_t off, size;
	enum entry in;
};

#define FIELD(f, in) \
	{ #f, offsetof(struct fz_verdict, f), sizeof(((struct fz_verdict *)0)->f), in }

static const struct field fields[] = {
	FIELD(action, ANY), FIELD(flows, ANY), FIELD(bscat, ANY), FIELD(tagged, ANY),
	FIELD(fk.addr, FLOW), FIELD(fk.family, FLOW), FIELD(fk.proto, FLOW),
	FIELD(fk.port, FLOW), FIELD(fc.packets, FLOW), FIELD(fc.bytes, FLOW),
	FIELD(fc.mirai, FLOW), FIELD(fc.tags, FLOW), FIELD(fc.tagged, FLOW),
	FIELD(bk.addr, BSCAT), FIELD(bk.family, BSCAT), FIELD(bk.proto, BSCAT),
	FIELD(bk.src_port, BSCAT), FIELD(bk.kind, BSCAT), FIELD(bn, BSCAT),
	FIELD(tk.addr, TAGGED), FIELD(tk.family, TAGGED), FIELD(tk.proto, TAGGED),
	FIELD(tk.port, TAGGED), FIELD(tk.tags, TAGGED), FIELD(tn, TAGGED),
};

static unsigned made(const struct fz_verdict *v, enum entry in)
{
	return in == FLOW ? v->flows : in == BSCAT ? v->bscat : in == TAGGED ? v->tagged : 1;
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
	if (v->flows) {
		fprintf(out, "  %-10s flow (%u): ", "", v->flows);
		key(out, v->fk.addr, v->fk.family, v->fk.proto);
		fprintf(out, " port %u: packets %llu, bytes %llu, mirai %llu, tagged %llu, tags ",
			v->fk.port, (unsigned long long)v->fc.packets,
			(unsigned long long)v->fc.bytes, (unsigned long long)v->fc.mirai,
			(unsigned long long)v->fc.tagged);
		tag_list(out, v->fc.tags, names);
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
