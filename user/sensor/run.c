// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope run`: attach or adopt, then drain every interval on the
 * UTC clock until SIGTERM/SIGINT, with a final drain before exit. One
 * poll() loop over a signalfd and a timerfd: no work in signal handlers.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <linux/if_link.h>
#include "commands.h"
#include "common/calendar.h"
#include "sensor/maps.h"
#include "sensor/geo.h"
#include "lib/log.h"
#include "lib/number.h"
#include "sensor/output.h"
#include "sensor/attach.h"
#include "sensor/rows.h"
#include "lib/datafile.h"
#include "sensor/tagcfg.h"

/*
 * Fault injection for the recovery tests: XDP_TELESCOPE_FAULT=<point>
 * makes the loader die like kill -9 at that point of the first drain
 * that has packets to write.
 */
static void fault_point(const char *point, const struct snapshot *snap)
{
	const char *want = getenv("XDP_TELESCOPE_FAULT");

	if (want && !strcmp(want, point) && snap->totals.packets) {
		pr_info("fault injected at '%s': exiting", point);
		_exit(137);
	}
}

struct runner {
	struct sensor s;
	struct output out;
	struct geo *geo;
	char sensor_name[256];
	unsigned interval;
	struct tag_config tags;
	char rules_buf[4096];
};

