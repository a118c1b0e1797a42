// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope run`: attach or adopt, then drain every interval on the
 * UTC clock until SIGTERM/SIGINT, with a final drain before exit. One
 * poll() loop over a signalfd, a timerfd and the link events of the
 * namespace: no work in signal handlers.
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
#include <linux/if_link.h>
#include "sensor/sensor.h"
#include "common/calendar.h"
#include "sensor/drain.h"
#include "sensor/flows4.h"
#include "sensor/geo.h"
#include "lib/log.h"
#include "lib/options.h"
#include "lib/text.h"
#include "sensor/output.h"
#include "sensor/attach.h"
#include "sensor/linkwatch.h"
#include "sensor/mapsize.h"
#include "sensor/metrics.h"
#include "sensor/metrics_http.h"
#include "sensor/retention.h"
#include "sensor/service.h"
#include "sensor/rows.h"
#include "lib/datafile.h"
#include "sensor/tagcfg.h"
#include "sensor/ticks.h"

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
	bool counting; /* the program is attached to the interface */
	const char *metrics_file, *metrics_listen;
	struct drain_record record;  /* what the drains did, for the metrics */
	struct metrics_http *http;   /* --metrics-listen, or NULL */
	struct strbuf metrics;       /* the exposition of the last drain */
	unsigned keep_days;          /* --keep-days, 0: keep everything */
	bool space_low;              /* said once, until it recovers */
	struct ticks ticks;          /* the timer, and the clock's steps */
};

static const char *const modes[] = {
	[TS_MODE_AUTO] = "auto", [TS_MODE_NATIVE] = "native", [TS_MODE_SKB] = "skb", NULL,
};

#define MAX_ENTRIES TS_MAX_HASH_ENTRIES /* --max-*: what a hash map can hold */

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
	OPT_STRING(struct runner, metrics_file, "metrics", 0, "FILE",
		   "write the Prometheus metrics to FILE after every drain (atomically)"),
	OPT_STRING(struct runner, metrics_listen, "metrics-listen", 0, "ADDR:PORT",
		   "serve them at http://ADDR:PORT/metrics (PORT alone: on 127.0.0.1)"),
	OPT_UINT(struct runner, keep_days, "keep-days", 0, "N", 1, 100000,
		 "remove day directories older than N days after each drain"),
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

static __u64 interval_start(__u64 t, unsigned interval)
{
	return t - t % interval;
}

/*
 * The interface is gone (deleted): the kernel detached the program and
 * counts nothing. Write what it counted, then write no rows until the
 * interface is back: those intervals are a gap, not zeros.
 */
static void interface_gone(struct runner *r)
{
	struct clock_reading now;

	pr_err("%s is gone (deleted, or its link detached): nothing is counted "
	       "on it; what was is written, then no rows (a gap) until it is "
	       "back", r->s.ifname);
	r->counting = false;
	ticks_read(&r->ticks, &now);
	/* a failure is said, and retried, by the drain */
	drain_stop(&r->drain, ticks_counted(&r->ticks, &now));
	ticks_flipped(&r->ticks, r->drain.flips, &now);
}

/*
 * Attach anew once an interface of that name is there again, keeping the
 * maps and their counts, as a restart does. In the loader rather than by
 * exiting for the service to restart it: a restart needs the interface
 * to exist already (and would fail, and be given up on, while it does
 * not), loads the lists again, and works only under a service manager.
 * 0 (attached, or still waiting), -1 (error printed: exit).
 */
static int interface_back(struct runner *r)
{
	if (r->counting || !if_nametoindex(r->s.ifname))
		return 0;
	if (drain_resume(&r->drain) || sensor_reattach(&r->s, r->so.mode)) {
		pr_err("cannot attach to %s again; the counts so far are written "
		       "or wait in the maps", r->s.ifname);
		return -1;
	}
	r->counting = true;
	pr_warn("%s is back (ifindex %d): attached anew, program %u, %s mode, "
		"counts kept", r->s.ifname, r->s.ifindex, r->s.prog_id,
		attach_mode_name(r->s.attach_mode));
	return 0;
}

