// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzz's damage (fuzzframe.h): a built packet cut at its header
 * boundaries or anywhere, its length fields shrunk, grown or made up, its
 * header fields and bytes changed; and random bytes behind an Ethernet
 * header.
 */
#include <string.h>
#include "fuzzframe.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[fz_below((r), COUNT(a))])
#define MAX_BOUNDS 48

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)(p[0] << 8 | p[1]);
}

struct bounds {
	size_t at[MAX_BOUNDS];
	size_t n;
	size_t ext[PB_MAX_EXT]; /* where each IPv6 extension header starts */
};

static void bound(struct bounds *b, size_t at)
{
	if (b->n < MAX_BOUNDS)
		b->at[b->n++] = at;
}

/* Where the headers of p, as built, begin and end; what a quote holds. */
static void boundaries(const struct pb_packet *p, const struct pb_layout *lay,
		       struct bounds *b)
{
	size_t l3 = lay->l3_off, l4 = lay->l4_off, at;

	b->n = 0;
	for (int i = 0; i <= p->vlans; i++)
		bound(b, 14 + 4 * (size_t)i);
	if (p->family == 4) {
		bound(b, l3 + 20);
		bound(b, l3 + 20 + p->ip_opts_len);
	} else if (p->family == 6) {
		at = l3 + 40;
		bound(b, at);
		for (int i = 0; i < p->exts; i++) {
			const struct pb_ext *e = &p->ext[i];

			b->ext[i] = at;
			at += e->type == PB_EXT_FRAGMENT ? 8
			    : e->type == PB_EXT_AH ? 4 * ((size_t)e->len8 + 2)
						   : 8 * ((size_t)e->len8 + 1);
			bound(b, at);
		}
	}
	if (l4) {
		bound(b, l4 + 4);
		bound(b, l4 + 8);
		if (p->proto == PB_TCP) {
			bound(b, l4 + 14);
			bound(b, l4 + 20);
			bound(b, l4 + 20 + p->tcp_opts_len);
		} else if (p->proto == PB_UDP) {
			bound(b, l4 + 8 + 12);
		} else if (p->quote) {
			const struct pb_packet *q = p->quote;
			size_t qhl = q->family == 4 ? 20 + q->ip_opts_len : 40;

			bound(b, l4 + 8 + 20);
			bound(b, l4 + 8 + qhl);
			bound(b, l4 + 8 + qhl + 4);
			bound(b, l4 + 8 + qhl + 8);
		}
	}
	bound(b, lay->frame_len);
}

/* Set the IP length field so that the IP packet ends at frame offset `end`. */
static void ip_len_to(const struct pb_packet *p, const struct pb_layout *lay,
		      struct fz_frame *f, size_t end)
{
	size_t l3 = lay->l3_off;
	uint32_t len = end > l3 ? (uint32_t)(end - l3) : 0;

	if (p->family == 4 && l3 + 4 <= f->len)
		put16(f->b + l3 + 2, len);
	else if (p->family == 6 && l3 + 6 <= f->len)
		put16(f->b + l3 + 4, len >= 40 ? len - 40 : 0);
}

/* A jumbo frame: bytes appended, the IP length grown to cover them (or not). */
static void grow(struct fz_rng *r, const struct pb_packet *p,
		 const struct pb_layout *lay, struct fz_frame *f)
{
	size_t to = fz_one_in(r, 3) ? FZ_MAX_FRAME
		    : f->len + fz_below(r, (uint32_t)(FZ_MAX_FRAME - f->len + 1));
	size_t l3 = lay->l3_off;
	int follow = !fz_one_in(r, 4);

	if (fz_one_in(r, 2))
		fz_bytes(r, f->b + f->len, to - f->len);
	else
		memset(f->b + f->len, fz_one_in(r, 2) ? 0 : 'A', to - f->len);
	if (follow && p->family == 4 && l3 + 4 <= f->len) {
		uint32_t len = get16(f->b + l3 + 2) + (uint32_t)(to - f->len);

		put16(f->b + l3 + 2, len > 0xffff ? 0xffff : len);
	} else if (follow && p->family == 6 && l3 + 6 <= f->len) {
		put16(f->b + l3 + 4, get16(f->b + l3 + 4) + (uint32_t)(to - f->len));
	}
	fz_note(f, "| jumbo %zu%s ", to, follow ? "" : " (IP length kept)");
	f->len = to;
}

/* 1 to 4 bytes changed, most in the headers. */
static void flip(struct fz_rng *r, const struct pb_layout *lay, struct fz_frame *f)
{
	static const uint8_t value[] = { 0x00, 0xff, 0x45, 0x4f, 0x60, 0x06, 0x11,
					 0x01, 0x3a, 0x2c, 0x3b, 0x33, 0x2b, 0x3c,
					 0x81, 0x88, 0x08, 0x86, 0xdd, 0x50, 0x12 };
	int n = 1 + (int)fz_below(r, 4);

	fz_note(f, "| flip");
	for (int i = 0; i < n; i++) {
		size_t from = lay->l3_off > 14 ? lay->l3_off - 4 : 12, at;

		if (fz_one_in(r, 4) || from + 1 >= f->len)
			at = fz_below(r, (uint32_t)f->len);
		else
			at = from + fz_below(r, (uint32_t)(f->len - from < 96 ? f->len - from : 96));
		switch (fz_below(r, 3)) {
		case 0: f->b[at] ^= (uint8_t)(1 << fz_below(r, 8)); break;
		case 1: f->b[at] = (uint8_t)fz_next(r); break;
		default: f->b[at] = PICK(r, value); break;
		}
		fz_note(f, " %zu", at);
	}
	fz_note(f, " ");
}

