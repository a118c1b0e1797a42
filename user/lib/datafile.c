// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "lib/datafile.h"

static int readable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, R_OK) == 0;
}

const char *default_data_file(const char *env, const char *name,
			      const char *tree_path, char *buf, size_t len)
{
	const char *set = getenv(env);
	char exe[PATH_MAX], *slash;
	ssize_t n;

	/* Set: the operator's choice, even when broken (opening says why). */
	if (set) {
		if (!*set)
			return NULL;
		snprintf(buf, len, "%s", set);
		return buf;
	}
	snprintf(buf, len, "%s/%s", TS_DATADIR, name);
	if (readable_file(buf))
		return buf;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	/* installed under another PREFIX than the one built for */
	if (snprintf(buf, len, "%s/../share/xdp-telescope/%s", exe, name) < (int)len &&
	    readable_file(buf))
		goto found;
	/* the in-tree build: build/xdp-telescope */
	if (snprintf(buf, len, "%s/../%s", exe, tree_path) >= (int)len ||
	    !readable_file(buf))
		return NULL;
found:
	/* A clean name for messages; the file exists, so this succeeds. */
	if (realpath(buf, exe))
		snprintf(buf, len, "%s", exe);
	return buf;
}
