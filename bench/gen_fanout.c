// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fan-out engine (gen.h), for kernels that refuse live frames.
 *
 * AF_PACKET sends seeds, copies of one frame of the mix, into a veth
 * pair of the engine's own (seedlink.h) in the sending namespace. On the
 * pair's far end fanout.bpf.c's fan_in redirects each seed with
 * BPF_F_BROADCAST to a devmap of `copies` entries, every one of them the
 * lab veth; the kernel copies the seed once per entry, fan_out gives
 * each copy its source and counts it, and the copies leave through the
 * lab veth's XDP transmit path, as the live-frames engine's frames do.
 * One system call thus sends up to 64 seeds of `copies` frames each, and
 * the kernel's work per frame is a page, a copy and the redirect.
 *
 * A seed sent on CPU c goes out of the near end's queue c (AF_PACKET
 * records the sending CPU) and arrives on the far end's queue c, whose
 * NAPI runs on CPU c in the softirq of the send: so the copies, and the
 * sensor's work on them when its NAPI is not threaded, stay on the
 * generator's CPU, as with live frames. The frames of the mix go one
 * after the other (with --time-shift, first as a wheel turns: see
 * send_wheel()); each frame's quota (fanout.bpf.c) makes the frames sent
 * exactly what was asked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>

#include <bpf/bpf.h>

#include "gen.h"
#include "rewrite.h"
#include "fanout.skel.h"
#include "results.h"
#include "seedlink.h"

#define SEEDS_PER_CALL 64
#define MAX_QUEUES 64
#define STALL_NS 5000000000ull /* no copy sent for this long: the seeds get nowhere */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * Give a devmap `n` entries, each the lab veth with fan_out on it (of
 * `max` it may hold): a broadcast to it makes n copies.
 */
static int fill_copies(struct fanout_bpf *skel, struct bpf_map *map, unsigned ifindex,
		       uint32_t n, uint32_t max)
{
	struct bpf_devmap_val val = {
		.ifindex = ifindex,
		.bpf_prog.fd = bpf_program__fd(skel->progs.fan_out),
	};
	int fd = bpf_map__fd(map);

	for (uint32_t i = 0; i < max; i++) {
		if (i < n && bpf_map_update_elem(fd, &i, &val, BPF_ANY))
			return -1;
		if (i >= n && bpf_map_delete_elem(fd, &i) && errno != ENOENT)
			return -1;
	}
	return 0;
}

/* An AF_PACKET socket that sends on `ifname` straight to the driver. */
static int seed_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = (int)if_nametoindex(ifname),
	};
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* What sends the seeds: the programs, the socket, a seed of each frame. */
struct seeder {
	struct fanout_bpf *skel;
	int sock;
	const struct mix *m;
	const struct gen_opts *o;
	unsigned ifindex;
	uint8_t seed[MIX_MAX_FRAMES][MIX_FRAME_BYTES];
};

static int64_t quota_left(const struct seeder *s, int f)
{
	return __atomic_load_n(&s->skel->bss->fan_frames[f].quota, __ATOMIC_ACQUIRE);
}

/* Each frame's seed (its source address names it), sequence and quota. */
static void seeder_init(struct seeder *s)
{
	static const uint8_t seed_mac[] = BENCH_SEED_MAC;

	for (int f = 0; f < s->m->frames; f++) {
		const struct mix_frame *fr = &s->m->frame[f];
		struct fan_frame *ff = &s->skel->bss->fan_frames[f];

		memcpy(s->seed[f], fr->bytes, fr->len);
		memcpy(s->seed[f] + 6, seed_mac, sizeof(seed_mac));
		s->seed[f][11] = (uint8_t)f;
		ff->seq = mix_seq(fr, s->o->first);
		__atomic_store_n(&ff->quota, (int64_t)gen_frames(s->m, f, s->o->packets),
				 __ATOMIC_RELEASE);
	}
}

