// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope run`: attach or adopt, then drain every interval on the
 * UTC clock until SIGTERM/SIGINT, with a final drain before exit. One
 * poll() loop over a signalfd and a timerfd: no work in signal handlers.
 */
#include <errno.h>
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
#include "sensor/commands.h"
#include "common/calendar.h"
#include "sensor/drain.h"
#include "sensor/geo.h"
#include "lib/log.h"
#include "lib/options.h"
#include "lib/text.h"
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
	/* set by the options, as are interval and tags.list_paths */
	const char *out_dir, *sensor, *geoip, *asn, *rules;
	struct sensor_opts so;
	bool gzip, verbose;
};

static const char *const modes[] = {
	[TS_MODE_AUTO] = "auto", [TS_MODE_NATIVE] = "native", [TS_MODE_SKB] = "skb", NULL,
};

#define MAX_ENTRIES (1L << 28)	/* --max-*: entries of a map at most */

static const struct opt run_opts[] = {
	OPT_STRING(struct runner, out_dir, "out", 'o', "DIR", "where the CSV goes",
		   .required = true),
	OPT_STRING(struct runner, sensor, "sensor", 's', "NAME",
		   "sensor column (default: host name)"),
	OPT_STRING(struct runner, geoip, "geoip", 'g', "FILE",
		   "country database (.mmdb; default: installed one)"),
	OPT_STRING(struct runner, asn, "asn", 'a', "FILE", "ASN database (.mmdb; default: none)"),
	OPT_UINT(struct runner, interval, "interval", 'i', "SEC", 1, 86400,
		 "drain interval, aligned to UTC (default 60)"),
	OPT_WORD(struct runner, so.mode, "mode", 'm', "MODE", modes,
		 "auto (default), native or skb"),
	OPT_UINT(struct runner, so.sizes.max_sources, "max-sources", 0, "N", 1, MAX_ENTRIES,
		 "(source, protocol, port) entries per interval (default 524288)"),
	OPT_UINT(struct runner, so.sizes.max_backscatter, "max-backscatter", 0, "N", 1,
		 MAX_ENTRIES, "backscatter entries per interval (default 65536)"),
	OPT_STRING(struct runner, rules, "rules", 'r', "FILE",
		   "payload rules (default: the shipped default.rules; 'none': no rules)"),
	OPT_LIST(struct runner, tags.list_paths, tags.nlists, "label-list", 'l', "FILE",
		 "labelled address list, lines CIDR,label; packets get the tag list:<label>"),
	OPT_UINT(struct runner, so.sizes.max_tagged, "max-tagged", 0, "N", 1, MAX_ENTRIES,
		 "tagged (source, port, tags) entries per interval (default 131072)"),
	OPT_UINT(struct runner, so.sizes.max_labels, "max-labels", 0, "N", 1, MAX_ENTRIES,
		 "listed prefixes at most (default 65536)"),
	OPT_FLAG(struct runner, gzip, "gzip", 'z', "write .csv.gz"),
	OPT_FLAG(struct runner, so.pass, "pass", 'p',
		 "pass packets on to the stack instead of dropping"),
	OPT_FLAG(struct runner, verbose, "verbose", 'v', "log every drain, and libbpf's messages"),
	OPT_END,
};

static const struct opt_cmd run_cmd = {
	.prog = "xdp-telescope", .name = "run", .args = "IFACE", .min_args = 1, .max_args = 1,
	.about = "Attach the classifier to IFACE (or adopt the one pinned there), and "
		 "every interval write the counts as CSV under DIR/YYYY-MM-DD/. SIGTERM "
		 "or SIGINT: write a last time and exit, leaving the sensor attached and "
		 "counting.\nSIGHUP: reload the GeoIP databases, rules and address lists.",
	.opts = run_opts,
};

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
	struct runner r = { .interval = 60, .so.mode = TS_MODE_AUTO };
	const char *ifname;
	char errbuf[512];
	int err, argi;

	err = opt_parse(&run_cmd, argc, argv, &r, &argi);
	if (err != OPT_GO)
		return err;
	ifname = argv[argi];
	ts_verbose = r.verbose;
	/* The name goes into every row, of files declared UTF-8; a line end
	 * in it would split rows for every line-based reader. */
	if (r.sensor && text_check(r.sensor, TEXT_NAME_MAX))
		return opt_error(&run_cmd, "--sensor wants valid UTF-8 without control "
				 "characters, at most %d bytes: the name given %s",
				 TEXT_NAME_MAX, text_check(r.sensor, TEXT_NAME_MAX));
	if (r.sensor)
		snprintf(r.sensor_name, sizeof(r.sensor_name), "%s", r.sensor);
	if (strlen(ifname) >= IF_NAMESIZE || !if_nametoindex(ifname)) {
		pr_err("no interface named '%s'", ifname);
		return 1;
	}
	if (!r.sensor_name[0] && gethostname(r.sensor_name, sizeof(r.sensor_name) - 1))
		snprintf(r.sensor_name, sizeof(r.sensor_name), "sensor");
	ts_quiet_libbpf();

	if (output_init(&r.out, r.out_dir, ifname, r.gzip))
		return 1;
	if (!r.rules)
		r.rules = default_data_file("XDP_TELESCOPE_RULES", "default.rules",
					    "rules/default.rules", r.rules_buf,
					    sizeof(r.rules_buf));
	else if (!strcmp(r.rules, "none"))
		r.rules = NULL;
	r.tags.rules_path = r.rules;
	tag_names_init(&r.tags.names);
	if (tagcfg_apply(NULL, &r.tags, errbuf, sizeof(errbuf))) {
		pr_err("%s", errbuf);
		return 1;
	}
	r.geo = geo_open(r.geoip, r.asn, errbuf, sizeof(errbuf));
	if (!r.geo) {
		pr_err("%s", errbuf);
		return 1;
	}
	if (sensor_open(&r.s, ifname, &r.so)) {
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
		attach_mode_name(r.s.attach_mode), r.out_dir, r.interval);
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
