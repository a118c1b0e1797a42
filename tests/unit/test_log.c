// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* lib/log.c: one line per message, with the journal's priority under systemd. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "lib/log.h"

/* What the pr_* calls in fn write to stderr, with JOURNAL_STREAM as given
 * ("self": the device and inode of the file stderr is redirected to). */
static void logged(const char *journal_stream, void (*fn)(void), char *out, size_t len)
{
	char path[] = "/tmp/test_log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	struct stat st;
	char env[64];
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	if (!journal_stream) {
		unsetenv("JOURNAL_STREAM");
	} else {
		if (!strcmp(journal_stream, "self"))
			snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
				 (unsigned long long)st.st_ino);
		else
			snprintf(env, sizeof(env), "%s", journal_stream);
		setenv("JOURNAL_STREAM", env, 1);
	}
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	unsetenv("JOURNAL_STREAM");
}

static void some_lines(void)
{
	pr_err("e %d", 1);
	pr_warn("w");
	pr_info("i");
	ts_verbose = false;
	pr_debug("not shown");
	ts_verbose = true;
	pr_debug("d");
	ts_verbose = false;
}

static void test_plain(void **state)
{
	char out[512];

	(void)state;
	logged(NULL, some_lines, out, sizeof(out));
	assert_string_equal(out, "xdp-telescope: error: e 1\n"
				 "xdp-telescope: warning: w\n"
				 "xdp-telescope: i\n"
				 "xdp-telescope: debug: d\n");
}

static void test_journal_priorities(void **state)
{
	char out[512];

	(void)state;
	logged("self", some_lines, out, sizeof(out));
	assert_string_equal(out, "<3>xdp-telescope: error: e 1\n"
				 "<4>xdp-telescope: warning: w\n"
				 "<6>xdp-telescope: i\n"
				 "<7>xdp-telescope: debug: d\n");
}

/* A JOURNAL_STREAM inherited from a parent, naming another stream. */
static void test_journal_elsewhere(void **state)
{
	char out[512];

	(void)state;
	logged("1:1", some_lines, out, sizeof(out));
	assert_int_equal(strncmp(out, "xdp-telescope: error: e 1\n", 26), 0);
	logged("garbage", some_lines, out, sizeof(out));
	assert_int_equal(strncmp(out, "xdp-telescope: error: e 1\n", 26), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_journal_priorities),
		cmocka_unit_test(test_journal_elsewhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
