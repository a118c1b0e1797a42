/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a sensor's crash recovery may still cut. While a drain writes,
 * OUT/.xdp-telescope-IFACE.journal names each file it appends to and its
 * size before (user/sensor/output.c); if the loader dies before the
 * drain is complete, the next one cuts the files back to those sizes and
 * writes the drain again. So bytes past a journaled size are not yet the
 * sensor's word: ship reads a journaled file only up to that size.
 *
 * A journal appears by rename and goes by unlink in OUT, so OUT's
 * modification time changes whenever one does: a loader that notes it
 * before reading the journals and finds it unchanged after reading the
 * files knows no drain began meanwhile (dir_stamp).
 */
#ifndef TS_FLEET_JOURNAL_H
#define TS_FLEET_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct journal_entry {
	char rel[48];		/* "YYYY-MM-DD/NAME.csv[.gz]" */
	off_t size;
};

struct journals {
	struct journal_entry *v;
	size_t n, cap;
};

/*
 * The journals of the output directory dir (wherever the sensor wrote
 * them from: files are matched by day directory and name). False with
 * why when one cannot be read or is not a journal.
 */
bool journals_read(const char *dir, struct journals *j, char *why, size_t len);

/* The size rel may be cut back to, or -1 when no drain appends to it. */
off_t journals_limit(const struct journals *j, const char *rel);

void journals_free(struct journals *j);

/* dir's modification time; false when it cannot be read. */
bool dir_stamp(const char *dir, struct timespec *ts);

#endif
