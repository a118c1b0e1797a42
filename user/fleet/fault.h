/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Fault injection for the exactly-once tests (tests/fleet/exact.sh), as
 * the sensor has for its recovery tests: XDP_TELESCOPE_SHIP_FAULT=<point>
 * makes ship die like kill -9 at that point of the first chunk with rows:
 *   copy    the rows sent, COPY not ended
 *   insert  rows and position inserted, not committed
 *   commit  committed, before ship knows it
 */
#ifndef TS_FLEET_FAULT_H
#define TS_FLEET_FAULT_H

void ship_fault(const char *point);

#endif
