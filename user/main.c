// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xdp-telescope: dispatch to the subcommand named by argv[1]. */
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "lib/version.h"
#include "common/columns_show.h"
#include "fleet/fleet.h"
#include "report/report.h"
#include "sensor/sensor.h"
#include "synth/synth.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "run", cmd_run, "attach to an interface and write CSV time series" },
	{ "status", cmd_status, "show what is attached and what it counted" },
	{ "detach", cmd_detach, "detach from an interface and remove its pins" },
	{ "report", cmd_report, "turn CSV of one or many sensors into a report" },
	{ "synth", cmd_synth, "write synthetic CSV for testing reports" },
	{ "ship", cmd_ship, "load the sensors' CSV into the fleet database" },
	{ "db", cmd_db, "make, migrate or prune the fleet database" },
	{ "schema", cmd_schema, "print the CSV files' columns (--json, --sql)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: xdp-telescope COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'xdp-telescope COMMAND --help' describes each command;\n"
		   "'xdp-telescope --version' prints the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("xdp-telescope %s\n", ts_version());
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	pr_err("unknown command '%s' (try --help)", argv[1]);
	return 2;
}
