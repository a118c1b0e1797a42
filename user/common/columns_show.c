// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "lib/options.h"
#include "common/columns.h"
#include "common/columns_show.h"
#include "common/schema.h"

struct schema_args {
	bool json, sql;
};

#define A struct schema_args
static const struct opt schema_opts[] = {
	OPT_FLAG(A, json, "json", 'j', "print it as JSON, for programs"),
	OPT_FLAG(A, sql, "sql", 0, "print the fleet database's minute tables as db init "
		 "makes them (after its last schema version)"),
	OPT_END,
};
#undef A

static const struct opt_cmd schema_cmd = {
	.prog = "xdp-telescope", .name = "schema",
	.about = "Print the CSV files' columns: for each series its file, and for each column "
		 "its type, whether it may be empty (older files lack it), its role and its "
		 "meaning (docs/csv.md says more).",
	.opts = schema_opts,
};

static const char *const role_said[CR_COUNT_ROLES] = {
	[CR_KEY] = "key",
	[CR_ATTR] = "attribute of the key",
	[CR_SUM] = "summed",
	[CR_DISTINCT_MAX] = "distinct, hour: max",
	[CR_DISTINCT_SUM] = "distinct, hour: sum",
};

static void show_text(void)
{
	printf("Every file is OUT/YYYY-MM-DD/SERIES.csv, one per series and UTC day (.csv.gz "
	       "with --gzip),\nits first line the header below; programs find columns by "
	       "name. docs/csv.md says more.\n");
	for (int s = 0; s < S_COUNT; s++) {
		const struct series_columns *sc = &series_columns[s];

		printf("\n%s.csv\n  %-15s %-8s %-5s %-21s %s\n", series_name[s], "column", "type",
		       "empty", "role", "meaning");
		for (int c = 0; c < sc->ncols; c++) {
			const struct column *col = &sc->cols[c];

			printf("  %-15s %-8s %-5s %-21s %s\n", col->name, col_types[col->type].name,
			       col->optional ? "may" : "no", role_said[col->role], col->meaning);
		}
	}
	printf("\nTypes: the CSV's form; what a program holds; the fleet database's type\n");
	for (int t = 0; t < CT_COUNT_TYPES; t++)
		printf("  %-8s %s; %s; %s\n", col_types[t].name, col_types[t].text,
		       col_types[t].c_type, col_types[t].sql);
	printf("\nRoles: a key (with time and sensor) says what a row is of, an attribute "
	       "describes the key;\na summed value adds up over rows, sensors and hours; a "
	       "distinct count is of the row's\ninterval and key, an hour keeping its "
	       "maximum or its sum (the hourly tables).\n\"may\" be empty: files of an "
	       "older sensor lack the column (the database holds NULL).\n");
}

/* A JSON string of our own words: no control characters in them. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void show_json(void)
{
	printf("{\"schema_version\": %d,\n \"types\": {", TS_SCHEMA_VERSION);
	for (int t = 0; t < CT_COUNT_TYPES; t++) {
		printf("%s\n  ", t ? "," : "");
		json_str(col_types[t].name);
		printf(": {\"c_type\": ");
		json_str(col_types[t].c_type);
		printf(", \"sql\": ");
		json_str(col_types[t].sql);
		printf(", \"text\": ");
		json_str(col_types[t].text);
		printf("}");
	}
	printf("},\n \"series\": [");
	for (int s = 0; s < S_COUNT; s++) {
		const struct series_columns *sc = &series_columns[s];

		printf("%s\n  {\"name\": \"%s\", \"file\": \"%s.csv\", \"table\": \"telescope.%s\", "
		       "\"hour_span\": %s, \"columns\": [", s ? "," : "", series_name[s],
		       series_name[s], series_name[s], sc->hour_span ? "true" : "false");
		for (int c = 0; c < sc->ncols; c++) {
			const struct column *col = &sc->cols[c];

			printf("%s\n   {\"name\": \"%s\", \"type\": \"%s\", \"sql\": \"%s\", "
			       "\"optional\": %s, \"role\": \"%s\", \"meaning\": ", c ? "," : "",
			       col->name, col_types[col->type].name, col_types[col->type].sql,
			       col->optional ? "true" : "false", col_role_name[col->role]);
			json_str(col->meaning);
			printf("}");
		}
		printf("]}");
	}
	printf("]}\n");
}

static void show_sql(void)
{
	printf("-- The minute tables of the fleet store as 'xdp-telescope db init' makes them,\n"
	       "-- at schema version %d (the migrations user/fleet/sql/v1.sql to v%d make them,\n"
	       "-- with the hourly tables, their triggers and the roles; db init checks that\n"
	       "-- the columns are these). sensor is telescope.sensor's id, proto the number.\n",
	       TS_SCHEMA_VERSION, TS_SCHEMA_VERSION);
	for (int s = 0; s < S_COUNT; s++) {
		const struct series_columns *sc = &series_columns[s];
		int order[SERIES_MAX_COLS];

		series_table_order((enum series)s, order);
		printf("\nCREATE TABLE telescope.%s (\n", series_name[s]);
		for (int k = 0; k < sc->ncols; k++) {
			const struct column *col = &sc->cols[order[k]];

			printf("\t%s %s%s,\n", col->name, col_types[col->type].sql,
			       col->optional ? "" : " NOT NULL");
		}
		printf("\tPRIMARY KEY (sensor, time");
		for (int c = 0; c < sc->ncols; c++)
			if (sc->cols[c].role == CR_KEY && sc->cols[c].type != CT_TIME &&
			    sc->cols[c].type != CT_SENSOR)
				printf(", %s", sc->cols[c].name);
		printf(")\n) PARTITION BY RANGE (time);\n");
	}
}

int cmd_schema(int argc, char **argv)
{
	struct schema_args a = { 0 };
	int rc = opt_parse(&schema_cmd, argc, argv, &a, NULL);

	if (rc != OPT_GO)
		return rc;
	if (a.json && a.sql)
		return opt_error(&schema_cmd, "give --json or --sql, not both");
	if (a.json)
		show_json();
	else if (a.sql)
		show_sql();
	else
		show_text();
	if (fflush(stdout) || ferror(stdout)) {
		pr_err("schema: cannot write the output: %m");
		return 1;
	}
	return 0;
}
