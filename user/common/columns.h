/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The columns of every series, declared once (docs/csv.md tells people
 * the same, `xdp-telescope schema` prints it): for each series its
 * columns in file order, each with its type (the C value a program holds,
 * the SQL type of the fleet's minute table, how the CSV writes it), its
 * role (a key of the row, an attribute of the key, a sum, a distinct
 * count) and whether a file may lack it (older files do: it is empty or
 * NULL). The header of each file, the sensor's row writer, the fleet's
 * COPY column lists, its staging tables and `db init`'s column check all
 * read this table.
 */
#ifndef TS_COMMON_COLUMNS_H
#define TS_COMMON_COLUMNS_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/csv.h"
#include "common/contract.h"

enum col_type {
	CT_TIME,	/* YYYY-MM-DDTHH:MM:SSZ, in the file's day */
	CT_SENSOR,	/* the sensor's name (the database keeps its id) */
	CT_COUNT,	/* a whole number from 0 to 2^64 - 1 */
	CT_SECONDS,	/* a whole number from 1 to 2^32 - 1 */
	CT_PORT,	/* 0 to 65535 */
	CT_PROTO,	/* tcp, udp, icmp, icmpv6 or 0-255 (the database: the number) */
	CT_COUNTRY,	/* two capital letters */
	CT_IP,		/* an IPv4 or IPv6 address */
	CT_WORD,	/* a name of letters, digits and '_' (backscatter kind) */
	CT_TEXT,	/* free text (CSV quoting and the formula guard) */
};
#define CT_COUNT_TYPES (CT_TEXT + 1)

struct col_type_info {
	const char *name;	/* in `schema` and its --json */
	const char *c_type;	/* what a program holds */
	const char *sql;	/* the minute table's type (after the last migration) */
	const char *stage_sql;	/* ship's staging table's (the base type) */
	int layout;		/* v1.sql's table order: 0 first ... 3 last */
	const char *text;	/* the CSV's form, for people */
};

extern const struct col_type_info col_types[CT_COUNT_TYPES];

enum col_role {
	CR_KEY,		/* with time and sensor, what a row is of */
	CR_ATTR,	/* describes the key (a source's country, AS) */
	CR_SUM,		/* summed over rows, sensors and hours */
	CR_DISTINCT_MAX,/* distinct sources of the row; an hour keeps the maximum */
	CR_DISTINCT_SUM,/* distinct sources of the row; an hour keeps the sum */
};
#define CR_COUNT_ROLES (CR_DISTINCT_SUM + 1)

/* key, attribute, sum, distinct_max, distinct_sum (in --json) */
extern const char *const col_role_name[CR_COUNT_ROLES];

struct column {
	const char *name;
	enum col_type type;
	enum col_role role;
	bool optional;		/* older files may lack it: empty, NULL */
	const char *meaning;	/* one line for people (docs/csv.md says more) */
};

#define SERIES_MAX_COLS 24

struct series_columns {
	const struct column *cols;
	int ncols;
	bool hour_span;		/* its hourly table keeps the first and last time */
};

extern const struct series_columns series_columns[S_COUNT];

/*
 * The order of the columns in the fleet's minute table (as v1.sql laid
 * them out: 8-byte columns first, then 4-, then 2-byte, then those of
 * varying length, each group in the file's order): order[k] is the k-th
 * table column's index in the file's. A column a later migration adds
 * comes last in a migrated table; COPY and INSERT always name columns.
 */
void series_table_order(enum series s, int order[SERIES_MAX_COLS]);

/* The column of series s named name, its index; -1 if none. */
int series_column(enum series s, const char *name);

/*
 * A writer's row: the values it knows, each offered by name, in an order
 * of its own (names[i] is values[i]'s). series_layout() matches the names
 * with the series' columns once; series_write_row() then writes each row
 * in the file's order and forms. A value the series has no column for is
 * not written (one aggregate may feed several series); an optional text
 * column no value is offered for, or a text offered as NULL, is written
 * empty. A column of another kind no value is offered for stops the
 * program at the layout (a defect of the writer: in a row, only text may
 * be empty).
 */
struct col_value {
	uint64_t u;		/* a count, seconds, port, protocol number */
	const char *s;		/* time, sensor, country, address, word, text */
};

struct series_layout {
	enum series series;
	int from[SERIES_MAX_COLS];	/* column c: its index in the writer's values, or -1 */
};

/*
 * One field of column col read strictly, as every reader must take it
 * (the range checks of lib/number): true with v (u: a count, seconds,
 * port, protocol number, or the time in Unix seconds; s: the field
 * itself for the texts); false with why, naming the column and the
 * field. Sensor and text are any text here: the caller undoes the
 * formula guard and cleans them (lib/text) as it needs.
 */
bool col_parse(const struct column *col, const char *s, struct col_value *v, char *why,
	       size_t len);

void series_layout(struct series_layout *l, enum series s, const char *const *names, int n);
void series_write_row(struct csv_row *r, struct strbuf *sb, const struct series_layout *l,
		      const struct col_value *values);

#endif
