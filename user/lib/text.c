// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * UTF-8 after Unicode's table of well-formed byte sequences (chapter 3,
 * table 3-7): the second byte's range depends on the first, which is
 * what rules out overlong forms, surrogates and code points above
 * U+10FFFF without decoding them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/alloc.h"
#include "lib/text.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

/*
 * The sequence at p (n > 0 bytes left): its length, and *ok whether it
 * is well formed. When it is not, the length is that of its maximal
 * invalid subpart: the lead byte and the continuation bytes that still
 * fitted (at least 1).
 */
static size_t utf8_seq(const unsigned char *p, size_t n, bool *ok, uint32_t *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	*ok = false;
	*cp = c;
	if (c < 0x80) {
		*ok = true;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 1;	/* a continuation byte, C0, C1 or F5-FF: never a lead */
	}
	*cp = c & (0xff >> (len + 1));
	for (i = 1; i < len; i++) {
		if (i >= n || p[i] < lo || p[i] > hi)
			return i;
		*cp = *cp << 6 | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*ok = true;
	return len;
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

bool text_needs_cleaning(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return true;
	return false;
}

bool text_is_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	bool ok = true;
	uint32_t cp;

	for (size_t i = 0; i < n && ok; )
		i += utf8_seq(p + i, n - i, &ok, &cp);
	return ok;
}

const char *text_check(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	bool ok;
	uint32_t cp;

	for (size_t i = 0; i < n; ) {
		size_t len = utf8_seq(p + i, n - i, &ok, &cp);

		if (!ok)
			return "is not valid UTF-8";
		if (is_control(cp))
			return "holds a control character (a newline, tab, ...)";
		i += len;
	}
	if (n > max)
		return "is too long";
	return NULL;
}

size_t text_clean(char *dst, size_t dstlen, const char *src, size_t n)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t w = 0;

	for (size_t i = 0; i < n; ) {
		bool ok;
		uint32_t cp;
		size_t len = utf8_seq(p + i, n - i, &ok, &cp);
		const char *out = (const char *)p + i;
		size_t outlen = len;

		if (!ok) {
			out = REPLACEMENT;
			outlen = 3;
		} else if (is_control(cp)) {
			out = " ";
			outlen = 1;
		}
		if (w + outlen >= dstlen)
			break;		/* cut before the character that does not fit */
		memcpy(dst + w, out, outlen);
		w += outlen;
		i += len;
	}
	dst[w] = '\0';
	return w;
}

char *text_clean_dup(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(3 * n + 1);	/* a byte becomes at most U+FFFD */

	text_clean(out, 3 * n + 1, s, n);
	return out;
}

bool text_split(const char *s, char sep, char *buf, size_t len, char **rest)
{
	char *at;

	if (strlen(s) >= len)
		return false;
	strcpy(buf, s);
	at = strchr(buf, sep);
	if (!at)
		return false;
	*at = '\0';
	*rest = at + 1;
	return true;
}
