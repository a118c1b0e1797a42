// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * lab-send: send crafted frames out of one interface of the lab (an
 * AF_PACKET raw socket on a veth whose peer the sensor watches) and keep
 * an exact account of what was sent, for tests to compare with the
 * sensor's CSV.
 *
 *   lab-send (--ifname IF | --pcap FILE) (--count N | --seconds S)
 *            [--rate PPS] [--seed N] [--mix e2e|demo|tags|tags-reload]
 *            [--account FILE]
 *
 * With --pcap the frames go into a pcap file instead of onto a wire, with
 * time stamps 1 ms apart from 0, so the same arguments give the same file
 * (for replaying a mix through the classifier without a lab).
 *
 * Every frame comes with what a correct sensor must make of it, written
 * down by the mix that built it (not computed by the parser under test).
 * The account is appended to FILE as CSV records, so a test can send in
 * phases and sum them:
 *
 *   totals,PACKETS,BYTES,MALFORMED,NON_IP,MIRAI,FRAGMENTS,BACKSCATTER,QUOTE_MISMATCH,TAGGED
 *   port,PROTO,PORT,PACKETS,BYTES,MIRAI
 *   source,SRC_IP,PACKETS,BYTES
 *   flow,SRC_IP,PROTO,PORT,PACKETS,BYTES,MIRAI
 *   backscatter,SRC_IP,PROTO,SRC_PORT,KIND,PACKETS
 *   tag,TAG,PROTO,PORT,SRC_IP,PACKETS
 *
 * PROTO is tcp|udp|icmp|icmpv6|<number> and KIND a CSV kind name, as in
 * the sensor's CSV. A packet with k tags adds to k tag records; TAGGED
 * counts packets with at least one. Only frames the kernel accepted for sending are
 * counted; frames the wire drops after that show in the interface's
 * tx_dropped, which the tests check separately.
 *
 * Destinations are only in 198.51.100.0/24, 203.0.113.0/24 and
 * 2001:db8::/32.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/options.h"
#include "labmix.h"

/* ---- a small string-keyed counter table for the account ---- */

struct entry {
	char key[96];
	uint64_t packets, bytes, mirai;
};

struct table {
	struct entry *slots;
	size_t cap, used;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static struct entry *table_get(struct table *t, const char *key);

static void table_grow(struct table *t)
{
	struct table bigger = { calloc(t->cap ? t->cap * 2 : 1024, sizeof(struct entry)),
				t->cap ? t->cap * 2 : 1024, 0 };

	if (!bigger.slots) {
		perror("lab-send: calloc");
		exit(1);
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (t->slots[i].key[0]) {
			struct entry *e = table_get(&bigger, t->slots[i].key);

			*e = t->slots[i];
		}
	}
	free(t->slots);
	*t = bigger;
}

static struct entry *table_get(struct table *t, const char *key)
{
	size_t i;

