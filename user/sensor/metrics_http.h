/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The metrics over HTTP for a direct scrape: GET /metrics answers the
 * text of the last drain; nothing else is served. libmicrohttpd runs the
 * connections on a thread of its own, so a slow scraper never delays a
 * drain.
 */
#ifndef TS_METRICS_HTTP_H
#define TS_METRICS_HTTP_H

#include "lib/strbuf.h"

struct metrics_http;

/*
 * Listen on "ADDR:PORT" ("[ADDR]:PORT" for IPv6) or "PORT" (127.0.0.1).
 * NULL with an error printed when it cannot.
 */
struct metrics_http *metrics_http_start(const char *listen);
/* Serve text from now on (copied). */
void metrics_http_publish(struct metrics_http *h, const struct strbuf *text);
void metrics_http_stop(struct metrics_http *h);

#endif