void fz_build_damaged(struct fz_rng *r, struct pb_packet *p, struct fz_frame *f)
{
	struct pb_layout lay;
	struct bounds b;
	size_t at;

	if (fz_one_in(r, 3)) { /* a third as built */
		f->len = pb_build(p, f->b, sizeof(f->b), &lay);
		return;
	}
	if (p->family == 4 && fz_one_in(r, 12)) {
		p->ihl = (int)fz_below(r, 16);
		fz_note(f, "| ihl %d ", p->ihl);
	}
	if (p->proto == PB_TCP && fz_one_in(r, 12)) {
		p->tcp_doff = (int)fz_below(r, 16);
		fz_note(f, "| doff %d ", p->tcp_doff);
	}
	if (p->family && fz_one_in(r, 24)) {
		p->version = (int)fz_below(r, 16);
		fz_note(f, "| version %d ", p->version);
	}
	f->len = pb_build(p, f->b, sizeof(f->b), &lay);
	if (!p->family) {
		if (fz_one_in(r, 4))
			flip(r, &lay, f);
		return;
	}
	boundaries(p, &lay, &b);

	if (fz_one_in(r, 10))
		grow(r, p, &lay, f);
	if (fz_one_in(r, 10)) { /* an Ethernet trailer the IP length does not cover */
		size_t n = 1 + fz_below(r, 60);

		if (f->len + n <= FZ_MAX_FRAME) {
			fz_bytes(r, f->b + f->len, n);
			f->len += n;
			fz_note(f, "| trailer %zu ", n);
		}
	}
	if (fz_one_in(r, 8)) { /* the IP packet ends at a boundary, the frame does not */
		at = b.at[fz_below(r, (uint32_t)b.n)] + fz_below(r, 5) - 2;
		ip_len_to(p, &lay, f, at);
		fz_note(f, "| IP length to %zu ", at);
	} else if (fz_one_in(r, 16)) {
		at = fz_one_in(r, 2) ? fz_below(r, 0x10000) : f->len + fz_below(r, 9) - 4;
		ip_len_to(p, &lay, f, at);
		fz_note(f, "| IP length to %zu ", at);
	}
	if (p->exts && fz_one_in(r, 12)) { /* an extension header's length lies */
		int i = (int)fz_below(r, (uint32_t)p->exts);

		if (b.ext[i] + 2 <= f->len)
			f->b[b.ext[i] + 1] = (uint8_t)fz_next(r);
		fz_note(f, "| ext%d length lies ", i);
	}
	if (fz_one_in(r, 6))
		flip(r, &lay, f);
	if (fz_one_in(r, 5)) { /* cut at a header boundary, or one byte either side */
		at = b.at[fz_below(r, (uint32_t)b.n)] + fz_below(r, 5) - 2;
		if (at >= FZ_MIN_FRAME && at < f->len)
			f->len = at;
		fz_note(f, "| cut at %zu ", f->len);
	} else if (fz_one_in(r, 10)) {
		f->len = FZ_MIN_FRAME + fz_below(r, (uint32_t)(f->len - FZ_MIN_FRAME + 1));
		fz_note(f, "| cut at %zu ", f->len);
	}
}

void fz_random_after_eth(struct fz_rng *r, struct fz_frame *f)
{
	static const uint16_t types[] = { 0x0800, 0x0800, 0x0800, 0x86dd, 0x86dd,
					  0x86dd, 0x8100, 0x88a8, 0x0806 };
	static const uint8_t protos[] = { 1, 6, 17, 58, 47, 0, 43, 44, 51, 60, 59 };
	size_t at = 12, n;
	uint16_t type;
	uint8_t *ip;

	fz_bytes(r, f->b, 12);
	for (int v = (int)fz_below(r, 4); v > 0; v--, at += 4) {
		put16(f->b + at, PICK(r, types));
		put16(f->b + at + 2, (uint32_t)fz_next(r));
	}
	type = fz_one_in(r, 8) ? (uint16_t)fz_next(r) : PICK(r, types);
	put16(f->b + at, type);
	at += 2;
	ip = f->b + at;
	n = fz_one_in(r, 4) ? fz_below(r, (uint32_t)(FZ_MAX_FRAME - at + 1)) : fz_below(r, 120);
	fz_bytes(r, ip, n);
	f->len = at + n;
	fz_note(f, "random %zu bytes after ethertype %#x at %zu", n, type, at);
	if (fz_one_in(r, 2))
		return;
	/* a version that fits the EtherType and a length that fits the frame */
	if (type == 0x0800 && n >= 10) {
		ip[0] = (uint8_t)(0x40 | (fz_one_in(r, 4) ? fz_below(r, 16) : 5));
		if (fz_one_in(r, 2))
			put16(ip + 2, (uint32_t)n);
		ip[9] = PICK(r, protos);
		if (fz_one_in(r, 2)) { /* not a fragment */
			ip[6] &= 0xe0;
			ip[7] = 0;
		}
		fz_note(f, ", IPv4 header %#x proto %u", ip[0], ip[9]);
	} else if (type == 0x86dd && n >= 7) {
		ip[0] = (uint8_t)(0x60 | (ip[0] & 0x0f));
		if (fz_one_in(r, 2))
			put16(ip + 4, n >= 40 ? (uint32_t)n - 40 : 0);
		ip[6] = PICK(r, protos);
		fz_note(f, ", IPv6 header next %u", ip[6]);
	}
}