/* Something about links changed, or an interval ended: still counting? */
static int check_link(struct runner *r)
{
	if (r->counting && !sensor_counting(&r->s))
		interface_gone(r);
	return interface_back(r);
}

/* A drain at the end of the interval starting at `next`, the clocks read `now`. */
static int tick(struct runner *r, __u64 next, const struct clock_reading *now)
{
	if (check_link(r))
		return -1;
	if (!r->counting) {
		/* a gap: no row, only what waits */
		drain_stop(&r->drain, ticks_counted(&r->ticks, now));
	} else if (!drain_label_free(&r->drain, next)) {
		/*
		 * A restart inside an interval that already has rows (these
		 * counts are labelled with the next interval, so they are
		 * written at its end), or an interval written while the clock
		 * was ahead. Only rows that wait are written now.
		 */
		drain_retry(&r->drain);
	} else {
		/* a failure is said by the drain */
		drain_interval(&r->drain, next, ticks_counted(&r->ticks, now));
	}
	ticks_flipped(&r->ticks, r->drain.flips, now);
	return 0;
}

static void reload(struct runner *r)
{
	char errbuf[512];

	if (geo_reload(r->geo, errbuf, sizeof(errbuf)))
		pr_warn("GeoIP reload failed, keeping the old database: %s", errbuf);
	else
		pr_info("GeoIP databases reloaded");
	if (tagcfg_apply(&r->s.maps, &r->tags, errbuf, sizeof(errbuf)))
		pr_warn("rules reload failed, keeping the old rules and lists: %s",
			errbuf);
	else
		pr_info("rules and lists reloaded: %zu rules, %zu prefixes",
			r->tags.nrules, r->tags.nprefixes);
}

/* The metrics, as of now: to the file and the HTTP endpoint asked for. */
static void publish_metrics(struct runner *r)
{
	struct metrics_source src = { .s = &r->s, .sensor = r->sensor_name,
				      .names = &r->tags.names, .drains = &r->record,
				      .interval = r->interval };

	if (!r->metrics_file && !r->http)
		return;
	if (metrics_render(&src, &r->metrics))
		return;
	if (r->metrics_file)
		metrics_write_file(r->metrics_file, &r->metrics);
	if (r->http)
		metrics_http_publish(r->http, &r->metrics);
}

/* Old days out (--keep-days), and a word when the disk runs low. */
static void housekeep(struct runner *r)
{
	double free_percent;
	bool low;

	retention_prune(r->out_dir, r->keep_days, clock_wall_s());
	low = retention_space_low(r->out_dir, &free_percent);
	if (low && !r->space_low)
		pr_warn("%s has %.1f%% of its space free (below %d%%): once it is full, "
			"rows wait in the maps until there is room%s", r->out_dir,
			free_percent, RETENTION_LOW_PERCENT,
			r->keep_days ? "" : "; --keep-days removes old days");
	else if (!low && r->space_low)
		pr_info("%s has %.1f%% of its space free again", r->out_dir, free_percent);
	r->space_low = low;
}

/* After a drain: old days out, the metrics, a status line for systemd. */
static void drained(struct runner *r)
{
	char when[21], status[96];

	housekeep(r);
	publish_metrics(r);
	if (!r->record.last_drain)
		return;
	format_time(r->record.last_drain, when);
	snprintf(status, sizeof(status), "%s: last drain %s, %llu drains",
		 r->counting ? "counting" : "interface gone", when,
		 (unsigned long long)r->record.drains);
	service_status(status);
}

/* SIGTERM or SIGINT: the last (partial) interval, if anything counted it. */
static int last_drain(struct runner *r)
{
	struct clock_reading now;
	int err;

	ticks_read(&r->ticks, &now);
	err = r->counting
		? drain_interval(&r->drain,
				 interval_start((__u64)(now.wall_ns / NS_PER_S), r->interval),
				 ticks_counted(&r->ticks, &now))
		: drain_retry(&r->drain);

	if (err)
		pr_err("the last drain failed; its counts stay in the maps for the "
		       "next run");
	return err;
}

