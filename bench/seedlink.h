/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A veth pair of the generator's own, made and removed through rtnetlink
 * in the caller's network namespace (the fan-out engine's seeds cross it).
 */
#ifndef TS_BENCH_SEEDLINK_H
#define TS_BENCH_SEEDLINK_H

/*
 * Make the veth pair NAME <-> PEER with `queues` receive and transmit
 * queues at each end, IPv6 off (no chatter of its own) and both ends up.
 * Returns 0, or -1 with errno set (the pair is removed again).
 */
int seedlink_add(const char *name, const char *peer, unsigned queues);

/* Remove the pair (deleting one end deletes both): 0, or -1 with errno. */
int seedlink_del(const char *name);

#endif /* TS_BENCH_SEEDLINK_H */
