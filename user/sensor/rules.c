// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include "common/contract.h"
#include "lib/alloc.h"
#include "lib/number.h"
#include "lib/hmap.h"
#include "sensor/rules.h"

void tag_names_init(struct tag_names *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < TS_TAG_BUILTIN_COUNT; i++)
		snprintf(t->name[i], TAG_NAME_MAX, "%s", builtin_tag_name(i));
}

int tag_bit(struct tag_names *t, const char *name)
{
	int free_bit = -1;

	for (int i = 0; i < TS_TAG_MAX; i++) {
		if (!strcmp(t->name[i], name))
			return i;
		if (free_bit < 0 && !t->name[i][0])
			free_bit = i;
	}
	if (free_bit >= 0)
		snprintf(t->name[free_bit], TAG_NAME_MAX, "%s", name);
	return free_bit;
}

static int fail(char *err, size_t errlen, const char *path, int line,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%d: %s", path, line, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
	return -1;
}

/*
 * Rules and lists are read at start and again on every SIGHUP, so they
 * must be files that can be read twice (not a pipe).
 */
static FILE *open_regular(const char *path, char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	/* O_NONBLOCK: opening a FIFO with no writer must not hang the loader */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		fail(err, errlen, path, 0, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		fail(err, errlen, path, 0, "not a regular file");
		return NULL;
	}
	fcntl(fd, F_SETFL, 0);
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		fail(err, errlen, path, 0, "%s", strerror(errno));
	}
	return f;
}

/* Tag and label names: what a CSV column and a file name can carry. */
static int valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '_' && *s != '-' && *s != '.')
			return 0;
	return 1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Next whitespace-separated token of *p; a token starting with '"' runs
 * to the closing quote (\" \\ \xNN \r \n \t inside). Returns NULL at the
 * end of the line (or at '#'). Quoted tokens are returned unescaped with
 * their length in *qlen (they may hold NUL bytes); *quoted says which.
 */
static char *next_token(char **p, int *quoted, size_t *qlen, const char **why)
{
	char *s = *p, *out, *start;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#' || *s == '\n' || *s == '\r')
		return NULL;
	*quoted = *s == '"';
	if (!*quoted) {
		start = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
		*p = s;
		return start;
	}
	start = out = ++s;
	while (*s && *s != '"') {
		if (*s != '\\') {
			*out++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case '\\': case '"': *out++ = *s++; break;
		case 'r': *out++ = '\r'; s++; break;
		case 'n': *out++ = '\n'; s++; break;
		case 't': *out++ = '\t'; s++; break;
		case 'x':
			if (hexval(s[1]) < 0 || hexval(s[2]) < 0) {
				*why = "bad \\x escape (want \\xNN)";
				return NULL;
			}
			*out++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 3;
			break;
		default:
			*why = "unknown escape in string";
			return NULL;
		}
	}
	if (*s != '"') {
		*why = "unterminated string";
		return NULL;
	}
	*qlen = (size_t)(out - start);
	*p = s + 1;
	return start;
}

static int parse_rule(char *line, struct tag_rule *r, const char **why)
{
	char *p = line, *tok[5];
	size_t qlen = 0;
	int quoted = 0;
	uint64_t v;

	char hex[2 * TS_RULE_BYTES + 2] = "";

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 5; i++) {
		tok[i] = next_token(&p, &quoted, &qlen, why);
		if (!tok[i]) {
			if (!*why)
				*why = "want: tag proto port|* offset bytes";
			return -1;
		}
		if (quoted && i < 4) {
			*why = "only the bytes may be a quoted string";
			return -1;
		}
	}
	if (!quoted) {
		/* hex may be split by spaces for reading: join the rest */
		char *more;
		int q2 = 0;
		size_t l2;

		for (more = tok[4]; more; more = next_token(&p, &q2, &l2, why)) {
			if (q2 && more != tok[4]) {
				*why = "bytes: hex or one \"string\", not both";
				return -1;
			}
			if (strlen(hex) + strlen(more) >= sizeof(hex)) {
				*why = "bytes: at most " TS_STR(TS_RULE_BYTES) " of them";
				return -1;
			}
			strcat(hex, more);
			q2 = 0;
		}
		if (*why)
			return -1;
		tok[4] = hex;
	} else {
		int q2;
		size_t l2;

		if (next_token(&p, &q2, &l2, why) || *why) {
			if (!*why)
				*why = "extra text after the bytes (comments start with #)";
			return -1;
		}
	}
	if (!valid_name(tok[0], TAG_NAME_MAX) || !strncmp(tok[0], TAG_LIST_PREFIX, strlen(TAG_LIST_PREFIX))) {
		*why = "tag names are 1-31 of a-z 0-9 _ - .";
		return -1;
	}
	if (builtin_tag_bit(tok[0]) >= 0) {
		*why = "that tag name is built in";
		return -1;
	}
	snprintf(r->tag, sizeof(r->tag), "%s", tok[0]);
	if (!strcmp(tok[1], "tcp"))
		r->proto = 6;
	else if (!strcmp(tok[1], "udp"))
		r->proto = 17;
	else {
		*why = "proto must be tcp or udp";
		return -1;
	}
	if (!strcmp(tok[2], "*")) {
		r->any_port = true;
	} else {
		if (!parse_uint(tok[2], 0, 65535, &v)) {
			*why = "port must be 0-65535 or *";
			return -1;
		}
		r->port = (__u16)v;
	}
	if (!parse_uint(tok[3], 0, TS_RULE_MAX_OFFSET, &v)) {
		*why = "offset must be 0-" TS_STR(TS_RULE_MAX_OFFSET)
		       " (bytes into the payload)";
		return -1;
	}
	r->offset = (__u16)v;
	if (quoted) {
		if (qlen < 1 || qlen > TS_RULE_BYTES) {
			*why = "bytes: 1 to " TS_STR(TS_RULE_BYTES) " of them";
			return -1;
		}
		memcpy(r->bytes, tok[4], qlen);
		r->len = (__u8)qlen;
	} else {
		size_t n = strlen(tok[4]);

		if (n % 2 || n / 2 < 1 || n / 2 > TS_RULE_BYTES) {
			*why = "bytes: an even number of hex digits, 1 to "
			       TS_STR(TS_RULE_BYTES) " bytes, or a \"string\"";
			return -1;
		}
		for (size_t i = 0; i < n / 2; i++) {
			int hi = hexval(tok[4][2 * i]), lo = hexval(tok[4][2 * i + 1]);

			if (hi < 0 || lo < 0) {
				*why = "bytes: not hex (quote strings)";
				return -1;
			}
			r->bytes[i] = (__u8)(hi * 16 + lo);
		}
		r->len = (__u8)(n / 2);
	}
	return 0;
}

