/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A growing byte buffer, always NUL-terminated once it holds anything. */
#ifndef TS_STRBUF_H
#define TS_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
/* Append raw bytes (aborts when out of memory: lib/alloc.h). */
void sb_append(struct strbuf *sb, const char *s, size_t n);
/* Append a string; append printf's output. */
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
