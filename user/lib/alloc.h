/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Allocation that does not return on failure: out of memory, there is
 * nothing sensible left to do, so these say so on stderr and abort. (The
 * sensor loses no count by it: the kernel keeps counting and the next
 * loader finishes the drain; see sensor/drain.c.)
 */
#ifndef TS_ALLOC_H
#define TS_ALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size); /* n or size 0: still a valid pointer */
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);         /* NULL: "" */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/*
 * An array of *cap elements of `size` bytes with room for `need` of them:
 * *cap doubles (from `first`) until it holds them; the new tail is not
 * zeroed. Returns the (possibly moved) array.
 */
void *xgrow(void *p, size_t *cap, size_t need, size_t size, size_t first);

/* XGROW(arr, cap, need): the same for an array variable arr. */
#define XGROW(arr, cap, need, first) \
	((arr) = xgrow((arr), &(cap), (need), sizeof(*(arr)), (first)))

#endif
