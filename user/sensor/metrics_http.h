/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics over HTTP for a direct scrape: GET (or HEAD) /metrics
 * answers the text of the last drain; any other path 404, any other
 * method 405. It runs on a thread of its own, so a slow scraper never
 * delays a drain, and it stays answerable under load: a connection gets
 * METRICS_HTTP_DEADLINE_S for the whole of its request and answer (not
 * an idle timeout, which a client sending a byte now and then resets),
 * one client (address) METRICS_HTTP_PER_CLIENT connections at once,
 * and the server METRICS_HTTP_MAX connections, the oldest giving way to
 * a new one when they are all taken. What it refuses or cuts is logged
 * at most once a minute, as counts.
 */
#ifndef TS_METRICS_HTTP_H
#define TS_METRICS_HTTP_H

#include <stddef.h>
#include "lib/strbuf.h"

#define METRICS_HTTP_DEADLINE_S 5
#define METRICS_HTTP_PER_CLIENT 4
#define METRICS_HTTP_MAX 64
#define METRICS_HTTP_LOG_EVERY_S 60

struct metrics_http;

/*
 * Listen on "ADDR:PORT" ("[ADDR]:PORT" for IPv6) or "PORT" (127.0.0.1),
 * answering nothing yet: before attaching, so that an address that is
 * malformed, or that cannot be listened on, is a bad option. NULL with
 * the reason in errbuf.
 */
struct metrics_http *metrics_http_open(const char *listen, char *errbuf, size_t len);
/* Answer from now on. 0, or -1 with an error printed. */
int metrics_http_start(struct metrics_http *h);
/* Serve text from now on (copied). */
void metrics_http_publish(struct metrics_http *h, const struct strbuf *text);
/* Stop answering and close (NULL: nothing to do). */
void metrics_http_stop(struct metrics_http *h);

#endif
