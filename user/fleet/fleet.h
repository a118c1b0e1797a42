/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The fleet store's commands (docs/fleet.md). */
#ifndef TS_FLEET_FLEET_H
#define TS_FLEET_FLEET_H

/* `xdp-telescope ship`: load the sensors' CSV into the database. */
int cmd_ship(int argc, char **argv);

/* `xdp-telescope db init|prune`: make or migrate the schema and roles;
 * drop old minute rows. */
int cmd_db(int argc, char **argv);

#endif
