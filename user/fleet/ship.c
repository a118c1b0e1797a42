// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope ship`: every complete row that the output directories
 * hold and the database does not, into the database (load.h says how,
 * exactly once). One pass and exit, for a timer; or --follow SEC, a pass
 * every SEC seconds, for a service: then a database that cannot be
 * reached is tried again with a growing pause, said once when it goes
 * and once when it comes back.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/options.h"
#include "fleet/commands.h"
#include "fleet/load.h"
#include "common/schema.h"
#include "fleet/migrate.h"
#include "fleet/scan.h"

#define BACKOFF_FIRST 0.25	/* seconds before the first retry */
#define BACKOFF_MAX 30.0

struct ship_args {
	const char *db;
	double follow;
	bool verbose;
};

static const struct opt ship_opts[] = {
	OPT_STRING(struct ship_args, db, "db", 'd', "CONNINFO",
		   "libpq connection string or URI (default: the PG* environment)"),
	OPT_DOUBLE(struct ship_args, follow, "follow", 'f', "SEC", 0, 86400,
		   "keep going: a pass every SEC seconds (default: one pass and exit)",
		   .above = true),
	OPT_FLAG(struct ship_args, verbose, "verbose", 'v', "say what each file gave"),
	OPT_END,
};

static const struct opt_cmd ship_cmd = {
	.prog = "xdp-telescope", .name = "ship", .args = "DIR...", .min_args = 1,
	.max_args = -1,
	.about = "Load into the database every complete row of the CSV under each DIR (an "
		 "output directory, DIR/YYYY-MM-DD/, or one per sensor, DIR/SENSOR/YYYY-MM-DD/) "
		 "that it does not hold yet, each exactly once. Exit status 1 when a file or "
		 "the database failed.",
	.opts = ship_opts,
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep, but not past a signal. */
static void pause_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (!stopping && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

struct shipper {
	struct loader l;
	char **dirs;
	int ndirs;
	char **scan_errors;	/* per DIR: the last thing said about it */
	bool follow;
};

/* A DIR that cannot be read: said once while it stays so (in --follow). */
static void scan_error(struct shipper *s, int i, const char *why)
{
	if (s->scan_errors[i] && !strcmp(s->scan_errors[i], why))
		return;
	free(s->scan_errors[i]);
	s->scan_errors[i] = xstrdup(why);
	pr_err("ship: %s", why);
	s->l.errors++;
}

/* One pass over every DIR: 0, or -1 when the connection was lost. */
static int pass(struct shipper *s)
{
	struct ship_scan sc = { 0 };
	char why[400];
	int rc = 0;

	/* A pass that finds every file as loaded asks the database nothing,
	 * so under --follow it would never notice a server that went away
	 * and came back, perhaps restored from an older backup: ask it each
	 * time, so that a lost connection reconnects, and reconnecting reads
	 * the positions again (loader_connected). */
	if (s->follow && !pg_exec(s->l.c, "SELECT 1", &s->l.err) && s->l.err.lost)
		return -1;

	for (int i = 0; i < s->ndirs; i++) {
		if (scan_add(&sc, s->dirs[i], why, sizeof(why))) {
			free(s->scan_errors[i]);
			s->scan_errors[i] = NULL;
		} else {
			scan_error(s, i, why);
		}
	}
	for (size_t d = 0; d < sc.n && !stopping && rc == 0; d++)
		rc = loader_day(&s->l, &sc.days[d]);
	scan_free(&sc);
	return rc;
}

static PGconn *connect_ready(const char *db, struct pg_err *e, bool *fatal)
{
	PGconn *c = pg_connect(db ? db : "", e);

	*fatal = false;
	if (!c)
		return NULL;
	if (!schema_ready(c, e)) {
		*fatal = !e->lost;	/* a schema of another version stays so */
		PQfinish(c);
		return NULL;
	}
	return c;
}

static int one_pass(struct shipper *s, const char *db)
{
	double t0 = now_s(), dt;
	struct pg_err e;
	bool fatal;
	PGconn *c = connect_ready(db, &e, &fatal);

	if (!c) {
		pr_err("ship: %s%s", fatal ? "" : "cannot connect to the database: ", e.msg);
		return 1;
	}
	if (!loader_connected(&s->l, c) || pass(s) < 0) {
		pr_err("ship: lost the database: %s", s->l.err.msg);
		PQfinish(c);
		return 1;
	}
	PQfinish(c);
	dt = now_s() - t0;
	pr_info("ship: %llu rows from %u files in %.1f s (%.0f rows/s)%s",
		(unsigned long long)s->l.rows, s->l.files_loaded, dt,
		dt > 0 ? (double)s->l.rows / dt : 0.0,
		s->l.errors ? ", files failed" : "");
	return s->l.errors ? 1 : 0;
}

static int follow(struct shipper *s, const char *db, double every)
{
	double backoff = BACKOFF_FIRST, down_since = -1;
	PGconn *c = NULL;
	struct pg_err e;
	bool fatal;

	while (!stopping) {
		if (!c) {
			c = connect_ready(db, &e, &fatal);
			if (c && !loader_connected(&s->l, c)) {
				e = s->l.err;
				PQfinish(c);
				c = NULL;
			}
		}
		if (!c && fatal) {
			pr_err("ship: %s", e.msg);
			return 1;
		}
		if (c && pass(s) < 0) {
			e = s->l.err;
			PQfinish(c);
			c = NULL;
		}
		if (!c) {
			if (down_since < 0) {
				pr_warn("ship: the database cannot be reached (%s): trying again, "
					"every %.0f s at most, until it answers", e.msg, BACKOFF_MAX);
				down_since = now_s();
			}
			pause_s(backoff);
			backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
			continue;
		}
		if (down_since >= 0) {
			pr_info("ship: the database answers again, after %.0f s",
				now_s() - down_since);
			down_since = -1;
			backoff = BACKOFF_FIRST;
		}
		if (s->l.rows)
			pr_debug("ship: %llu rows from %u files", (unsigned long long)s->l.rows,
				 s->l.files_loaded);
		s->l.rows = 0;
		s->l.files_loaded = 0;
		pause_s(every);
	}
	PQfinish(c);
	return 0;
}

int cmd_ship(int argc, char **argv)
{
	struct ship_args a = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct shipper s = { 0 };
	char host[256] = "";
	int argi, rc = opt_parse(&ship_cmd, argc, argv, &a, &argi);

	if (rc != OPT_GO)
		return rc;
	ts_verbose = a.verbose;
	gethostname(host, sizeof(host) - 1);
	/* no SA_RESTART: a pause ends at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	loader_init(&s.l, host);
	s.dirs = argv + argi;
	s.ndirs = argc - argi;
	s.scan_errors = xcalloc((size_t)s.ndirs, sizeof(*s.scan_errors));
	s.follow = a.follow > 0;
	rc = a.follow > 0 ? follow(&s, a.db, a.follow) : one_pass(&s, a.db);
	for (int i = 0; i < s.ndirs; i++)
		free(s.scan_errors[i]);
	free(s.scan_errors);
	loader_free(&s.l);
	return rc;
}
