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
#include "sensor/drain.h"
#include "sensor/geo.h"
#include "lib/log.h"
#include "lib/number.h"
#include "sensor/output.h"
#include "sensor/attach.h"
#include "sensor/rows.h"
#include "lib/datafile.h"
#include "sensor/tagcfg.h"

struct runner {
	struct sensor s;
	struct output out;
	struct geo *geo;
	struct drain drain;
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

static __u64 now_s(void)
{
	return (__u64)time(NULL);
}

static __u64 interval_start(__u64 t, unsigned interval)
{
	return t - t % interval;
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

			if (read(tfd, &ticks, sizeof(ticks)) < 0)
				continue;
			if (now < next) { /* clock stepped back: re-arm */
				arm_timer(tfd, next);
				continue;
			}
			/* Late (slow drain, suspended VM): start where we are. */
			next = interval_start(now, r->interval);
			if (drain_counting_since(&r->drain) >= next) {
				/*
				 * A restart inside an interval that already has
				 * rows: these counts are labelled with the next
				 * interval, so they are written at its end.
				 */
				next += r->interval;
				arm_timer(tfd, next);
				continue;
			}
			if (drain_interval(&r->drain, next))
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
				if (tagcfg_apply(&r->s.maps, &r->tags, errbuf, sizeof(errbuf)))
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
			if (drain_interval(&r->drain, interval_start(now_s(), r->interval))) {
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
	struct map_sizes *sz = &so.sizes;
	const char *out = NULL, *geoip = NULL, *asn = NULL, *ifname;
	const char *rules = NULL;
	struct runner r = { .interval = 60 };
	bool gzip = false;
	char errbuf[512];
	uint64_t v;
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
			if (!parse_uint(optarg, 1, 86400, &v)) {
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
			if (!parse_uint(optarg, 1, 1L << 28, &v)) {
				pr_err("%s wants a number from 1 to %ld, not '%s'",
				       argv[optind - 1], 1L << 28, optarg);
				return 2;
			}
			*(c == 'S' ? &sz->max_sources : c == 'B' ? &sz->max_backscatter
			  : c == 'T' ? &sz->max_tagged : &sz->max_labels) = (__u32)v;
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
	tagcfg_read_names(&r.s.maps, &r.tags.names);
	if (tagcfg_apply(&r.s.maps, &r.tags, errbuf, sizeof(errbuf))) {
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

	r.drain = (struct drain){ .maps = &r.s.maps, .out = &r.out, .geo = r.geo,
				  .names = &r.tags.names, .sensor = r.sensor_name };
	err = drain_start(&r.drain, r.interval);
	if (!err)
		err = loop(&r);
	sensor_close(&r.s);
	geo_close(r.geo);
	return err ? 1 : 0;
}
