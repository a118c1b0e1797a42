/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * synth's flows as the rows a sensor writes. Scanning arrives as flows
 * (one source, one port, a few packets); the rows of an interval are
 * their sums, so the contract's invariants hold.
 */
#ifndef TS_SYNTH_EMIT_H
#define TS_SYNTH_EMIT_H

#include <stdint.h>
#include "synth/synth.h"

struct flow {
	uint8_t proto;
	uint16_t port;
	int country;
	uint32_t ip;
	uint64_t packets, bytes, mirai;
	unsigned tags;	/* every packet of a flow carries the same tags */
	int victim;	/* backscatter: victim index, else -1 */
};

/* The rows of interval t of sensor s, from its n flows, to the sink. */
void emit_interval(const struct synth_opts *o, int s, int64_t t, const struct flow *flows,
		   int n, struct synth_sink *sink, synth_row_fn emit);

#endif
