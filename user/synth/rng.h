/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * synth's random numbers: every draw comes from a generator seeded by
 * (seed, what, sensor or day, ...), so a sensor-day is the same whatever
 * else is generated and in whatever order: deterministic and parallel.
 */
#ifndef TS_SYNTH_RNG_H
#define TS_SYNTH_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline struct rng rng_for(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	struct rng r = { rng_mix(seed ^ rng_mix(a * 0x9E3779B97F4A7C15ULL ^
						rng_mix(b + 0x632BE59BD9B4E019ULL) ^
						rng_mix(c * 0xD1B54A32D192ED03ULL + 1))) };
	return r;
}

static inline uint64_t rng_next(struct rng *r)
{
	r->s += 0x9E3779B97F4A7C15ULL;
	return rng_mix(r->s);
}

static inline double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
