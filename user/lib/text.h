/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a free-text field (a sensor name, an AS organisation, a tag) may
 * hold: valid UTF-8 without control characters. The CSV and the reports
 * are declared UTF-8; a control character (a newline above all) in a name
 * breaks every line-based tool and table that shows it.
 */
#ifndef TS_TEXT_H
#define TS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The longest name `run --sensor` accepts, in bytes. */
#define TEXT_NAME_MAX 255

/*
 * NULL when s is valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF) without control characters (U+0000-U+001F, U+007F,
 * U+0080-U+009F) and at most max bytes long; otherwise why not, as words
 * that follow "NAME " ("is not valid UTF-8" ...).
 */
const char *text_check(const char *s, size_t max);

/* Is s valid UTF-8 (control characters or not)? */
bool text_is_utf8(const char *s);

/* Does s need text_clean()? (False for printable ASCII: the fast path.) */
bool text_needs_cleaning(const char *s);

/*
 * Writes src[0..n) into dst (dstlen > 0 bytes, always terminated) as
 * valid UTF-8: each control character becomes a space, each invalid
 * sequence U+FFFD (one for each maximal invalid subpart, as Unicode
 * recommends and Python's "replace" does). What does not fit is cut at
 * a character boundary. Returns the length written.
 */
size_t text_clean(char *dst, size_t dstlen, const char *src, size_t n);
/* Copies s into buf (len bytes) and cuts it at the first sep: buf holds
 * what came before it, *rest what follows. False when s does not fit or
 * holds no sep ("1433/tcp", "198.51.100.0/24"). */
bool text_split(const char *s, char sep, char *buf, size_t len, char **rest);
/* A new string: s cleaned as text_clean() does (freed by the caller). */
char *text_clean_dup(const char *s);

#endif
