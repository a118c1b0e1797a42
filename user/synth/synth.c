// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope synth`: writes what a fleet of sensors would have written
 * (OUT/sensor-NN/YYYY-MM-DD/NAME.csv), plus OUT/events.csv (the injected
 * events, for tests to compare with) and OUT/sensors.csv (groups for
 * `report --sensors`). Two threads, each a set of sensors.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "commands.h"
#include "lib/log.h"
#include "common/calendar.h"
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

	snprintf(path, sizeof(path), "%s/%s.csv%s", k->dir, series_name[file], k->o->gzip ? ".gz" : "");
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
		snprintf(k.dir, sizeof(k.dir), "%s/sensor-%02d", w->o->out, s + 1);
		if (!make_dir(k.dir)) {
			w->ok = false;
			break;
		}
		for (int day = w->o->from; day <= w->o->to && w->ok; day++) {
			char ymd[11];

			format_day(day, ymd);
			snprintf(k.dir, sizeof(k.dir), "%s/sensor-%02d/%s", w->o->out, s + 1, ymd);
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

static void usage(FILE *f)
{
	fprintf(f,
"usage: xdp-telescope synth --out DIR --from YYYY-MM-DD --to YYYY-MM-DD\n"
"         [--sensors N] [--seed S] [--interval SEC] [--rate FLOWS]\n"
"         [--no-events] [--gzip] [--list-events]\n"
"\n"
"Writes deterministic CSV in the format 'run' writes, for N sensors named\n"
"sensor-01.., into DIR/sensor-NN/YYYY-MM-DD/, with DIR/events.csv (the\n"
"injected events) and DIR/sensors.csv (groups for 'report --sensors').\n"
"  --sensors N     sensors (default 4)\n"
"  --seed S        random seed (default 1); same seed, same files\n"
"  --interval SEC  seconds between rows (default 60)\n"
"  --rate FLOWS    scanning flows a sensor receives a minute (default 12)\n"
"  --no-events     a clean baseline: no injected events\n"
"  --gzip          write .csv.gz\n"
"  --list-events   print the events that would be injected, write nothing\n");
}

static bool parse_args(int argc, char **argv, struct synth_opts *o, bool *list, bool *help)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "sensors", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "rate", required_argument, NULL, 'r' },
		{ "no-events", no_argument, NULL, 'E' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "list-events", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;
	char *end;

	*o = (struct synth_opts){ .sensors = 4, .from = -1, .to = -1, .seed = 1,
				  .interval = 60, .rate = 12, .events = true };
	*list = *help = false;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': o->out = optarg; break;
		case 'n':
			o->sensors = (int)strtol(optarg, &end, 10);
			if (*end || o->sensors < 1 || o->sensors > 99) {
				pr_err("synth: bad --sensors '%s' (1 to 99)", optarg);
				return false;
			}
			break;
		case 'f':
		case 't':
			*(opt == 'f' ? &o->from : &o->to) = parse_day(optarg);
			if (parse_day(optarg) < 0) {
				pr_err("synth: bad --%s '%s' (want YYYY-MM-DD)",
				       opt == 'f' ? "from" : "to", optarg);
				return false;
			}
			break;
		case 's':
			o->seed = strtoull(optarg, &end, 10);
			if (*end || !*optarg) {
				pr_err("synth: bad --seed '%s' (a number)", optarg);
				return false;
			}
			break;
		case 'i':
			o->interval = (int)strtol(optarg, &end, 10);
			if (*end || o->interval < 1 || 86400 % o->interval) {
				pr_err("synth: bad --interval '%s' (seconds dividing a day)", optarg);
				return false;
			}
			break;
		case 'r':
			o->rate = strtod(optarg, &end);
			if (*end || !(o->rate > 0 && o->rate <= 1000)) {
				pr_err("synth: bad --rate '%s' (above 0, at most 1000)", optarg);
				return false;
			}
			break;
		case 'E': o->events = false; break;
		case 'z': o->gzip = true; break;
		case 'l': *list = true; break;
		case 'h': usage(stdout); *help = true; return false;
		default:
			pr_err("synth: unknown or incomplete option '%s' (try --help)", argv[optind - 1]);
			return false;
		}
	}
	if (optind < argc) {
		pr_err("synth: unexpected argument '%s' (try --help)", argv[optind]);
		return false;
	}
	if (o->from < 0 || o->to < 0) {
		pr_err("synth: --from and --to are required (try --help)");
		return false;
	}
	if (o->to < o->from) {
		pr_err("synth: --to is before --from");
		return false;
	}
	if (!*list && !o->out) {
		pr_err("synth: --out DIR is required (try --help)");
		return false;
	}
	return true;
}

int cmd_synth(int argc, char **argv)
{
	struct synth_opts o;
	struct synth_event ev[16];
	struct worker w[2];
	pthread_t tid;
	bool list, help, threaded;
	int n;

	if (!parse_args(argc, argv, &o, &list, &help))
		return help ? 0 : 2;
	n = synth_plan(&o, ev, 16);
	if (list) {
		synth_write_manifest(stdout, ev, n);
		return 0;
	}
	if (!make_dir(o.out) || !write_side_files(&o, ev, n))
		return 1;
	w[0] = (struct worker){ &o, 0, 2, false };
	w[1] = (struct worker){ &o, 1, 2, false };
	threaded = !pthread_create(&tid, NULL, worker_run, &w[1]);
	worker_run(&w[0]);
	if (threaded)
		pthread_join(tid, NULL);
	else
		worker_run(&w[1]);
	return w[0].ok && w[1].ok ? 0 : 1;
}
