/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * pktbuild: crafts Ethernet frames for the tests, the lab sender and the
 * benchmark. One `struct pb_packet` describes a frame field by field;
 * pb_init() fills in defaults (an IPv4 TCP SYN from 203.0.113.7:40000 to
 * 198.51.100.1:80), the caller changes what matters, pb_build() writes
 * the bytes with correct checksums.
 *
 *	struct pb_packet p;
 *	uint8_t frame[PB_MAX_FRAME];
 *	pb_init(&p);
 *	pb_addrs(&p, "2001:db8::5", "2001:db8::1");   // now IPv6
 *	p.proto = PB_UDP;
 *	p.dport = 5060;
 *	size_t len = pb_build(&p, frame, sizeof(frame), NULL);
 *
 * Layers:
 *  - Ethernet with 0..PB_MAX_VLAN tags (each with its own TPID, so
 *    802.1Q, 802.1ad and stacks of both). `family == 0` gives a non-IP
 *    frame: `ethertype` then `payload` (pb_arp() fills in an ARP request).
 *  - IPv4 (options, DF/MF, fragment offset, IP ID, TTL, TOS) or IPv6 with
 *    extension headers (hop-by-hop, routing, destination options,
 *    fragment, authentication) in the order given.
 *  - TCP (flags, seq, ack, window, options, payload), UDP (payload),
 *    ICMP/ICMPv6 (type, code, id/seq for echo-like types, or a quoted
 *    inner packet for error types: `quote` points to another pb_packet
 *    whose IP packet, cut to `quote_len` bytes, becomes the ICMP body),
 *    or any other protocol number with `payload` as its body.
 *  - A non-first fragment (IPv4 `frag_off` > 0 or an IPv6 fragment header
 *    with offset > 0) carries only `payload`: no L4 header, like the wire.
 *
 * Deliberate damage, applied after the checksums are computed:
 * `cut_at` (frame length), `ihl` (IPv4 header length field, in 32-bit
 * words), `version` (IP version nibble), `tot_len` (IPv4 total length or
 * IPv6 payload length field), `tcp_doff` (TCP data offset, in words).
 * Each is PB_AUTO unless set.
 *
 * All multi-byte fields in the struct are in host order except addresses,
 * which are raw bytes (IPv4 in the first four bytes of the 16).
 */
#ifndef TS_PKTBUILD_H
#define TS_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

#define PB_MAX_FRAME 2048
#define PB_MAX_VLAN 3       /* one more than the parser follows, on purpose */
#define PB_MAX_EXT 8        /* IPv6 extension headers */
#define PB_MAX_OPTS 40      /* IPv4 and TCP options, bytes */
#define PB_MAX_PAYLOAD 1500
#define PB_AUTO (-1)

#define PB_ICMP 1
#define PB_TCP 6
#define PB_UDP 17
#define PB_GRE 47
#define PB_ICMPV6 58

#define PB_ETH_IP 0x0800
#define PB_ETH_ARP 0x0806
#define PB_ETH_IPV6 0x86DD
#define PB_TPID_8021Q 0x8100
#define PB_TPID_8021AD 0x88A8

#define PB_FIN 0x01
#define PB_SYN 0x02
#define PB_RST 0x04
#define PB_PSH 0x08
#define PB_ACK 0x10
#define PB_URG 0x20
#define PB_ECE 0x40
#define PB_CWR 0x80

/* IPv6 extension header types pb_packet.ext[].type accepts. */
#define PB_EXT_HOPOPTS 0
#define PB_EXT_ROUTING 43
#define PB_EXT_FRAGMENT 44
#define PB_EXT_DSTOPTS 60
#define PB_EXT_AH 51

struct pb_ext {
	uint8_t type;       /* PB_EXT_* */
	uint8_t len8;       /* hop/routing/dstopts: length in 8-byte units
			     * beyond the first 8 (the Hdr Ext Len field);
			     * AH: in 4-byte units beyond the first 8 */
	uint16_t frag_off;  /* fragment: offset in 8-byte units */
	uint8_t more;       /* fragment: M flag */
	uint32_t frag_id;   /* fragment: identification */
};

