// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the fingerprint tests share (fptest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fptest.h"

const uint8_t zmap41_opts[12] = { 0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
				  0x03, 0x08, 0x01, 0x01, 0x04, 0x02 };
const uint8_t nmap_opts[4] = { 0x02, 0x04, 0x05, 0xb4 };

__u64 tags_of(const struct pb_packet *p)
{
	uint8_t frame[PB_MAX_FRAME], *copy;
	struct ts_pkt pkt;
	size_t len = pb_build(p, frame, sizeof(frame), NULL);
	__u64 tags;

	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, frame, len);
	assert_int_equal(ts_parse(&pkt, copy, copy + len), TS_IP);
	tags = ts_fingerprint(&pkt);
	free(copy);
	return tags;
}

void plain_syn(struct pb_packet *p, const char *src, const char *dst)
{
	syn(p, src, dst, 23);
}

void options(struct pb_packet *p, const uint8_t *opts, size_t len)
{
	memcpy(p->tcp_opts, opts, len);
	p->tcp_opts_len = len;
}

void sip(struct pb_packet *p, const char *src, const char *dst,
	 int dport, const char *payload, size_t len)
{
	udp(p, src, dst, dport, payload, len);
}
