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
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/offline.h"
#include "report/render/render.h"

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

/*
 * Chromium's own services reach for the network on every start: the
 * network time, component and model updates, the DNS look-ups and the
 * IPv6 probe they bring. A report needs none of it (the HTML fetches
 * nothing), so the browser runs with no network at all (lib/offline.h),
 * and with every service that would try switched off, so that it does
 * not even try where no namespace can be had
 * (tests/report/pdf_offline.sh counts its connect()s either way).
 */
static const char *const offline_switches[] = {
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-extensions", "--disable-default-apps", "--disable-domain-reliability",
	"--disable-client-side-phishing-detection", "--disable-breakpad", "--no-pings",
	"--no-proxy-server",
	"--disable-features=NetworkTimeServiceQuerying,OptimizationGuideModelDownloading,"
	"OptimizationHints,OptimizationHintsFetching",
	/* the on-device model manifest is asked for on demand, whatever
	 * --disable-component-update says; a manifest of its own (here none
	 * at all) keeps it from the updater */
	"--optimization-guide-manifest-override=/nonexistent",
	/* and should anything still ask for a name, no name resolves */
	"--host-resolver-rules=MAP * ~NOTFOUND",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Where a report is printed, and whether it said it had no namespace. */
struct print_job {
	const char *dir, *html, *pdf;
	bool warned;
};

/* Said once a report: printing goes on with the switches alone. */
static void warn_no_namespace(struct print_job *job, const struct offline_child *c)
{
	if (c->how != OFFLINE_NONE || job->warned)
		return;
	job->warned = true;
	pr_warn("report: chromium prints without a network namespace of its own (%s); its "
		"network services are switched off", strerror(c->why));
}

static bool run_browser(struct print_job *job)
{
	const char *browser = getenv("XDP_TELESCOPE_CHROMIUM");
	char *profile = xasprintf("--user-data-dir=%s/profile", job->dir);
	char *print = xasprintf("--print-to-pdf=%s", job->pdf);
	char *url = xasprintf("file://%s", job->html);
	char *log = xasprintf("%s/chromium.log", job->dir);
	const char *head[] = {
		browser && *browser ? browser : "chromium", "--headless", "--no-sandbox",
		"--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
		"--generate-pdf-document-outline",
	};
	const char *tail[] = { profile, print, url, NULL };
	const char *argv[ARRAY_LEN(head) + ARRAY_LEN(offline_switches) + ARRAY_LEN(tail)];
	struct offline_child child;
	size_t n = 0;
	bool ok = false;
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(head); i++)
		argv[n++] = head[i];
	for (size_t i = 0; i < ARRAY_LEN(offline_switches); i++)
		argv[n++] = offline_switches[i];
	for (size_t i = 0; i < ARRAY_LEN(tail); i++)
		argv[n++] = tail[i];
	rc = offline_spawn((char *const *)argv, log, &child);
	if (rc) {
		pr_err("report: --format pdf prints with %s (Debian package chromium): %s",
		       argv[0], strerror(rc));
	} else {
		warn_no_namespace(job, &child);
		rc = wait_browser(child.pid);
		if (rc)
			pr_err("report: %s did not print the PDF (%s %d)", argv[0],
			       rc < 0 ? "killed after" : "exit status",
			       rc < 0 ? PRINT_TIMEOUT_S : rc);
		ok = !rc;
	}
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
static bool print_once(const struct doc *d, struct print_job *job, const int *pages)
{
	FILE *f = fopen(job->html, "w");
	bool written;

	if (!f) {
		pr_err("report: cannot write %s: %s", job->html, strerror(errno));
		return false;
	}
	written = render_html_paged(d, f, pages);
	written = !fclose(f) && written;
	if (!written) {
		pr_err("report: cannot write %s: %s", job->html, strerror(errno));
		return false;
	}
	return run_browser(job);
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
static bool print_paged(const struct doc *d, struct print_job *job)
{
	int *pages = xcalloc(d->nblocks + 1, sizeof(int));
	int *again = xcalloc(d->nblocks + 1, sizeof(int));
	int want = toc_headings(d);
	bool ok = print_once(d, job, NULL), same = false;

	if (ok && pdf_heading_pages(job->pdf, pages, d->nblocks) != want) {
		pr_warn("report: the PDF's contents have no page numbers: chromium's PDF does not "
			"say where its headings are");
		want = -1;
	}
	for (int pass = 0; ok && want >= 0 && !same && pass < 2; pass++) {
		ok = print_once(d, job, pages);
		same = ok && pdf_heading_pages(job->pdf, again, d->nblocks) == want &&
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
	struct print_job job = { 0 };
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
	job = (struct print_job){ .dir = dir, .html = html, .pdf = pdf };
	ok = print_paged(d, &job) && copy_pdf(pdf, path);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(html);
	free(pdf);
	free(dir);
	return ok;
}
