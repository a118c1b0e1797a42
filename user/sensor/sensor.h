/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sensor's commands (user/main.c describes each). Each takes argv with
 * argv[0] = its name, parses its options (lib/options.h) and returns the
 * exit status.
 */
#ifndef TS_SENSOR_SENSOR_H
#define TS_SENSOR_SENSOR_H

int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_detach(int argc, char **argv);

#endif