struct pb_packet {
	/* Ethernet */
	uint8_t dst_mac[6], src_mac[6];
	int vlans;                      /* number of tags, 0..PB_MAX_VLAN */
	uint16_t vlan_tpid[PB_MAX_VLAN];/* default 802.1Q each */
	uint16_t vlan_tci[PB_MAX_VLAN];
	uint16_t ethertype;             /* only for family 0 */

	/* IP */
	int family;                     /* 4, 6, or 0 for a non-IP frame */
	uint8_t src[16], dst[16];
	uint8_t proto;                  /* IPv4 protocol / IPv6 upper layer */
	uint8_t ttl;                    /* IPv4 TTL / IPv6 hop limit */
	uint8_t tos;
	uint16_t ip_id;
	uint8_t df, mf;                 /* IPv4 flags */
	uint16_t frag_off;              /* IPv4 fragment offset, 8-byte units */
	uint8_t ip_opts[PB_MAX_OPTS];   /* IPv4 options, padded to 4 by caller */
	size_t ip_opts_len;
	int exts;                       /* IPv6 extension headers, in order */
	struct pb_ext ext[PB_MAX_EXT];

	/* TCP / UDP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	uint8_t tcp_opts[PB_MAX_OPTS];  /* padded to 4 by caller */
	size_t tcp_opts_len;

	/* ICMP / ICMPv6 */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;     /* bytes 4..7 for non-error types */
	const struct pb_packet *quote;  /* error types: the quoted packet */
	int quote_len;                  /* bytes of it to quote; PB_AUTO = all */

	/* body of TCP/UDP, other protocols, non-first fragments, non-IP */
	uint8_t payload[PB_MAX_PAYLOAD];
	size_t payload_len;

	/* damage (PB_AUTO = none) */
	int cut_at, ihl, version, tot_len, tcp_doff;
};

/* Where pb_build() put things. Offsets are from the frame start. */
struct pb_layout {
	size_t frame_len;   /* after cut_at */
	size_t l3_off;      /* IP header (or non-IP payload) */
	size_t l4_off;      /* L4 header; 0 when there is none */
	size_t ip_len;      /* IP length as built, before any damage */
};

/* Defaults: IPv4 TCP SYN 203.0.113.7:40000 -> 198.51.100.1:80, TTL 64,
 * window 1024, seq 1, no options, no payload, no damage. */
void pb_init(struct pb_packet *p);

/* Set source and destination from text (both IPv4 or both IPv6); sets
 * `family`. Aborts on a bad address: a test typo should not pass. */
void pb_addrs(struct pb_packet *p, const char *src, const char *dst);

/* Make the packet a non-IP ARP request (who-has target, tell sender). */
void pb_arp(struct pb_packet *p, const char *sender, const char *target);

/* Copy bytes into the payload (aborts if too long). */
void pb_payload(struct pb_packet *p, const void *data, size_t len);

/* The TCP sequence number (host order) whose wire bytes equal the IPv4
 * destination: what a Mirai-type scanner sends. */
uint32_t pb_dst_as_seq(const struct pb_packet *p);

/* Write the frame into buf; returns its length. Aborts when it does not
 * fit: size buf with PB_MAX_FRAME. `layout` may be NULL. */
size_t pb_build(const struct pb_packet *p, uint8_t *buf, size_t cap,
		struct pb_layout *layout);

/* Write only the IP packet (no Ethernet; all damage but `cut_at`);
 * returns its length. ICMP quotes are built with it. */
size_t pb_build_ip(const struct pb_packet *p, uint8_t *buf, size_t cap,
		   struct pb_layout *layout);

/* Internet checksum of a buffer, folded, not inverted. */
uint32_t pb_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t pb_csum_fold(uint32_t sum);

#endif /* TS_PKTBUILD_H */
