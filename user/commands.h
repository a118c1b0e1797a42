/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Subcommands. Each takes argv with argv[0] = the subcommand name, parses
 * its own options (getopt_long, --help) and returns the exit status.
 */
#ifndef TS_COMMANDS_H
#define TS_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_synth(int argc, char **argv);

#endif
