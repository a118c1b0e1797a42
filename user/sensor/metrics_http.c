// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/number.h"
#include "sensor/metrics_http.h"

struct metrics_http {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	char *text; /* the last drain's exposition */
	size_t len;
};

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *data_len, void **req)
{
	struct metrics_http *h = cls;
	static const char not_found[] = "only /metrics is here\n";
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned status = MHD_HTTP_OK;

	(void)version;
	(void)data;
	(void)data_len;
	(void)req;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return MHD_NO; /* close the connection */
	if (strcmp(url, "/metrics")) {
		status = MHD_HTTP_NOT_FOUND;
		r = MHD_create_response_from_buffer(sizeof(not_found) - 1, (void *)not_found,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		pthread_mutex_lock(&h->lock);
		r = MHD_create_response_from_buffer(h->len, h->text, MHD_RESPMEM_MUST_COPY);
		pthread_mutex_unlock(&h->lock);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* "PORT", "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char addr[64] = "127.0.0.1";
	const char *colon = strrchr(listen, ':'), *port = colon ? colon + 1 : listen;
	uint64_t p;

	if (colon) {
		size_t n = (size_t)(colon - listen);

		if (listen[0] == '[' && n >= 2 && listen[n - 1] == ']') {
			listen++;
			n -= 2;
		}
		if (!n || n >= sizeof(addr))
			return -1;
		memcpy(addr, listen, n);
		addr[n] = '\0';
	}
	if (!parse_uint(port, 1, 65535, &p))
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p);
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
	} else {
		return -1;
	}
	return 0;
}

struct metrics_http *metrics_http_start(const char *listen)
{
	struct metrics_http *h;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (parse_listen(listen, &ss)) {
		pr_err("--metrics-listen wants PORT, ADDR:PORT or [ADDR]:PORT, not '%s'", listen);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	h->text = xstrdup("");
	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, h, MHD_OPTION_SOCK_ADDR, &ss,
				     MHD_OPTION_CONNECTION_LIMIT, 16u,
				     MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!h->daemon) {
		pr_err("cannot serve metrics on %s: %s", listen, strerror(errno));
		free(h->text);
		free(h);
		return NULL;
	}
	return h;
}

void metrics_http_publish(struct metrics_http *h, const struct strbuf *text)
{
	char *copy = xmalloc(text->len + 1);

	memcpy(copy, text->buf ? text->buf : "", text->len);
	copy[text->len] = '\0';
	pthread_mutex_lock(&h->lock);
	free(h->text);
	h->text = copy;
	h->len = text->len;
	pthread_mutex_unlock(&h->lock);
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->daemon);
	pthread_mutex_destroy(&h->lock);
	free(h->text);
	free(h);
}
