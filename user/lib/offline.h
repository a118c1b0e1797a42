/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A program started with no network: in a network namespace of its own,
 * whose one interface (lo) is not even up, so nothing it tries can reach
 * another host, whatever the program itself would like to fetch.
 */
#ifndef TS_OFFLINE_H
#define TS_OFFLINE_H

#include <sys/types.h>

/* How the child was cut off from the network. */
enum offline_how {
	OFFLINE_NETNS,	/* a network namespace (root, or CAP_SYS_ADMIN) */
	OFFLINE_USERNS,	/* a user namespace holding one (anyone, where the kernel allows) */
	OFFLINE_NONE,	/* neither was allowed: the child has the caller's network */
};

struct offline_child {
	pid_t pid;
	enum offline_how how;
	int why;	/* OFFLINE_NONE: the errno of the refused namespace */
};

/*
 * Starts argv[0] (looked up in PATH) in a process group of its own and
 * cut off from the network as well as this system allows, stdin from
 * /dev/null, stdout and stderr appended to log. 0 and c filled in, or the
 * errno of the failed start (no child is left then).
 */
int offline_spawn(char *const argv[], const char *log, struct offline_child *c);

#endif
