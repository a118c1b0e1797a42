// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/shipped.h"
#include "lib/log.h"
#include "lib/number.h"

void shipped_init(struct shipped *s)
{
	hmap_init_strings(&s->files, sizeof(uint64_t));
	s->present = false;
}

void shipped_free(struct shipped *s)
{
	hmap_free(&s->files);
}

void shipped_set(struct shipped *s, const char *rel, uint64_t bytes)
{
	*(uint64_t *)hmap_upsert(&s->files, rel) = bytes;
}

uint64_t shipped_bytes(const struct shipped *s, const char *rel)
{
	const uint64_t *v = hmap_find(&s->files, rel);

	return v ? *v : 0;
}

/* "REL BYTES": REL a day directory and a file name, no space in either. */
static const char *parse_line(char *line, struct shipped *s)
{
	char *space = strrchr(line, ' ');
	uint64_t bytes;

	if (!space || space == line)
		return "want 'YYYY-MM-DD/FILE BYTES'";
	*space = '\0';
	if (!strchr(line, '/') || strchr(line, ' '))
		return "want 'YYYY-MM-DD/FILE BYTES'";
	if (!parse_uint(space + 1, 0, UINT64_MAX, &bytes))
		return "BYTES is not a whole number";
	shipped_set(s, line, bytes);
	return NULL;
}

bool shipped_load(const char *dir, struct shipped *s)
{
	char path[4200], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	bool ok = true;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, SHIPPED_NAME);
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return true;
		pr_warn("%s: %s", path, strerror(errno));
		return false;
	}
	s->present = true;
	while (ok && (n = getline(&line, &cap, f)) > 0) {
		const char *why;

		lineno++;
		if (line[n - 1] != '\n') {
			pr_warn("%s:%lu: the last line has no line end", path, lineno);
			ok = false;
			break;
		}
		line[n - 1] = '\0';
		why = parse_line(line, s);
		if (why) {
			pr_warn("%s:%lu: %s", path, lineno, why);
			ok = false;
		}
	}
	if (ok && ferror(f)) {
		pr_warn("%s: %s", path, strerror(errno));
		ok = false;
	}
	free(line);
	fclose(f);
	return ok;
}

bool shipped_save(const char *dir, const struct shipped *s)
{
	char path[4200], tmp[4220];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, SHIPPED_NAME);
	/* a name of this process's own: two ships on one directory (allowed:
	 * the database keeps them apart) must not write into one file */
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		pr_warn("cannot write %s: %s", tmp, strerror(errno));
		return false;
	}
	for (size_t i = 0; i < s->files.len; i++)
		fprintf(f, "%s %llu\n", hmap_string(&s->files, i),
			(unsigned long long)*(uint64_t *)hmap_val(&s->files, i));
	ok = !ferror(f);
	ok = !fclose(f) && ok;
	if (!ok || rename(tmp, path)) {
		pr_warn("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return false;
	}
	return true;
}
