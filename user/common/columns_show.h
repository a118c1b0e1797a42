/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `xdp-telescope schema`: the columns of common/columns.c printed for
 * people (the series, their columns, types and meaning), as JSON for
 * programs (--json; tests/fleet/check_db.py reads it) or as the minute
 * tables `db init` makes (--sql).
 */
#ifndef TS_COMMON_COLUMNS_SHOW_H
#define TS_COMMON_COLUMNS_SHOW_H

int cmd_schema(int argc, char **argv);

#endif
