/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One generation of the maps read whole into a snapshot.
 */
#ifndef TS_SENSOR_GENREAD_H
#define TS_SENSOR_GENREAD_H

#include "sensor/maps.h"
#include "sensor/snapshot.h"

/* Read generation g whole; since is taken from ctl. */
int gen_read(const struct sensor_maps *m, int g, struct snapshot *snap);

#endif
