// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope synth`: writes what a fleet of sensors would have written
 * (OUT/sensor-NN/YYYY-MM-DD/NAME.csv), plus OUT/events.csv (the injected
 * events, for tests to compare with) and OUT/sensors.csv (groups for
 * `report --sensors`). Two threads, each a set of sensors.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "lib/log.h"
#include "lib/number.h"
#include "lib/options.h"
#include "common/calendar.h"
#include "common/daypath.h"
#include "synth/synth.h"

struct synth_sink {
	const struct synth_opts *o;
	char dir[4096];
	FILE *f[S_COUNT];
	gzFile gz[S_COUNT];
	bool failed;
};

static bool make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST) {
		pr_err("synth: cannot create %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

static bool sink_open(struct synth_sink *k, enum series file)
{
	char path[4200];

	series_file_path(path, sizeof(path), k->dir, file, k->o->gzip);
	if (k->o->gzip) {
		k->gz[file] = gzopen(path, "wb6");
		if (k->gz[file])
			return gzputs(k->gz[file], series_header[file]) > 0 &&
			       gzputs(k->gz[file], "\n") > 0;
	} else {
		k->f[file] = fopen(path, "w");
		if (k->f[file]) {
			setvbuf(k->f[file], NULL, _IOFBF, 1 << 20);
			return fputs(series_header[file], k->f[file]) >= 0 &&
			       fputc('\n', k->f[file]) != EOF;
		}
	}
	pr_err("synth: cannot write %s: %s", path, strerror(errno));
	return false;
}

static void sink_emit(struct synth_sink *k, enum series file, const char *row, size_t len)
{
	if (k->failed)
		return;
	if (!k->f[file] && !k->gz[file] && !sink_open(k, file)) {
		k->failed = true;
		return;
	}
	if (k->o->gzip ? gzwrite(k->gz[file], row, (unsigned)len) != (int)len
		       : fwrite(row, 1, len, k->f[file]) != len) {
		pr_err("synth: cannot write in %s: %s", k->dir, strerror(errno));
		k->failed = true;
	}
}

static bool sink_close(struct synth_sink *k)
{
	bool ok = !k->failed;

	for (int i = 0; i < S_COUNT; i++) {
		if (k->f[i] && fclose(k->f[i]))
			ok = false;
		if (k->gz[i] && gzclose(k->gz[i]) != Z_OK)
			ok = false;
		k->f[i] = NULL;
		k->gz[i] = NULL;
	}
	if (!ok && !k->failed)
		pr_err("synth: cannot finish the files in %s", k->dir);
	return ok;
}

struct worker {
	const struct synth_opts *o;
	int first, step;
	bool ok;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct synth_sink k = { .o = w->o };

	w->ok = true;
	for (int s = w->first; s < w->o->sensors && w->ok; s += w->step) {
		char sensor_dir[sizeof(k.dir)];

		snprintf(sensor_dir, sizeof(sensor_dir), "%s/sensor-%02d", w->o->out, s + 1);
		if (!make_dir(sensor_dir)) {
			w->ok = false;
			break;
		}
		for (int day = w->o->from; day <= w->o->to && w->ok; day++) {
			day_dir_path(k.dir, sizeof(k.dir), sensor_dir, day);
			if (!make_dir(k.dir)) {
				w->ok = false;
				break;
			}
			synth_sensor_day(w->o, s, day, &k, sink_emit);
			w->ok = sink_close(&k);
		}
	}
	return NULL;
}

static bool write_side_files(const struct synth_opts *o, const struct synth_event *ev, int n)
{
	char path[4200];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/events.csv", o->out);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	synth_write_manifest(f, ev, n);
	if (fclose(f))
		goto fail;
	snprintf(path, sizeof(path), "%s/sensors.csv", o->out);
	f = fopen(path, "w");
	if (!f)
		goto fail;
	fprintf(f, "sensor,group,label,country\n");
	for (int s = 0, domestic = (o->sensors + 1) / 2; s < o->sensors; s++) {
		static const char *const abroad[] = { "US", "DE", "SG", "BR", "NL" };

		if (s < domestic)
			fprintf(f, "sensor-%02d,domestic,Domestic sensor %d,JP\n", s + 1, s + 1);
		else
			fprintf(f, "sensor-%02d,overseas,Overseas sensor %d,%s\n", s + 1,
				s - domestic + 1, abroad[(s - domestic) % 5]);
	}
	ok = !fclose(f);
	if (ok)
		return true;
fail:
	pr_err("synth: cannot write %s: %s", path, strerror(errno));
	return false;
}

/* The options: synth_opts, and those that are the command's alone. */
struct synth_args {
	struct synth_opts o;
	bool no_events, list;
};

static bool parse_from_to(const struct opt *opt, const char *s, void *cfg)
{
	int *day = opt_field(opt, cfg);

	*day = parse_day(s);
	return *day >= 0;
}

static bool parse_interval(const struct opt *opt, const char *s, void *cfg)
{
	uint64_t v;

	if (!parse_uint(s, 1, 86400, &v) || 86400 % v)
		return false;
	*(int *)opt_field(opt, cfg) = (int)v;
	return true;
}

#define A struct synth_args
static const struct opt synth_table[] = {
	OPT_STRING(A, o.out, "out", 0, "DIR", "where the sensor directories go"),
	OPT_CUSTOM(A, o.from, "from", 0, "YYYY-MM-DD", parse_from_to, "a day as YYYY-MM-DD",
		   "first day", .required = true),
	OPT_CUSTOM(A, o.to, "to", 0, "YYYY-MM-DD", parse_from_to, "a day as YYYY-MM-DD",
		   "last day", .required = true),
	OPT_UINT(A, o.sensors, "sensors", 0, "N", 1, 99, "sensors (default 4)"),
	OPT_UINT(A, o.seed, "seed", 0, "S", 0, UINT64_MAX,
		 "random seed (default 1); same seed, same files"),
	OPT_CUSTOM(A, o.interval, "interval", 0, "SEC", parse_interval,
		   "a number of seconds dividing a day (1 to 86400)",
		   "seconds between rows (default 60)"),
	OPT_DOUBLE(A, o.rate, "rate", 0, "FLOWS", 0, 1000,
		   "scanning flows a sensor receives a minute (default 12)", .above = true),
	OPT_FLAG(A, no_events, "no-events", 0, "a clean baseline: no injected events"),
	OPT_FLAG(A, o.gzip, "gzip", 0, "write .csv.gz"),
	OPT_FLAG(A, list, "list-events", 0,
		 "print the events that would be injected, write nothing"),
	OPT_END,
};
#undef A

static const struct opt_cmd synth_cmd = {
	.prog = "xdp-telescope", .name = "synth", .usage = "(--out DIR | --list-events)",
	.about = "Writes deterministic CSV in the format 'run' writes, for N sensors named "
		 "sensor-01.., into DIR/sensor-NN/YYYY-MM-DD/, with DIR/events.csv (the "
		 "injected events) and DIR/sensors.csv (groups for 'report --sensors').",
	.opts = synth_table,
};

static int parse_args(int argc, char **argv, struct synth_args *a)
{
	int rc;

	*a = (struct synth_args){ .o = { .sensors = 4, .from = -1, .to = -1, .seed = 1,
					 .interval = 60, .rate = 12 } };
	rc = opt_parse(&synth_cmd, argc, argv, a, NULL);
	if (rc != OPT_GO)
		return rc;
	a->o.events = !a->no_events;
	if (a->o.to < a->o.from)
		return opt_error(&synth_cmd, "--to is before --from");
	if (!a->list && !a->o.out)
		return opt_error(&synth_cmd, "--out DIR is required (or --list-events)");
	return OPT_GO;
}

int cmd_synth(int argc, char **argv)
{
	struct synth_args a;
	const struct synth_opts *o = &a.o;
	struct synth_event ev[16];
	struct worker w[2];
	pthread_t tid;
	bool threaded;
	int n;

	n = parse_args(argc, argv, &a);
	if (n != OPT_GO)
		return n;
	n = synth_plan(o, ev, 16);
	if (a.list) {
		synth_write_manifest(stdout, ev, n);
		return 0;
	}
	if (!make_dir(o->out) || !write_side_files(o, ev, n))
		return 1;
	w[0] = (struct worker){ o, 0, 2, false };
	w[1] = (struct worker){ o, 1, 2, false };
	threaded = !pthread_create(&tid, NULL, worker_run, &w[1]);
	worker_run(&w[0]);
	if (threaded)
		pthread_join(tid, NULL);
	else
		worker_run(&w[1]);
	return w[0].ok && w[1].ok ? 0 : 1;
}
