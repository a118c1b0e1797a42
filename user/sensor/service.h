/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Talking to systemd when it runs the sensor (Type=notify): readiness
 * once attached, a status line, the watchdog the drain loop feeds, and
 * the notice of stopping. Without systemd every call does nothing.
 */
#ifndef TS_SERVICE_H
#define TS_SERVICE_H

#include <stdint.h>

/* Attached and counting: READY=1, with a status line. */
void service_ready(const char *status);
/* A new status line (systemctl status shows it). */
void service_status(const char *status);
/* The watchdog period systemd asked for, in milliseconds (0: none). */
int service_watchdog_ms(void);
/* The loop is alive. */
void service_watchdog(void);
/* Writing the last interval and exiting. */
void service_stopping(void);

#endif