int rules_load(const char *path, struct tag_rule **rules, size_t *n,
	       char *err, size_t errlen)
{
	struct tag_rule *out = NULL, r;
	size_t len = 0, cap = 0, lcap = 0;
	char *line = NULL;
	int lineno = 0;
	FILE *f;

	*rules = NULL;
	*n = 0;
	f = open_regular(path, err, errlen);
	if (!f)
		return -1;
	while (getline(&line, &lcap, f) != -1) {
		const char *why = NULL;
		const char *p = line;

		lineno++;
		p += strspn(p, " \t\r\n");
		if (!*p || *p == '#')
			continue; /* blank or comment */
		if (parse_rule(line, &r, &why)) {
			fclose(f);
			free(out);
			free(line);
			return fail(err, errlen, path, lineno, "%s", why);
		}
		r.line = lineno;
		XGROW(out, cap, len + 1, 16);
		out[len++] = r;
	}
	fclose(f);
	free(line);
	*rules = out;
	*n = len;
	return 0;
}

static void clear_host_bits(__u8 *addr, int bits, int prefixlen)
{
	for (int i = 0; i < bits / 8; i++) {
		int keep = prefixlen - i * 8;

		if (keep >= 8)
			continue;
		addr[i] &= keep <= 0 ? 0 : (__u8)(0xff << (8 - keep));
	}
}

