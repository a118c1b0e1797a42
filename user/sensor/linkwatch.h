/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Link events of the loader's network namespace: an rtnetlink socket
 * that poll() sees readable as soon as an interface appears, disappears
 * or changes. It is only a wake-up; what changed is asked of the XDP link
 * and the interface themselves (sensor/attach.h), so a lost event costs
 * nothing but time: the drain checks the link every interval as well.
 */
#ifndef TS_LINKWATCH_H
#define TS_LINKWATCH_H

/* The socket (non-blocking, close-on-exec), or -1 with errno. */
int linkwatch_open(void);

/* Read and drop whatever is queued on it. */
void linkwatch_drain(int fd);

#endif