static void run_usage(FILE *f)
{
	fprintf(f,
"usage: xdp-telescope run IFACE --out DIR [options]\n"
"\n"
"Attach the classifier to IFACE (or adopt the one pinned there), and every\n"
"interval write the counts as CSV under DIR/YYYY-MM-DD/. SIGTERM or SIGINT:\n"
"write a last time and exit, leaving the sensor attached and counting.\n"
"SIGHUP: reload the GeoIP databases, rules and address lists.\n"
"\n"
"  -o, --out DIR            where the CSV goes (required)\n"
"  -s, --sensor NAME        sensor column (default: host name)\n"
"  -g, --geoip FILE         country database (.mmdb; default: installed one)\n"
"  -a, --asn FILE           ASN database (.mmdb; default: none)\n"
"  -i, --interval SEC       drain interval, aligned to UTC (default 60)\n"
"  -m, --mode MODE          auto (default), native or skb\n"
"      --max-sources N      (source, protocol, port) entries per interval\n"
"                           (default 524288)\n"
"      --max-backscatter N  backscatter entries per interval (default 65536)\n"
"  -r, --rules FILE         payload rules (default: the shipped default.rules;\n"
"                           'none': no rules)\n"
"  -l, --label-list FILE    labelled address list, lines CIDR,label\n"
"                           (repeatable); packets get the tag list:<label>\n"
"      --max-tagged N       tagged (source, port, tags) entries per interval\n"
"                           (default 131072)\n"
"      --max-labels N       listed prefixes at most (default 65536)\n"
"  -z, --gzip               write .csv.gz\n"
"  -p, --pass               pass packets on to the stack instead of dropping\n"
"  -v, --verbose            log every drain, and libbpf's messages\n"
"  -h, --help               this text\n");
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static __u64 now_s(void)
{
	return (__u64)time(NULL);
}

/*
 * Write the rows of generation g and clear it. The phase in ctl and the
 * output journal make every step restartable: see recover().
 */
static int drain_generation(struct runner *r, int g, bool skip_if_empty)
{
	struct strbuf rows[S_COUNT];
	struct snapshot snap;
	struct ts_ctl ctl;
	double t[5]; /* start, read, rows built, written, cleared */
	int err = -1;

	t[0] = mono_s();
	if (gen_read(&r->s, g, &snap))
		return -1;
	t[1] = mono_s();
	if (skip_if_empty && snapshot_empty(&snap)) {
		snapshot_free(&snap);
		return 0;
	}
	for (int i = 0; i < S_COUNT; i++)
		sb_init(&rows[i]);

	if (ctl_read(&r->s, &ctl))
		goto out;
	ctl.drain_phase = TS_DRAIN_WRITING;
	ctl.drain_gen = (__u32)g;
	if (ctl_write(&r->s, &ctl))
		goto out;

	fault_point("before-write", &snap);
	rows_build(&snap, r->geo, &r->tags.names, r->sensor_name, rows);
	t[2] = mono_s();
	if (output_append(&r->out, snap.since, g, rows)) {
		/*
		 * Nothing is lost: cut back what was written and leave the
		 * counts in the generation; they are written with a later
		 * interval once the output works again.
		 */
		output_rollback(&r->out, snap.since, g);
		ctl.drain_phase = TS_DRAIN_IDLE;
		ctl_write(&r->s, &ctl);
		goto out;
	}

	t[3] = mono_s();
	fault_point("after-write", &snap);

	if (ctl_read(&r->s, &ctl))
		goto out;
	ctl.drain_phase = TS_DRAIN_WRITTEN;
	if (snap.since > ctl.last_written)
		ctl.last_written = snap.since;
	totals_add(&ctl.drained, &snap.totals);
	snapshot_tag_packets(&snap, ctl.tag_drained);
	if (ctl_write(&r->s, &ctl))
		goto out;
	fault_point("after-written", &snap);
	if (gen_clear_read(&r->s, g, &snap))
		goto out;
	if (ctl_read(&r->s, &ctl))
		goto out;
	ctl.drain_phase = TS_DRAIN_IDLE;
	if (ctl_write(&r->s, &ctl))
		goto out;
	output_done(&r->out);
	err = 0;

	t[4] = mono_s();
	if (ts_verbose) {
		char tbuf[21];

		format_time(snap.since, tbuf);
		pr_info("drained %s: %llu packets, %zu flows, %zu backscatter "
			"keys, %llu overflow, in %.3f s (read %.3f, rows %.3f, "
			"write %.3f, clear %.3f)", tbuf,
			(unsigned long long)snap.totals.packets, snap.nflows,
			snap.nbs, (unsigned long long)snap.totals.overflow,
			t[4] - t[0], t[1] - t[0], t[2] - t[1], t[3] - t[2],
			t[4] - t[3]);
	}
out:
	for (int i = 0; i < S_COUNT; i++)
		sb_free(&rows[i]);
	snapshot_free(&snap);
	return err;
}

/*
 * Finish whatever a previous loader left half done, then drain the idle
 * generation if it holds counts (the loader died between a flip and the
 * end of a drain).
 */
static int recover(struct runner *r)
{
	struct ts_ctl ctl;
	int idle;

	if (ctl_read(&r->s, &ctl))
		return -1;
	idle = (int)((ctl.gen & 1) ^ 1);
	switch (ctl.drain_phase) {
	case TS_DRAIN_WRITTEN:
		pr_info("finishing a drain interrupted after its rows were written");
		if (gen_clear(&r->s, (int)ctl.drain_gen))
			return -1;
		ctl.drain_phase = TS_DRAIN_IDLE;
		if (ctl_write(&r->s, &ctl))
			return -1;
		output_done(&r->out);
		break;
	case TS_DRAIN_WRITING:
		pr_info("redoing a drain interrupted while writing");
		if (output_rollback(&r->out, ctl.since[ctl.drain_gen],
				    (int)ctl.drain_gen))
			return -1;
		ctl.drain_phase = TS_DRAIN_IDLE;
		if (ctl_write(&r->s, &ctl))
			return -1;
		break;
	default:
		break;
	}
	return drain_generation(r, idle, true);
}

static __u64 interval_start(__u64 t, unsigned interval)
{
	return t - t % interval;
}

/* Row time of the generation being counted now. */
static __u64 active_since(struct runner *r)
{
	struct ts_ctl ctl;

	if (ctl_read(&r->s, &ctl))
		return 0;
	return ctl.since[ctl.gen & 1];
}

static int arm_timer(int tfd, __u64 at)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)at } };

	return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static int loop(struct runner *r)
{
	sigset_t mask;
	int sfd, tfd, err = 0;
	__u64 next;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0) {
		pr_err("cannot set up signals and timer: %s", strerror(errno));
		return -1;
	}

	next = interval_start(now_s(), r->interval) + r->interval;
	arm_timer(tfd, next);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = sfd, .events = POLLIN },
					 { .fd = tfd, .events = POLLIN } };

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("poll: %s", strerror(errno));
			err = -1;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			__u64 ticks, now = now_s();
			int old;

			if (read(tfd, &ticks, sizeof(ticks)) < 0)
				continue;
			if (now < next) { /* clock stepped back: re-arm */
				arm_timer(tfd, next);
				continue;
			}
			/* Late (slow drain, suspended VM): start where we are. */
			next = interval_start(now, r->interval);
			if (active_since(r) >= next) {
				/*
				 * A restart inside an interval that already has
				 * rows: these counts are labelled with the next
				 * interval, so they are written at its end.
				 */
				next += r->interval;
				arm_timer(tfd, next);
				continue;
			}
			old = gen_flip(&r->s, next);
			if (old < 0 || drain_generation(r, old, false))
				pr_warn("drain failed; its counts stay in the maps "
					"and are written with the next interval");
			next += r->interval;
			arm_timer(tfd, next);
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			char errbuf[512];

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				if (geo_reload(r->geo, errbuf, sizeof(errbuf)))
					pr_warn("GeoIP reload failed, keeping the "
						"old database: %s", errbuf);
				else
					pr_info("GeoIP databases reloaded");
				if (tagcfg_apply(&r->s, &r->tags, errbuf, sizeof(errbuf)))
					pr_warn("rules reload failed, keeping the old "
						"rules and lists: %s", errbuf);
				else
					pr_info("rules and lists reloaded: %zu rules, "
						"%zu prefixes", r->tags.nrules,
						r->tags.nprefixes);
				continue;
			}
			pr_info("signal %u: writing the last interval and exiting",
				si.ssi_signo);
			int old = gen_flip(&r->s, interval_start(now_s(), r->interval));

			if (old < 0 || drain_generation(r, old, false)) {
				pr_err("the last drain failed; its counts stay in "
				       "the maps for the next run");
				err = -1;
			}
			break;
		}
	}
	close(sfd);
	close(tfd);
	return err;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "sensor", required_argument, NULL, 's' },
		{ "geoip", required_argument, NULL, 'g' },
		{ "asn", required_argument, NULL, 'a' },
		{ "interval", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "max-sources", required_argument, NULL, 'S' },
		{ "max-backscatter", required_argument, NULL, 'B' },
		{ "rules", required_argument, NULL, 'r' },
		{ "label-list", required_argument, NULL, 'l' },
		{ "max-tagged", required_argument, NULL, 'T' },
		{ "max-labels", required_argument, NULL, 'L' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "pass", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sensor_opts so = { .mode = TS_MODE_AUTO };
	const char *out = NULL, *geoip = NULL, *asn = NULL, *ifname;
	const char *rules = NULL;
	struct runner r = { .interval = 60 };
	bool gzip = false;
	char errbuf[512];
	struct ts_ctl ctl;
	long v;
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:s:g:a:i:m:r:l:zpvh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 's':
			snprintf(r.sensor_name, sizeof(r.sensor_name), "%s", optarg);
			break;
		case 'g': geoip = optarg; break;
		case 'a': asn = optarg; break;
		case 'i':
			v = parse_num(optarg, 1, 86400);
			if (v < 0) {
				pr_err("--interval wants whole seconds from 1 to "
				       "86400, not '%s'", optarg);
				return 2;
			}
			r.interval = (unsigned)v;
			break;
		case 'm':
			if (!strcmp(optarg, "auto"))
				so.mode = TS_MODE_AUTO;
			else if (!strcmp(optarg, "native"))
				so.mode = TS_MODE_NATIVE;
			else if (!strcmp(optarg, "skb"))
				so.mode = TS_MODE_SKB;
			else {
				pr_err("--mode wants auto, native or skb, not '%s'",
				       optarg);
				return 2;
			}
			break;
		case 'S':
		case 'B':
		case 'T':
		case 'L':
			v = parse_num(optarg, 1, 1L << 28);
			if (v < 0) {
				pr_err("%s wants a number from 1 to %ld, not '%s'",
				       argv[optind - 1], 1L << 28, optarg);
				return 2;
			}
			*(c == 'S' ? &so.max_sources : c == 'B' ? &so.max_backscatter
			  : c == 'T' ? &so.max_tagged : &so.max_labels) = (__u32)v;
			break;
		case 'r': rules = optarg; break;
		case 'l':
			if (r.tags.nlists == TAGCFG_MAX_LISTS) {
				pr_err("at most %d --label-list files",
				       TAGCFG_MAX_LISTS);
				return 2;
			}
			r.tags.list_paths[r.tags.nlists++] = optarg;
			break;
		case 'z': gzip = true; break;
		case 'p': so.pass = true; break;
		case 'v': ts_verbose = true; break;
		case 'h': run_usage(stdout); return 0;
		case ':':
			pr_err("option %s needs a value", argv[optind - 1]);
			return 2;
		default:
			pr_err("unknown option '%s' (try 'xdp-telescope run --help')",
			       argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		pr_err(optind >= argc ? "run needs an interface name"
				      : "run takes one interface, got extra "
					"arguments");
		return 2;
	}
	ifname = argv[optind];
	if (!out) {
		pr_err("run needs --out DIR");
		return 2;
	}
	if (strlen(ifname) >= IF_NAMESIZE || !if_nametoindex(ifname)) {
		pr_err("no interface named '%s'", ifname);
		return 1;
	}
	if (!r.sensor_name[0] && gethostname(r.sensor_name, sizeof(r.sensor_name) - 1))
		snprintf(r.sensor_name, sizeof(r.sensor_name), "sensor");
	ts_quiet_libbpf();

	if (output_init(&r.out, out, ifname, gzip))
		return 1;
	if (!rules)
		rules = default_data_file("XDP_TELESCOPE_RULES", "default.rules",
					  "rules/default.rules", r.rules_buf,
					  sizeof(r.rules_buf));
	else if (!strcmp(rules, "none"))
		rules = NULL;
	r.tags.rules_path = rules;
	tag_names_init(&r.tags.names);
	if (tagcfg_apply(NULL, &r.tags, errbuf, sizeof(errbuf))) {
		pr_err("%s", errbuf);
		return 1;
	}
	r.geo = geo_open(geoip, asn, errbuf, sizeof(errbuf));
	if (!r.geo) {
		pr_err("%s", errbuf);
		return 1;
	}
	if (sensor_open(&r.s, ifname, &so)) {
		geo_close(r.geo);
		return 1;
	}
	tagcfg_read_names(&r.s, &r.tags.names);
	if (tagcfg_apply(&r.s, &r.tags, errbuf, sizeof(errbuf))) {
		pr_err("%s", errbuf);
		sensor_close(&r.s);
		geo_close(r.geo);
		return 1;
	}
	pr_info("%s %s: program %u, %s mode, writing %s every %u s",
		r.s.adopted ? "adopted" : "attached to", ifname, r.s.prog_id,
		attach_mode_name(r.s.attach_mode), out, r.interval);
	if (!geo_country_path(r.geo))
		pr_warn("no country database: every source is ZZ; run `make "
			"geoip` or pass --geoip");
	if (r.tags.nrules || r.tags.nprefixes)
		pr_info("tags: %zu payload rules from %s, %zu listed prefixes",
			r.tags.nrules, r.tags.rules_path, r.tags.nprefixes);
	if (r.s.attach_mode == XDP_ATTACHED_SKB)
		pr_warn("skb mode sees packets after GRO: merged segments count "
			"as one packet (ethtool -K %s gro off)", ifname);

	err = recover(&r);
	if (!err && !ctl_read(&r.s, &ctl)) {
		__u32 active = ctl.gen & 1;
		__u64 start = interval_start(now_s(), r.interval);

		/*
		 * What was counted while no loader ran goes into the next rows;
		 * an interval never gets rows from two drains, so after a
		 * restart inside an interval that has rows, the next one does.
		 */
		if (ctl.since[active] < start)
			ctl.since[active] = start;
		if (ctl.last_written && ctl.since[active] <= ctl.last_written)
			ctl.since[active] = ctl.last_written + r.interval;
		err = ctl_write(&r.s, &ctl);
	}
	if (!err)
		err = loop(&r);
	sensor_close(&r.s);
	geo_close(r.geo);
	return err ? 1 : 0;
}