/* One system call of n seeds of frame f (n <= SEEDS_PER_CALL). */
static int send_seeds(struct seeder *s, int f, unsigned n)
{
	struct iovec iov = { .iov_base = s->seed[f], .iov_len = s->m->frame[f].len };
	struct mmsghdr msgs[SEEDS_PER_CALL];

	memset(msgs, 0, sizeof(msgs));
	for (unsigned i = 0; i < n; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (sendmmsg(s->sock, msgs, n, 0) < 0 && errno != ENOBUFS && errno != EAGAIN &&
	    errno != EINTR) {
		fprintf(stderr, "livegen: sending seeds: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * After a send: wait until frame f's quota has moved from `before` (the
 * kernel handled the seeds; when its softirq was deferred to ksoftirqd,
 * yield to it rather than pile up seeds). 0, or -1 after STALL_NS.
 */
static int await_seeds(const struct seeder *s, int f, int64_t before)
{
	uint64_t since = now_ns();

	while (quota_left(s, f) == before && !stop) {
		if (now_ns() - since > STALL_NS) {
			fprintf(stderr, "livegen: the fan-out program took no seed for %llu s: "
				"do the seeds reach it?\n", STALL_NS / 1000000000ull);
			return -1;
		}
		sched_yield();
	}
	return stop ? -1 : 0;
}

/*
 * --time-shift: while the frames have seeds of `copies` frames left,
 * send frame after frame as a wheel of the mix's shares turns with the
 * clock (a slot of 2^WHEEL_SHIFT ns), a seed at a time. Generators on
 * two CPUs then send the same frame, and the same source, at the same
 * moment: every flow key of the mix is created by both at once, not only
 * those of the frames they happen to send side by side. A seed is sent
 * only while two seeds' worth are left, so it always takes a whole
 * `copies` (the rest goes in send_rest()).
 */
#define WHEEL_SHIFT 16
static int send_wheel(struct seeder *s)
{
	int wheel[100], slot, f = 0, i;
	struct mix_schedule sched;

	mix_schedule_init(&sched);
	for (i = 0; i < 100; i++)
		wheel[i] = mix_schedule_next(s->m, &sched);
	for (;;) {
		int64_t left = 0;

		slot = (int)((now_ns() >> WHEEL_SHIFT) % 100);
		for (i = 0; i < 100; i++) {
			f = wheel[(slot + i) % 100];
			left = quota_left(s, f);
			if (left >= 2 * (int64_t)s->o->copies)
				break;
		}
		if (i == 100)
			return 0;
		if (send_seeds(s, f, 1) || await_seeds(s, f, left))
			return -1;
	}
}

/*
 * Send the rest of frame f: each call as many seeds as the rest needs,
 * SEEDS_PER_CALL at most, the last of them to fan_rest, filled first
 * with the entries the rest needs.
 */
static int send_rest(struct seeder *s, int f)
{
	int64_t left = quota_left(s, f);

	if (fill_copies(s->skel, s->skel->maps.fan_rest, s->ifindex,
			(uint32_t)(left % s->o->copies), s->o->copies)) {
		fprintf(stderr, "livegen: cannot fill the fan-out's devmap: %s\n", strerror(errno));
		return -1;
	}
	while (left > 0) {
		uint64_t seeds = ((uint64_t)left + s->o->copies - 1) / s->o->copies;

		if (send_seeds(s, f, seeds < SEEDS_PER_CALL ? (unsigned)seeds : SEEDS_PER_CALL) ||
		    await_seeds(s, f, left))
			return -1;
		left = quota_left(s, f);
	}
	return 0;
}

/*
 * fan_sent once it reaches `asked`, or after STALL_NS: copies whose seed
 * took its quota on a CPU this process has left may still be on their
 * way (a generator not pinned to one CPU).
 */
static uint64_t sent_by_now(struct fanout_bpf *skel, uint64_t asked)
{
	uint64_t since = now_ns(), sent;

	while ((sent = __atomic_load_n(&skel->bss->fan_sent, __ATOMIC_ACQUIRE)) < asked &&
	       now_ns() - since < STALL_NS)
		sched_yield();
	return sent;
}

int gen_fanout(const struct gen_opts *o, const struct mix *m, unsigned ifindex,
	       struct gen_result *r)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char near[IFNAMSIZ], far[IFNAMSIZ];
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	unsigned queues = cpus < 1 ? 1 : cpus > MAX_QUEUES ? MAX_QUEUES : (unsigned)cpus;
	struct fanout_bpf *skel = NULL;
	struct seeder seeder;
	int sock = -1, rc = -1, f;
	uint64_t start, asked = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	snprintf(near, sizeof(near), "tsg%ds", (int)getpid());
	snprintf(far, sizeof(far), "tsg%dr", (int)getpid());
	if (seedlink_add(near, far, queues)) {
		fprintf(stderr, "livegen: cannot make the seed veth pair %s/%s: %s\n", near, far,
			strerror(errno));
		return -1;
	}
	skel = fanout_bpf__open();
	if (!skel) {
		fprintf(stderr, "livegen: cannot open the fan-out programs\n");
		goto out;
	}
	skel->rodata->time_shift = o->time_shift;
	skel->rodata->copies = o->copies;
	bpf_map__set_max_entries(skel->maps.fan_copies, o->copies);
	bpf_map__set_max_entries(skel->maps.fan_rest, o->copies);
	bpf_map__set_max_entries(skel->maps.bench_table, rewrite_table_size(m));
	if (fanout_bpf__load(skel) || rewrite_fill_table(skel->maps.bench_table, m)) {
		fprintf(stderr, "livegen: cannot load the fan-out programs: %s\n", strerror(errno));
		goto out;
	}
	if (fill_copies(skel, skel->maps.fan_copies, ifindex, o->copies, o->copies)) {
		fprintf(stderr, "livegen: a devmap entry refuses the fan-out program: %s "
			"(devmap programs: kernel 5.8)\n", strerror(errno));
		goto out;
	}
	if (bpf_xdp_attach((int)if_nametoindex(far), bpf_program__fd(skel->progs.fan_in),
			   XDP_FLAGS_DRV_MODE, NULL)) {
		fprintf(stderr, "livegen: cannot attach the fan-out program to %s: %s\n", far,
			strerror(errno));
		goto out;
	}
	sock = seed_socket(near);
	if (sock < 0) {
		fprintf(stderr, "livegen: cannot open an AF_PACKET socket on %s: %s\n", near,
			strerror(errno));
		goto out;
	}
	seeder = (struct seeder){ .skel = skel, .sock = sock, .m = m, .o = o, .ifindex = ifindex };
	seeder_init(&seeder);
	start = now_ns();
	if (o->time_shift && send_wheel(&seeder))
		goto out;
	for (f = 0; f < m->frames; f++) {
		if (send_rest(&seeder, f))
			goto out;
		asked += gen_frames(m, f, o->packets);
	}
	r->seconds = (double)(now_ns() - start) / 1e9;
	r->sent = sent_by_now(skel, asked);
	if (r->sent != asked) {
		fprintf(stderr, "livegen: the fan-out sent %llu frames, not %llu\n",
			(unsigned long long)r->sent, (unsigned long long)asked);
		goto out;
	}
	rc = 0;
out:
	if (sock >= 0)
		close(sock);
	if (seedlink_del(near))
		fprintf(stderr, "livegen: cannot remove the seed veth pair %s/%s: %s\n", near,
			far, strerror(errno));
	fanout_bpf__destroy(skel);
	return rc;
}
