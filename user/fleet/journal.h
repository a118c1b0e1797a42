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
 * files knows no drain began meanwhile (journals_current).
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
	const char *dir;	/* the output directory they were read from */
	struct timespec stamp;	/* its time before they were read */
};

/*
 * The journals of the output directory dir (wherever the sensor wrote
 * them from: files are matched by day directory and name), and dir's
 * time before they were read. False with why when dir or one of them
 * cannot be read or is not a journal.
 */
bool journals_read(const char *dir, struct journals *j, char *why, size_t len);

/* The size rel may be cut back to, or -1 when no drain appends to it. */
off_t journals_limit(const struct journals *j, const char *rel);

void journals_free(struct journals *j);

/*
 * True while no journal came or went since j was read (dir's time is
 * the same): what j says is still the sensor's word.
 */
bool journals_current(const struct journals *j);

#endif
