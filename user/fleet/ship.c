// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope ship`: every complete row that the output directories
 * hold and the database does not, into the database (load.h says how,
 * exactly once). One pass and exit, for a timer; or --follow SEC, a pass
 * every SEC seconds, for a service: then a database that cannot be
 * reached, or that refuses rows for a reason that may pass (a full disk,
 * a cancelled statement, a lock held too long: lib/pg.h), is tried
 * again with a growing pause, said once when it begins and once when it
 * is over (trouble.h); a one-pass ship tries so for ONE_PASS_PATIENCE
 * at most. SIGTERM or SIGINT cancel the statement in progress (its
 * transaction is rolled back, nothing of it stays) and ship exits, also
 * while it waits for a lock.
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
#include "fleet/fleet.h"
#include "fleet/load.h"
#include "common/schema.h"
#include "fleet/migrate.h"
#include "fleet/scan.h"
#include "fleet/trouble.h"

#define BACKOFF_FIRST 0.25	/* seconds before the first retry */
#define BACKOFF_MAX 30.0
#define ONE_PASS_PATIENCE 60.0	/* seconds a one-pass ship tries again */

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
static PGcancel *volatile cancel_on_signal;	/* the connection's, while one is open */

static void on_signal(int sig)
{
	PGcancel *cancel = cancel_on_signal;
	char why[256];

	(void)sig;
	stopping = 1;
	/* a statement that waits (for a lock, a COPY's end) ends now; PQcancel
	 * is safe in a signal handler, with a buffer of the handler's own */
	if (cancel)
		PQcancel(cancel, why, sizeof(why));
}

/* A connection whose statements a signal cancels, or none (NULL). */
static void watch(PGconn *c)
{
	PGcancel *old = cancel_on_signal;

	cancel_on_signal = c ? PQgetCancel(c) : NULL;
	if (old)
		PQfreeCancel(old);
}

static void disconnect(PGconn *c)
{
	watch(NULL);
	PQfinish(c);
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

static double next_backoff(double backoff)
{
	return backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
}

struct shipper {
	struct loader l;
	char **dirs;
	int ndirs;
	char **scan_errors;	/* per DIR: the last thing said about it */
	bool follow;
	struct trouble trouble;
	struct pg_err refusal;	/* the pass's first refusal that may pass, */
	char refused_at[300];	/* and the day directory it refused */
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

enum pass_result { PASS_DONE, PASS_REFUSED, PASS_LOST };

/* One pass over every DIR. A day the server refuses for a reason that
 * may pass is left for the next pass (the first refusal in s->refusal);
 * the others go on: a lock one sensor's files wait for, or a day being
 * pruned, holds back no other. */
static enum pass_result pass(struct shipper *s)
{
	enum pass_result res = PASS_DONE;
	struct ship_scan sc = { 0 };
	char why[400];

	/* A pass that finds every file as loaded asks the database nothing,
	 * so under --follow it would never notice a server that went away
	 * and came back, perhaps restored from an older backup: ask it each
	 * time, so that a lost connection reconnects, and reconnecting reads
	 * the positions again (loader_connected). */
	if (s->follow && !pg_exec(s->l.c, "SELECT 1", &s->l.err) && s->l.err.lost)
		return PASS_LOST;

	for (int i = 0; i < s->ndirs; i++) {
		if (scan_add(&sc, s->dirs[i], why, sizeof(why))) {
			free(s->scan_errors[i]);
			s->scan_errors[i] = NULL;
		} else {
			scan_error(s, i, why);
		}
	}
	for (size_t d = 0; d < sc.n && !stopping && res != PASS_LOST; d++) {
		switch (loader_day(&s->l, &sc.days[d])) {
		case DAY_LOST:
			res = PASS_LOST;
			break;
		case DAY_REFUSED:
			if (res == PASS_DONE) {
				s->refusal = s->l.err;
				snprintf(s->refused_at, sizeof(s->refused_at), "%s", sc.days[d].dir);
			}
			res = PASS_REFUSED;
			break;
		case DAY_DONE:
			break;
		}
	}
	scan_free(&sc);
	return res;
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
	watch(c);
	return c;
}

static int one_pass(struct shipper *s, const char *db)
{
	double t0 = now_s(), dt, backoff = BACKOFF_FIRST;
	enum pass_result res = PASS_LOST;
	struct pg_err e;
	bool fatal;
	PGconn *c = connect_ready(db, &e, &fatal);

	if (!c) {
		pr_err("ship: %s%s", fatal ? "" : "cannot connect to the database: ", e.msg);
		return 1;
	}
	if (loader_connected(&s->l, c))
		res = pass(s);
	while (res == PASS_REFUSED && !stopping && now_s() - t0 < ONE_PASS_PATIENCE) {
		trouble_refused(&s->trouble, s->refused_at, &s->refusal, now_s(), BACKOFF_MAX);
		pause_s(backoff);
		backoff = next_backoff(backoff);
		if (!stopping)
			res = pass(s);
	}
	if (res == PASS_LOST) {
		pr_err("ship: lost the database: %s", s->l.err.msg);
		disconnect(c);
		return 1;
	}
	disconnect(c);
	if (res == PASS_REFUSED && !stopping) {
		pr_err("ship: %s: the database still refuses it after %.0f s (%s; SQLSTATE %s): "
		       "left for the next ship", s->refused_at, now_s() - t0, s->refusal.msg,
		       s->refusal.state);
		s->l.errors++;
	} else if (res == PASS_DONE) {
		trouble_over(&s->trouble, now_s());
	}
	dt = now_s() - t0;
	pr_info("ship: %llu rows from %u files in %.1f s (%.0f rows/s)%s",
		(unsigned long long)s->l.rows, s->l.files_loaded, dt,
		dt > 0 ? (double)s->l.rows / dt : 0.0,
		s->l.errors ? ", files failed" : "");
	return s->l.errors ? 1 : 0;
}

static int follow(struct shipper *s, const char *db, double every)
{
	double backoff = BACKOFF_FIRST;
	enum pass_result res;
	PGconn *c = NULL;
	struct pg_err e;
	bool fatal;

	while (!stopping) {
		if (!c) {
			c = connect_ready(db, &e, &fatal);
			if (c && !loader_connected(&s->l, c)) {
				e = s->l.err;
				disconnect(c);
				c = NULL;
			}
		}
		if (!c && fatal) {
			pr_err("ship: %s", e.msg);
			return 1;
		}
		res = c ? pass(s) : PASS_LOST;
		if (stopping)
			break;
		if (res == PASS_LOST && c) {
			e = s->l.err;
			disconnect(c);
			c = NULL;
		}
		if (res != PASS_DONE) {
			if (res == PASS_LOST)
				trouble_lost(&s->trouble, &e, now_s(), BACKOFF_MAX);
			else
				trouble_refused(&s->trouble, s->refused_at, &s->refusal, now_s(),
						BACKOFF_MAX);
			pause_s(backoff);
			backoff = next_backoff(backoff);
			continue;
		}
		trouble_over(&s->trouble, now_s());
		backoff = BACKOFF_FIRST;
		if (s->l.rows)
			pr_debug("ship: %llu rows from %u files", (unsigned long long)s->l.rows,
				 s->l.files_loaded);
		s->l.rows = 0;
		s->l.files_loaded = 0;
		pause_s(every);
	}
	if (c)
		disconnect(c);
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
	trouble_init(&s.trouble);
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
