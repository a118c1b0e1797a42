/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Map keys and values shared by the XDP classifier (bpf/) and the loader
 * (user/). Every struct here is part of the pinned-map layout: change one
 * and bump TELESCOPE_LAYOUT, so that a new loader refuses old pins with a
 * clear message instead of silently reading garbage.
 */
#ifndef TELESCOPE_H
#define TELESCOPE_H

#ifdef __bpf__
/* vmlinux.h provides __u8 … __u64 */
#else
#include <linux/types.h>
#endif

#define TELESCOPE_LAYOUT 5

/* Address families as stored in keys (not AF_*: the kernel side has none). */
#define TS_FAMILY_IPV4 4
#define TS_FAMILY_IPV6 6

/* What the parser made of a frame. */
enum ts_verdict {
	TS_IP = 0,        /* an IPv4/IPv6 packet, classified */
	TS_NON_IP = 1,    /* not IP (ARP, LLDP, a third VLAN tag …) */
	TS_MALFORMED = 2, /* IP, but truncated or inconsistent */
};

/* Backscatter kinds; the names in ts_kind_name() are the CSV `kind` column. */
enum ts_bs_kind {
	TS_BS_NONE = 0,
	TS_BS_SYNACK,
	TS_BS_RST,
	TS_BS_RSTACK,
	TS_BS_ICMP_ECHO_REPLY,
	TS_BS_ICMP_UNREACH,
	TS_BS_ICMP_QUENCH,
	TS_BS_ICMP_REDIRECT,
	TS_BS_ICMP_TIME_EXCEEDED,
	TS_BS_ICMP_PARAM,
	TS_BS_ICMP_REPLY,
	TS_BS_ICMP6_ECHO_REPLY,
	TS_BS_ICMP6_UNREACH,
	TS_BS_ICMP6_TOO_BIG,
	TS_BS_ICMP6_TIME_EXCEEDED,
	TS_BS_ICMP6_PARAM,
	TS_BS_KIND_COUNT,
};

/*
 * One entry per (source address, protocol, destination port) seen in an
 * interval. Every per-source series (sources, countries, port_countries,
 * the `sources` columns) is derived from these maps, so the hot path
 * touches one entry of one large map per packet: flows4 for IPv4 (an
 * 8-byte key, the commonest packet's), flows6 for IPv6. Together they
 * hold at most --max-sources entries (the `room` map keeps the count).
 */
struct ts_flow4_key {
	__u8 addr[4];
	__u8 proto;    /* IP protocol number */
	__u8 pad;      /* TS_FLOW4_USED in flows4's slots */
	__u16 port;    /* TCP/UDP destination port, ICMP type; host order */
};

struct ts_flow6_key {
	__u8 addr[16];
	__u8 proto;
	__u8 pad;      /* 0; TS_FAMILY_IPV4 for an IPv4 flow flows4 had no slot for */
	__u16 port;
};

/*
 * A flow's counters, packed so that a packet costs one atomic add (two
 * when tagged or Mirai-type) on the first words of the entry:
 *
 *   pb     packets << 40 | bytes
 *   marks  mirai << 32 | tagged
 *
 * Each field keeps its top bit as a carry flag: the one add that sets it
 * (fetch-and-add returns the old value, so exactly one CPU sees the bit
 * go from 0 to 1) takes that bit's weight out of the field again and adds
 * one unit to the field's carry word. The room left above the flag
 * (2^23 packets, 2^39 bytes, 2^31 marks) is far more than other CPUs can
 * add meanwhile, so no field spills into its neighbour. The value of a
 * field is carry * weight + field (ts_flow_counts() in user space).
 */
#define TS_PB_PKT_SHIFT 40
#define TS_PB_BYTES_FLAG (1ULL << 39)
#define TS_PB_PKT_FLAG (1ULL << 63)
#define TS_MARK_MIRAI_SHIFT 32
#define TS_MARK_TAGGED_FLAG (1ULL << 31)
#define TS_MARK_MIRAI_FLAG (1ULL << 63)

enum ts_flow_carry {
	TS_CARRY_PACKETS, /* units of 2^23 packets */
	TS_CARRY_BYTES,   /* units of 2^39 bytes */
	TS_CARRY_TAGGED,  /* units of 2^31 packets */
	TS_CARRY_MIRAI,   /* units of 2^31 packets */
	TS_CARRY_COUNT,
};