static int loop(struct runner *r, const sigset_t *mask)
{
	int sfd, lfd, err = 0, watchdog = service_watchdog_ms();
	struct clock_reading now;
	__u64 next;

	sfd = signalfd(-1, mask, SFD_CLOEXEC);
	if (sfd < 0 || ticks_open(&r->ticks, r->drain.flips)) {
		pr_err("cannot set up signals and timer: %s", strerror(errno));
		return -1;
	}
	lfd = linkwatch_open();
	if (lfd < 0)
		pr_warn("cannot watch link events (%s): a deleted interface is "
			"noticed at the next drain only", strerror(errno));

	next = (__u64)clock_wall_s();
	next = interval_start(next, r->interval) + r->interval;
	ticks_arm(&r->ticks, next);
	for (;;) {
		struct pollfd pfd[3] = { { .fd = sfd, .events = POLLIN },
					 { .fd = r->ticks.fd, .events = POLLIN },
					 { .fd = lfd, .events = POLLIN } };

		/* the loop feeds systemd's watchdog at half its period */
		if (poll(pfd, 3, watchdog ? watchdog / 2 : -1) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("poll: %s", strerror(errno));
			err = -1;
			break;
		}
		if (watchdog)
			service_watchdog();
		if (pfd[2].revents & POLLIN) {
			linkwatch_drain(lfd);
			if (check_link(r)) {
				err = -1;
				break;
			}
		}
		if (pfd[1].revents & POLLIN) {
			__u64 expiries, wall;
			int64_t step;

			if (read(r->ticks.fd, &expiries, sizeof(expiries)) < 0)
				continue;
			step = ticks_read(&r->ticks, &now);
			wall = (__u64)(now.wall_ns / NS_PER_S);
			if (!step && wall < next) { /* a slewed clock: not yet */
				ticks_arm(&r->ticks, next);
				continue;
			}
			/* Late (slow drain, suspended VM): start where we are. */
			next = interval_start(wall, r->interval);
			if (step && now.wall_ns - (int64_t)next * NS_PER_S > NS_PER_S) {
				/* amid an interval of the stepped clock: count on to its end */
				next += r->interval;
				ticks_arm(&r->ticks, next);
				continue;
			}
			if (tick(r, next, &now)) {
				err = -1;
				break;
			}
			drained(r);
			next += r->interval;
			ticks_arm(&r->ticks, next);
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				reload(r);
				continue;
			}
			pr_info("signal %u: writing the last interval and exiting",
				si.ssi_signo);
			service_stopping();
			err = last_drain(r);
			publish_metrics(r);
			break;
		}
	}
	close(sfd);
	ticks_close(&r->ticks);
	if (lfd >= 0)
		close(lfd);
	return err;
}

/*
 * The signals loop() reads from a signalfd, blocked before anything else:
 * attaching, loading a million listed prefixes or a recovery drain take
 * seconds, and a signal that arrives meanwhile must wait in the queue for
 * the loop (SIGHUP: reload; SIGTERM: write and exit 0) instead of killing
 * the loader by its default action.
 */
static void block_signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	sigprocmask(SIG_BLOCK, mask, NULL);
}

