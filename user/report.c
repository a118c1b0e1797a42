// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Placeholder until the report command lands. */
#include "commands.h"
#include "log.h"

int cmd_report(int argc, char **argv)
{
	(void)argc; (void)argv;
	pr_err("report: not built yet");
	return 1;
}

int cmd_synth(int argc, char **argv)
{
	(void)argc; (void)argv;
	pr_err("synth: not built yet");
	return 1;
}