	if ((t->used + 1) * 10 > t->cap * 7)
		table_grow(t);
	for (i = hash_str(key) & (t->cap - 1); t->slots[i].key[0];
	     i = (i + 1) & (t->cap - 1))
		if (!strcmp(t->slots[i].key, key))
			return &t->slots[i];
	snprintf(t->slots[i].key, sizeof(t->slots[i].key), "%s", key);
	t->used++;
	return &t->slots[i];
}

struct account {
	uint64_t packets, bytes, malformed, non_ip, mirai, fragments,
		 backscatter, quote_mismatch, tagged;
	struct table rows; /* keys are the record prefixes */
};

static const char *proto_name(int proto, char *buf, size_t len)
{
	switch (proto) {
	case PB_TCP: return "tcp";
	case PB_UDP: return "udp";
	case PB_ICMP: return "icmp";
	case PB_ICMPV6: return "icmpv6";
	}
	snprintf(buf, len, "%d", proto);
	return buf;
}

static void account_add(struct account *a, const struct frame *f, size_t ip_len)
{
	const struct expect *e = &f->e;
	char key[96], src[INET6_ADDRSTRLEN], pbuf[8];
	const char *proto;
	struct entry *r;

	if (e->verdict == V_NON_IP) {
		a->non_ip++;
		return;
	}
	if (e->verdict == V_MALFORMED) {
		a->malformed++;
		return;
	}
	a->packets++;
	a->bytes += ip_len;
	a->mirai += (uint64_t)e->mirai;
	a->fragments += (uint64_t)e->fragment;
	a->quote_mismatch += (uint64_t)e->quote_mismatch;
	inet_ntop(f->p.family == 6 ? AF_INET6 : AF_INET, f->p.src, src, sizeof(src));
	proto = proto_name(e->proto, pbuf, sizeof(pbuf));

	snprintf(key, sizeof(key), "port,%s,%d", proto, e->port);
	r = table_get(&a->rows, key);
	r->packets++;
	r->bytes += ip_len;
	r->mirai += (uint64_t)e->mirai;

	snprintf(key, sizeof(key), "source,%s", src);
	r = table_get(&a->rows, key);
	r->packets++;
	r->bytes += ip_len;

	snprintf(key, sizeof(key), "flow,%s,%s,%d", src, proto, e->port);
	r = table_get(&a->rows, key);
	r->packets++;
	r->bytes += ip_len;
	r->mirai += (uint64_t)e->mirai;

	if (e->bs_kind) {
		a->backscatter++;
		snprintf(key, sizeof(key), "backscatter,%s,%s,%d,%s", src, proto,
			 e->bs_port, e->bs_kind);
		table_get(&a->rows, key)->packets++;
	}

	if (e->tags && e->tags[0]) {
		char names[256], *name, *save = NULL;

		a->tagged++;
		snprintf(names, sizeof(names), "%s", e->tags);
		for (name = strtok_r(names, " ", &save); name;
		     name = strtok_r(NULL, " ", &save)) {
			snprintf(key, sizeof(key), "tag,%s,%s,%d,%s", name, proto,
				 e->port, src);
			table_get(&a->rows, key)->packets++;
		}
	}
}

static int account_write(const struct account *a, const char *path,
			 const char *mix, uint64_t seed)
{
	FILE *out = fopen(path, "a");

	if (!out) {
		fprintf(stderr, "lab-send: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(out, "# lab-send mix=%s seed=%llu\n", mix, (unsigned long long)seed);
	fprintf(out, "totals,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n",
		(unsigned long long)a->packets, (unsigned long long)a->bytes,
		(unsigned long long)a->malformed, (unsigned long long)a->non_ip,
		(unsigned long long)a->mirai, (unsigned long long)a->fragments,
		(unsigned long long)a->backscatter,
		(unsigned long long)a->quote_mismatch,
		(unsigned long long)a->tagged);
	for (size_t i = 0; i < a->rows.cap; i++) {
		const struct entry *r = &a->rows.slots[i];

		if (!r->key[0])
			continue;
		if (!strncmp(r->key, "port,", 5) || !strncmp(r->key, "flow,", 5))
			fprintf(out, "%s,%llu,%llu,%llu\n", r->key,
				(unsigned long long)r->packets,
				(unsigned long long)r->bytes,
				(unsigned long long)r->mirai);
		else if (!strncmp(r->key, "source,", 7))
			fprintf(out, "%s,%llu,%llu\n", r->key,
				(unsigned long long)r->packets,
				(unsigned long long)r->bytes);
		else
			fprintf(out, "%s,%llu\n", r->key,
				(unsigned long long)r->packets);
	}
	if (fclose(out)) {
		fprintf(stderr, "lab-send: writing %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- sending ---- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_socket(const char *ifname, struct sockaddr_ll *to)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: send only */
	unsigned int ifindex = if_nametoindex(ifname);

	if (!ifindex) {
		fprintf(stderr, "lab-send: no interface %s: %s\n", ifname, strerror(errno));
		return -1;
	}
	if (fd < 0) {
		fprintf(stderr, "lab-send: socket: %s\n", strerror(errno));
		return -1;
	}
	memset(to, 0, sizeof(*to));
	to->sll_family = AF_PACKET;
	to->sll_ifindex = (int)ifindex;
	to->sll_halen = 6;
	return fd;
}

/* The pcap file format: a global header, then a record header per frame. */
static FILE *open_pcap(const char *path)
{
	const uint32_t head[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, 65535, 1 };
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(head, sizeof(head), 1, f) != 1) {
		fprintf(stderr, "lab-send: cannot write %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	return f;
}

static int pcap_frame(FILE *f, uint64_t n, const uint8_t *frame, size_t len)
{
	const uint32_t rec[4] = { (uint32_t)(n / 1000), (uint32_t)(n % 1000 * 1000),
				  (uint32_t)len, (uint32_t)len };

	if (fwrite(rec, sizeof(rec), 1, f) != 1 || fwrite(frame, len, 1, f) != 1) {
		fprintf(stderr, "lab-send: writing the pcap file: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Send one frame; retry while the queue is full. 0 when sent. */
static int send_frame(int fd, struct sockaddr_ll *to, const uint8_t *frame, size_t len)
{
	for (;;) {
		ssize_t n = sendto(fd, frame, len, 0, (struct sockaddr *)to, sizeof(*to));

		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) && !stop) {
			usleep(200);
			continue;
		}
		fprintf(stderr, "lab-send: send: %s\n", n < 0 ? strerror(errno) : "short write");
		return -1;
	}
}

enum mix { MIX_E2E, MIX_DEMO, MIX_TAGS, MIX_TAGS_RELOAD };
static const char *const mixes[] = {
	[MIX_E2E] = "e2e", [MIX_DEMO] = "demo", [MIX_TAGS] = "tags",
	[MIX_TAGS_RELOAD] = "tags-reload", NULL,
};

struct send_opts {
	const char *ifname, *pcap, *account_path;
	uint64_t count, seed;
	double seconds, rate;
	int mix;
};

#define O struct send_opts
static const struct opt send_table[] = {
	OPT_STRING(O, ifname, "ifname", 0, "IF", "send on this interface"),
	OPT_STRING(O, pcap, "pcap", 0, "FILE", "or write the frames to this pcap file"),
	OPT_UINT(O, count, "count", 0, "N", 1, UINT64_MAX, "frames to send"),
	OPT_DOUBLE(O, seconds, "seconds", 0, "S", 0, 1e6, "or send for this long",
		   .above = true),
	OPT_DOUBLE(O, rate, "rate", 0, "PPS", 0, 1e9,
		   "frames a second (default 0: as fast as possible)"),
	OPT_UINT(O, seed, "seed", 0, "N", 0, UINT64_MAX, "random seed (default 1)"),
	OPT_WORD(O, mix, "mix", 0, "MIX", mixes, "e2e (default), demo, tags or tags-reload"),
	OPT_STRING(O, account_path, "account", 0, "FILE",
		   "append the account of what was sent to FILE"),
	OPT_END,
};
#undef O

static const struct opt_cmd send_cmd = {
	.prog = "lab-send", .usage = "(--ifname IF | --pcap FILE) (--count N | --seconds S)",
	.about = "Send crafted frames of a mix and keep an exact account of them.",
	.opts = send_table,
};

int main(int argc, char **argv)
{
	struct send_opts o = { .seed = 1, .mix = MIX_E2E };
	FILE *pcap_out = NULL;
	double start;
	uint64_t sent = 0;
	struct account acct = { 0 };
	struct sockaddr_ll to;
	int fd = -1, rc;

	rc = opt_parse(&send_cmd, argc, argv, &o, NULL);
	if (rc != OPT_GO)
		return rc;
	if (!o.ifname == !o.pcap)
		return opt_error(&send_cmd, "give one of --ifname and --pcap");
	if (!o.count && !o.seconds)
		return opt_error(&send_cmd, "give --count or --seconds");
	rc = 0;
	lab_seed(o.seed);
	if (o.pcap) {
		pcap_out = open_pcap(o.pcap);
		if (!pcap_out)
			return 1;
	} else {
		fd = open_socket(o.ifname, &to);
		if (fd < 0)
			return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	start = now();
	while (!stop && (!o.count || sent < o.count) &&
	       (!o.seconds || now() - start < o.seconds)) {
		static struct frame f;
		uint8_t frame[PB_MAX_FRAME];
		struct pb_layout lay;
		size_t len;

		if (o.rate > 0) {
			double due = start + (double)sent / o.rate, wait = due - now();

			if (wait > 0) {
				usleep((useconds_t)(wait * 1e6));
				continue; /* re-check the stop conditions */
			}
		}
		if (o.mix == MIX_E2E)
			mix_e2e(sent, &f);
		else if (o.mix == MIX_DEMO)
			mix_demo(sent, &f);
		else
			mix_tags(sent, &f, o.mix == MIX_TAGS_RELOAD);
		len = pb_build(&f.p, frame, sizeof(frame), &lay);
		if (pcap_out ? pcap_frame(pcap_out, sent, frame, len)
			     : send_frame(fd, &to, frame, len)) {
			rc = 1;
			break;
		}
		account_add(&acct, &f, lay.ip_len);
		sent++;
	}
	if (pcap_out && fclose(pcap_out)) {
		fprintf(stderr, "lab-send: writing %s: %s\n", o.pcap, strerror(errno));
		rc = 1;
	}
	if (fd >= 0)
		close(fd);
	printf("lab-send: %s %llu frames %s %s (mix %s) in %.2f s\n",
	       o.pcap ? "wrote" : "sent", (unsigned long long)sent, o.pcap ? "to" : "on",
	       o.pcap ? o.pcap : o.ifname, mixes[o.mix], now() - start);
	if (o.account_path && account_write(&acct, o.account_path, mixes[o.mix], o.seed))
		rc = 1;
	free(acct.rows.slots);
	return rc;
}