/* Everything after the options: attach, drain until a signal, exit status. */
static int run(struct runner *r, const char *ifname, const sigset_t *mask)
{
	char errbuf[512];
	int err;

	if (strlen(ifname) >= IF_NAMESIZE || !if_nametoindex(ifname)) {
		pr_err("no interface named '%s'", ifname);
		return 1;
	}
	if (!r->sensor_name[0] && gethostname(r->sensor_name, sizeof(r->sensor_name) - 1))
		snprintf(r->sensor_name, sizeof(r->sensor_name), "sensor");
	ts_quiet_libbpf();
	drain_keep_memory();
	flows4_keep_mapped();

	if (output_init(&r->out, r->out_dir, ifname, r->gzip))
		return 1;
	if (!r->rules)
		r->rules = default_data_file("XDP_TELESCOPE_RULES", "default.rules",
					     "rules/default.rules", r->rules_buf,
					     sizeof(r->rules_buf));
	else if (!strcmp(r->rules, "none"))
		r->rules = NULL;
	r->tags.rules_path = r->rules;
	tag_names_init(&r->tags.names);
	if (tagcfg_apply(NULL, &r->tags, errbuf, sizeof(errbuf))) {
		pr_err("%s", errbuf);
		return 1;
	}
	r->geo = geo_open(r->geoip, r->asn, errbuf, sizeof(errbuf));
	if (!r->geo) {
		pr_err("%s", errbuf);
		return 1;
	}
	if (sensor_open(&r->s, ifname, &r->so)) {
		geo_close(r->geo);
		return 1;
	}
	tagcfg_read_names(&r->s.maps, &r->tags.names);
	if (tagcfg_apply(&r->s.maps, &r->tags, errbuf, sizeof(errbuf))) {
		pr_err("%s", errbuf);
		sensor_close(&r->s);
		geo_close(r->geo);
		return 1;
	}
	pr_info("%s %s: program %u, %s mode, writing %s every %u s",
		r->s.adopted ? "adopted" : "attached to", ifname, r->s.prog_id,
		attach_mode_name(r->s.attach_mode), r->out_dir, r->interval);
	if (!geo_country_path(r->geo))
		pr_warn("no country database: every source is ZZ; run `make "
			"geoip` or pass --geoip");
	if (r->tags.nrules || r->tags.nprefixes)
		pr_info("tags: %zu payload rules from %s, %zu listed prefixes",
			r->tags.nrules, r->tags.rules_path, r->tags.nprefixes);
	if (r->s.attach_mode == XDP_ATTACHED_SKB)
		pr_warn("skb mode sees packets after GRO: merged segments count "
			"as one packet (ethtool -K %s gro off)", ifname);

	r->drain = (struct drain){ .maps = &r->s.maps, .out = &r->out, .geo = r->geo,
				   .names = &r->tags.names, .sensor = r->sensor_name,
				   .record = &r->record };
	r->counting = true;
	sb_init(&r->metrics);
	err = drain_start(&r->drain, r->interval);
	if (!err) {
		drained(r); /* the metrics' first text, before they are served */
		if (r->http && metrics_http_start(r->http))
			err = -1;
	}
	if (!err) {
		char status[128];

		snprintf(status, sizeof(status), "counting on %s: program %u, %s mode",
			 ifname, r->s.prog_id, attach_mode_name(r->s.attach_mode));
		service_ready(status);
		err = loop(r, mask);
	}
	rowtimes_free(&r->drain.written);
	sb_free(&r->metrics);
	sensor_close(&r->s);
	geo_close(r->geo);
	return err ? 1 : 0;
}

int cmd_run(int argc, char **argv)
{
	struct runner r = { .interval = 60, .so.mode = TS_MODE_AUTO };
	const char *why;
	char errbuf[512];
	sigset_t mask;
	int err, argi;

	block_signals(&mask);
	err = opt_parse(&run_cmd, argc, argv, &r, &argi);
	if (err != OPT_GO)
		return err;
	ts_verbose = r.verbose;
	/* The name goes into every row, of files declared UTF-8; a line end
	 * in it would split rows for every line-based reader. */
	why = r.sensor ? text_check(r.sensor, TEXT_NAME_MAX) : NULL;
	if (why)
		return opt_error(&run_cmd, "--sensor wants valid UTF-8 without control "
				 "characters, at most %d bytes: the name given %s",
				 TEXT_NAME_MAX, why);
	if (r.sensor)
		snprintf(r.sensor_name, sizeof(r.sensor_name), "%s", r.sensor);
	/* listening is checked before attaching, as an option */
	if (r.metrics_listen &&
	    !(r.http = metrics_http_open(r.metrics_listen, errbuf, sizeof(errbuf))))
		return opt_error(&run_cmd, "%s", errbuf);
	err = run(&r, argv[argi], &mask);
	metrics_http_stop(r.http);
	return err;
}