struct ts_flow_val {
	__u64 pb;
	__u64 marks;
	/*
	 * The tag mask of the flow's tagged packets (`tagged` counts them).
	 * A scanner tags all its packets alike, so the flow entry (already
	 * in cache) counts them; a packet whose mask differs from the first
	 * one goes to the tagged map instead.
	 */
	__u64 tags;
	/*
	 * The labels the lists give the flow's source, looked up once per
	 * flow and list generation instead of once per packet: the mask,
	 * with ctl.labels_gen in the low bits (TS_LABELS_GEN_MASK; labels
	 * never take a built-in bit). 0: not looked up yet.
	 */
	__u64 labels;
	__u32 carry[TS_CARRY_COUNT]; /* touched once per carry: cold */
};

#define TS_LABELS_GEN_MASK 0x7fULL

/*
 * flows4 is not a kernel hash map but an open-addressing table in an
 * array of 64-byte slots, each a key and its counters in one cache line:
 * a packet costs one cache miss, where a hash map costs one for the
 * bucket and one or two for the element (48 bytes of header, then key
 * and value). A flow's slot is the first free or matching one of the
 * TS_FLOW4_PROBES slots from ts_flow4_home(); a slot is claimed by one
 * compare-and-swap of its key (0: free; a claimed key has pad =
 * TS_FLOW4_USED, so it is never 0) and never freed during an interval,
 * so a key once found stays where it was found. The table has
 * TS_FLOW4_SLOTS_PER_SOURCE slots per --max-sources entry, so it is at
 * most half full and a probe sequence is 1.5 slots long on average; a
 * flow whose TS_FLOW4_PROBES slots are all taken by other keys (at a
 * full table, about 3 in 10,000) is counted in flows6 instead, under a
 * key with pad = TS_FAMILY_IPV4. The table's size is in the generation's
 * `room` entry (ts_room.slots). The loader reads and clears the table
 * through a memory map of the array (BPF_F_MMAPABLE).
 */
#define TS_FLOW4_USED 1
#define TS_FLOW4_PROBES 16
#define TS_FLOW4_SLOTS_PER_SOURCE 2

struct ts_flow4_slot {
	struct ts_flow4_key key;
	struct ts_flow_val val;
	__u64 spare; /* to 64 bytes: a slot never straddles two cache lines */
};

_Static_assert(sizeof(struct ts_flow4_slot) == 64, "a flows4 slot is one cache line");

/* A key's first slot of `slots`: a 64-bit mix, then a multiply-shift into range. */
static inline __u32 ts_flow4_home(__u64 key, __u32 slots)
{
	key ^= key >> 32;
	key *= 0xd6e8feb86659fd93ULL;
	key ^= key >> 32;
	return (__u32)(((key & 0xffffffffULL) * slots) >> 32);
}

/* Unpacked counters: what user space makes of a flow (and ovports' value). */
struct ts_counts {
	__u64 packets;
	__u64 bytes;
	__u64 mirai;
	__u64 tags;
	__u64 tagged;
};

/*
 * Free flow entries of each generation, counted down by the program, and
 * the size of its flows4 table (the loader sets both while the
 * generation is empty: room_reset(); a table of 0 slots is never used).
 */
struct ts_room {
	__s64 free;
	__u32 slots;
	__u32 pad0;
	__u64 pad[6]; /* a cache line of its own for each generation */
};

/* Packets whose flow did not fit: still counted by port (ports.csv). */
struct ts_port_key {
	__u8 proto;
	__u8 pad;
	__u16 port;
};

/* One entry per (backscatter source, protocol, victim's service port, kind). */
struct ts_bs_key {
	__u8 addr[16];
	__u8 family;
	__u8 proto;
	__u16 src_port;
	__u8 kind;
	__u8 pad[3];
};

/*
 * Tags. A packet's tags are a 64-bit mask: the built-in fingerprints
 * (fingerprint.h) take the low bits, payload rules and labelled address
 * lists the rest; the loader names the bits in the `tagnames` map.
 */
#define TS_TAG_MAX 64

/* The built-in fingerprints' bits (fingerprint.h); rules and lists take the rest. */
enum ts_tag_bit {
	TS_TAG_MIRAI = 0,
	TS_TAG_ZMAP,
	TS_TAG_MASSCAN,
	TS_TAG_NMAP_SYN,
	TS_TAG_SYNFUL_KNOCK,
	TS_TAG_SIP_OPTIONS,
	TS_TAG_SIP_FRIENDLY,
	TS_TAG_BUILTIN_COUNT,
};

/* The flow's cached labels keep their generation in the built-in bits. */
_Static_assert((1ULL << TS_TAG_BUILTIN_COUNT) - 1 == 0x7f,
	       "TS_LABELS_GEN_MASK must be the built-in tag bits");