int labels_load(const char *path, struct label_net **nets, size_t *n,
		char *err, size_t errlen)
{
	size_t cap = *n, lcap = 0;
	char *line = NULL;
	int lineno = 0, rc = 0;
	FILE *f = open_regular(path, err, errlen);

	if (!f)
		return -1;
	while (rc == 0 && getline(&line, &lcap, f) != -1) {
		char *s = line, *comma, *slash, *label, *end;
		struct label_net net = { 0 };
		uint64_t plen;

		lineno++;
		s[strcspn(s, "\r\n#")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		for (end = s + strlen(s); end > s && isspace((unsigned char)end[-1]);)
			*--end = '\0';
		if (!*s)
			continue;
		comma = strchr(s, ',');
		if (!comma) {
			rc = fail(err, errlen, path, lineno, "want CIDR,label");
			continue;
		}
		*comma = '\0';
		label = comma + 1;
		while (isspace((unsigned char)*label))
			label++;
		for (end = comma; end > s && isspace((unsigned char)end[-1]);)
			*--end = '\0';
		if (!valid_name(label, TAG_NAME_MAX - strlen(TAG_LIST_PREFIX))) {
			rc = fail(err, errlen, path, lineno,
				    "labels are 1-26 of a-z 0-9 _ - .");
			continue;
		}
		slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		if (inet_pton(AF_INET, s, net.addr) == 1) {
			net.family = TS_FAMILY_IPV4;
			plen = 32;
		} else if (inet_pton(AF_INET6, s, net.addr) == 1) {
			net.family = TS_FAMILY_IPV6;
			plen = 128;
		} else {
			rc = fail(err, errlen, path, lineno,
				    "'%s' is not an IPv4 or IPv6 address", s);
			continue;
		}
		if (slash && !parse_uint(slash + 1, 0, plen, &plen)) {
			rc = fail(err, errlen, path, lineno, "bad prefix length");
			continue;
		}
		net.prefixlen = (__u8)plen;
		clear_host_bits(net.addr, net.family == TS_FAMILY_IPV4 ? 32 : 128,
				(int)plen);
		snprintf(net.tag, sizeof(net.tag), TAG_LIST_PREFIX "%s", label);
		XGROW(*nets, cap, *n + 1, 64);
		(*nets)[(*n)++] = net;
	}
	fclose(f);
	free(line);
	return rc;
}

void label_key(const struct label_net *net, struct ts_label_key *k)
{
	memset(k, 0, sizeof(*k));
	if (net->family == TS_FAMILY_IPV4) {
		k->prefixlen = 96u + net->prefixlen;
		k->addr[10] = k->addr[11] = 0xff;
		memcpy(&k->addr[12], net->addr, 4);
	} else {
		k->prefixlen = net->prefixlen;
		memcpy(k->addr, net->addr, 16);
	}
}

int labels_masks(const struct label_net *nets, size_t n, struct tag_names *t,
		 __u64 *masks, char *err, size_t errlen)
{
	struct hmap own; /* trie key -> mask of the labels listed for it */
	int rc = 0;

	/*
	 * One family: in trie form 203.0.113.0/24 and ::ffff:203.0.113.0/120
	 * are one key, and ::/1 encloses every IPv4 prefix, as in the
	 * kernel's lookup.
	 */
	hmap_init(&own, sizeof(struct ts_label_key), sizeof(__u64));
	for (size_t i = 0; i < n; i++) {
		struct ts_label_key k;
		int bit = tag_bit(t, nets[i].tag);

		if (bit < 0) {
			snprintf(err, errlen, "more than %d tags: no bit left for %s",
				 TS_TAG_MAX, nets[i].tag);
			rc = -1;
			goto out;
		}
		label_key(&nets[i], &k);
		*(__u64 *)hmap_upsert(&own, &k) |= 1ULL << bit;
	}
	/* Each prefix also carries the labels of every shorter listed prefix. */
	for (size_t i = 0; i < n; i++) {
		struct ts_label_key k;
		__u64 m = 0;

		label_key(&nets[i], &k);
		for (__u32 len = 0; len <= k.prefixlen; len++) {
			struct ts_label_key shorter = k;
			__u64 *v;

			shorter.prefixlen = len;
			clear_host_bits(shorter.addr, 128, (int)len);
			v = hmap_find(&own, &shorter);
			if (v)
				m |= *v;
		}
		masks[i] = m;
	}
out:
	hmap_free(&own);
	return rc;
}
