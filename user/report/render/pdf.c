// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --format pdf: the HTML report, in its print form, printed to A4 by
 * headless Chromium. Chromium rather than a PDF library: the tests already
 * load the HTML in it, so the PDF is the very page they check, with the
 * same fonts (Noto CJK) and SVG, and CSS paged media (page-margin boxes
 * for the page numbers) come with it. It runs in a directory of its own
 * (the HTML, a throw-away profile, its log), which goes afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "report/render/render.h"

extern char **environ;

/* A large quarter prints in well under a minute; a hung browser must not
 * hang the report. */
#define PRINT_TIMEOUT_S 240

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Waits for the browser, killing its process group after the timeout;
 * its exit status, or -1 when it was killed. */
static int wait_browser(pid_t pid)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	int status;

	for (int i = 0; i < PRINT_TIMEOUT_S * 10; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static bool run_browser(const char *dir, const char *html, const char *pdf)
{
	const char *browser = getenv("XDP_TELESCOPE_CHROMIUM");
	char *profile = xasprintf("--user-data-dir=%s/profile", dir);
	char *print = xasprintf("--print-to-pdf=%s", pdf);
	char *url = xasprintf("file://%s", html);
	char *log = xasprintf("%s/chromium.log", dir);
	char *argv[] = {
		NULL, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-extensions", "--no-pdf-header-footer",
		"--generate-pdf-document-outline", profile, print, url, NULL,
	};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	bool ok = false;
	pid_t pid;
	int rc;

	argv[0] = (char *)(browser && *browser ? browser : "chromium");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	posix_spawnattr_init(&attr);
	/* its own process group, so a timeout ends its helpers too */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	if (rc)
		pr_err("report: --format pdf prints with %s (Debian package chromium): %s",
		       argv[0], strerror(rc));
	else if ((rc = wait_browser(pid)) != 0)
		pr_err("report: %s did not print the PDF (%s %d)", argv[0],
		       rc < 0 ? "killed after" : "exit status", rc < 0 ? PRINT_TIMEOUT_S : rc);
	else
		ok = true;
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(profile);
	free(print);
	free(url);
	free(log);
	return ok;
}

/* Copies the printed file to path ("-": stdout), checking it is a PDF. */
static bool copy_pdf(const char *from, const char *path)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n, total = 0;
	bool ok = true;

	if (!in || fread(buf, 1, 5, in) != 5 || memcmp(buf, "%PDF-", 5)) {
		pr_err("report: chromium wrote no PDF");
		if (in)
			fclose(in);
		return false;
	}
	out = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!out) {
		pr_err("report: cannot write %s: %s", path, strerror(errno));
		fclose(in);
		return false;
	}
	rewind(in);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		ok = ok && fwrite(buf, 1, n, out) == n;
		total += n;
	}
	ok = ok && !ferror(in) && total > 0;
	fclose(in);
	ok = (out == stdout ? !fflush(out) : !fclose(out)) && ok;
	if (!ok)
		pr_err("report: cannot write %s: %s", path, strerror(errno));
	return ok;
}

/* The print form, with the contents' page numbers (or blank boxes), into
 * html, printed to pdf. */
static bool print_once(const struct doc *d, const char *dir, const char *html, const char *pdf,
		       const int *pages)
{
	FILE *f = fopen(html, "w");
	bool written;

	if (!f) {
		pr_err("report: cannot write %s: %s", html, strerror(errno));
		return false;
	}
	written = render_html_paged(d, f, pages);
	written = !fclose(f) && written;
	if (!written) {
		pr_err("report: cannot write %s: %s", html, strerror(errno));
		return false;
	}
	return run_browser(dir, html, pdf);
}

/* The headings the contents list, each a link target in the PDF. */
static int toc_headings(const struct doc *d)
{
	int n = 0;

	for (size_t i = 0; i < d->nblocks; i++)
		n += d->blocks[i].kind == BLK_HEADING && d->blocks[i].level >= 2 &&
		     d->blocks[i].level <= 3;
	return n;
}

/*
 * Chromium cannot number the contents (no target-counter()), so the
 * report is printed once with blank number boxes, each heading's page is
 * read from that PDF, and it is printed again with the numbers. The boxes
 * are as wide either way, so the pages stay where they were; that is
 * checked, and a third printing follows if they moved after all.
 */
static bool print_paged(const struct doc *d, const char *dir, const char *html,
			const char *pdf)
{
	int *pages = xcalloc(d->nblocks + 1, sizeof(int));
	int *again = xcalloc(d->nblocks + 1, sizeof(int));
	int want = toc_headings(d);
	bool ok = print_once(d, dir, html, pdf, NULL), same = false;

	if (ok && pdf_heading_pages(pdf, pages, d->nblocks) != want) {
		pr_warn("report: the PDF's contents have no page numbers: chromium's PDF does not "
			"say where its headings are");
		want = -1;
	}
	for (int pass = 0; ok && want >= 0 && !same && pass < 2; pass++) {
		ok = print_once(d, dir, html, pdf, pages);
		same = ok && pdf_heading_pages(pdf, again, d->nblocks) == want &&
		       !memcmp(again, pages, d->nblocks * sizeof(int));
		memcpy(pages, again, d->nblocks * sizeof(int));
	}
	if (ok && want >= 0 && !same)
		pr_warn("report: the PDF's contents may be a page off: the pages moved twice");
	free(pages);
	free(again);
	return ok;
}

bool render_pdf(const struct doc *d, const char *path)
{
	const char *tmp = getenv("TMPDIR");
	char *dir, *html, *pdf;
	bool ok;

	dir = xasprintf("%s/xdp-telescope-pdf.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		pr_err("report: cannot make a directory to print in (%s): %s", dir, strerror(errno));
		free(dir);
		return false;
	}
	html = xasprintf("%s/report.html", dir);
	pdf = xasprintf("%s/report.pdf", dir);
	ok = print_paged(d, dir, html, pdf) && copy_pdf(pdf, path);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(html);
	free(pdf);
	free(dir);
	return ok;
}