#define TS_RULE_BYTES 32      /* bytes a payload rule compares */
#define TS_RULE_MAX_OFFSET 1024 /* how deep into a payload a rule may look */
#define TS_RULES_PER_KEY 8    /* rules on one (protocol, port) */

#define TS_STR_(x) #x
#define TS_STR(x) TS_STR_(x)

/* Tagged packets by (source, protocol, port, tag mask). */
struct ts_tag_key {
	__u8 addr[16];
	__u8 family;
	__u8 proto;
	__u16 port;
	__u32 pad;
	__u64 tags;
};

/* Tagged packets whose key did not fit: by (tag mask, protocol, port). */
struct ts_tagov_key {
	__u64 tags;
	__u8 proto;
	__u8 pad;
	__u16 port;
	__u32 pad2;
};

/* Payload rules of one protocol and port (any = 1: every port). */
struct ts_rule_key {
	__u8 proto;
	__u8 any;
	__u16 port;
};

/*
 * Which ports have rules: one bit per (protocol, port), TCP in words
 * 0-1023, UDP in 1024-2047, so a packet on a port without rules costs an
 * array read, not a hash lookup. The `*` rules of a protocol live in the
 * rules_any array (0 TCP, 1 UDP).
 */
#define TS_RULE_PORT_WORDS 2048

struct ts_rule {
	__u16 offset; /* into the L4 payload */
	__u8 len;     /* 1 … TS_RULE_BYTES */
	__u8 bit;     /* tag bit set on a match */
	__u32 pad;
	__u8 bytes[TS_RULE_BYTES];
};

struct ts_rule_set {
	__u32 count;
	__u32 pad;
	struct ts_rule rule[TS_RULES_PER_KEY];
};

/* Labelled address lists: IPv4 stored as ::ffff:a.b.c.d, prefix + 96. */
struct ts_label_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct ts_tag_name {
	char name[32];
};

/* ts_ctl.flags: what the program has to look at besides the headers. */
#define TS_CTL_RULES 0x1  /* the rules map holds rules */
#define TS_CTL_LABELS 0x2 /* the labels trie holds prefixes */

/* Per-CPU interval totals; the loader sums CPUs. */
struct ts_totals {
	__u64 packets;        /* IP packets classified */
	__u64 bytes;          /* sum of their IP lengths */
	__u64 malformed;      /* IP packets too broken to classify */
	__u64 non_ip;         /* frames that are not IP */
	__u64 overflow;       /* IP packets whose flow did not fit */
	__u64 fragments;      /* non-first fragments (no L4 header) */
	__u64 mirai;          /* Mirai-type SYNs */
	__u64 backscatter;    /* backscatter packets */
	__u64 bs_overflow;    /* backscatter packets whose key did not fit */
	__u64 quote_mismatch; /* ICMP errors quoting a source not ours */
	__u64 tagged;         /* IP packets with at least one tag */
	__u64 tag_overflow;   /* tagged packets whose tag key did not fit */
};

/*
 * Control block, one element, written by the loader. The program reads
 * `gen` once per packet and writes only the maps of that generation; the
 * loader flips it and then waits for an RCU grace period (a map-in-map
 * update), after which the other generation is quiescent and can be read
 * and cleared without racing the program.
 */
struct ts_ctl {
	__u32 layout;       /* TELESCOPE_LAYOUT of whoever created the pins */
	__u32 gen;          /* generation the program writes: 0 or 1 */
	__u64 since[2];     /* start (UTC seconds) of each generation's rows */
	__u64 attached_at;  /* UTC seconds of the first attach */
	__u32 drain_phase;  /* enum ts_drain_phase, for crash recovery */
	__u32 drain_gen;    /* the generation that phase refers to */
	__u32 flags;        /* TS_CTL_* */
	__u32 labels_gen;   /* 1 … TS_LABELS_GEN_MASK, new with every change of the lists */
	__u64 last_written; /* row time of the last drain written */
	struct ts_totals drained; /* everything drained so far (for status) */
	__u64 tag_drained[TS_TAG_MAX]; /* packets per tag bit drained so far */
};

/* Where a drain stood if the loader died in the middle of one. */
enum ts_drain_phase {
	TS_DRAIN_IDLE = 0,    /* the idle generation is empty or untouched */
	TS_DRAIN_WRITING = 1, /* rows may be half-written: roll back, redo */
	TS_DRAIN_WRITTEN = 2, /* rows are on disk: only clearing remains */
};

#endif /* TELESCOPE_H */
