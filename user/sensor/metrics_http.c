// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libmicrohttpd parses the requests and writes the answers; a thread of
 * ours runs it (external polling on its epoll descriptor) and keeps the
 * limits it has no option for. Its own connection timeout is an idle
 * timeout, and its own limits log a line for every connection refused:
 * so the server's limit is set above ours and only ever reached by
 * connections we have cut and it has not yet closed, and a connection
 * past its deadline, or giving way, is cut with shutdown(), which the
 * library sees as the client closing. Every callback runs in MHD_run(),
 * on our thread, so the table of connections needs no lock; only the
 * text does, which the drain replaces.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/number.h"
#include "sensor/metrics_http.h"
#include "sensor/refusals.h"

/* the library's own limit: ours, and as many cut ones not yet closed */
#define LIBRARY_MAX (2 * METRICS_HTTP_MAX)
#define NS 1000000000LL

struct connection {
	struct MHD_Connection *c; /* NULL: a free slot */
	int fd;
	struct sockaddr_storage addr;
	int64_t began;            /* accepted, monotonic ns */
	bool cut;                 /* shut down by us, not yet closed */
};

struct metrics_http {
	int listen_fd;
	struct MHD_Daemon *daemon;
	int epoll_fd;             /* the library's, for our poll() */
	pthread_t thread;
	bool running;
	int wake[2];              /* written to stop the thread */
	pthread_mutex_t lock;     /* of text and len */
	char *text;               /* the last drain's exposition */
	size_t len;
	struct connection conns[LIBRARY_MAX];
	struct refusals refused;  /* since they were last said */
};

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *body,
			       size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	/* one request a connection: its deadline is the request's */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *data_len, void **req)
{
	static const char not_found[] = "only /metrics is here\n";
	static const char not_allowed[] = "only GET and HEAD\n";
	struct metrics_http *h = cls;
	enum MHD_Result ret;

	(void)version;
	(void)data;
	(void)data_len;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return respond(c, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed,
			       sizeof(not_allowed) - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return respond(c, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
			       MHD_RESPMEM_PERSISTENT);
	pthread_mutex_lock(&h->lock);
	ret = respond(c, MHD_HTTP_OK, h->text, h->len, MHD_RESPMEM_MUST_COPY);
	pthread_mutex_unlock(&h->lock);
	return ret;
}

/* The client of an address: the address without the port. */
static bool same_client(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (b->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (b->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

static void cut(struct connection *k)
{
	shutdown(k->fd, SHUT_RDWR);
	k->cut = true;
}

/*
 * A new connection from addr: refused when its client has enough open
 * already; when all are taken, the oldest gives way to it.
 */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct metrics_http *h = cls;
	struct connection *oldest = NULL;
	int open = 0, client = 0;

	(void)len;
	for (int i = 0; i < LIBRARY_MAX; i++) {
		struct connection *k = &h->conns[i];

		if (!k->c || k->cut)
			continue;
		open++;
		client += same_client(&k->addr, addr);
		if (!oldest || k->began < oldest->began)
			oldest = k;
	}
	if (client >= METRICS_HTTP_PER_CLIENT) {
		refusals_add(&h->refused, REFUSED_BUSY_CLIENT);
		return MHD_NO;
	}
	if (open >= METRICS_HTTP_MAX && oldest) {
		cut(oldest);
		refusals_add(&h->refused, REFUSED_MADE_ROOM);
	}
	return MHD_YES;
}

static void notify(void *cls, struct MHD_Connection *c, void **slot,
		   enum MHD_ConnectionNotificationCode code)
{
	struct metrics_http *h = cls;
	const union MHD_ConnectionInfo *fd, *addr;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (*slot)
			((struct connection *)*slot)->c = NULL;
		return;
	}
	fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	addr = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	for (int i = 0; i < LIBRARY_MAX && fd && addr; i++) {
		struct connection *k = &h->conns[i];

		if (k->c)
			continue;
		*k = (struct connection){ .c = c, .fd = fd->connect_fd, .began = mono_ns() };
		memcpy(&k->addr, addr->client_addr, addr->client_addr->sa_family == AF_INET6 ?
		       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
		*slot = k;
		return;
	}
}

static void library_said(void *cls, const char *fmt, va_list ap)
{
	struct metrics_http *h = cls;
	char message[160];

	vsnprintf(message, sizeof(message), fmt, ap);
	refusals_library(&h->refused, message);
}

/* Cut every connection past its deadline. */
static void reap(struct metrics_http *h, int64_t now)
{
	for (int i = 0; i < LIBRARY_MAX; i++) {
		struct connection *k = &h->conns[i];

		if (k->c && !k->cut && now - k->began > METRICS_HTTP_DEADLINE_S * NS) {
			cut(k);
			refusals_add(&h->refused, REFUSED_LATE);
		}
	}
}

/* What was refused and cut, at most once a minute. */
static void say_refusals(struct metrics_http *h, int64_t now)
{
	char line[512];

	if (refusals_due(&h->refused, now, METRICS_HTTP_LOG_EVERY_S * NS,
			 METRICS_HTTP_PER_CLIENT, METRICS_HTTP_DEADLINE_S, METRICS_HTTP_MAX,
			 line, sizeof(line)))
		pr_warn("%s", line);
}

static void *serve(void *arg)
{
	struct metrics_http *h = arg;
	struct pollfd pfd[2] = { { .fd = h->epoll_fd, .events = POLLIN },
				 { .fd = h->wake[0], .events = POLLIN } };

	for (;;) {
		MHD_UNSIGNED_LONG_LONG wait;
		int timeout = 100; /* the deadlines are looked at ten times a second */

		if (MHD_get_timeout(h->daemon, &wait) == MHD_YES && wait < (unsigned)timeout)
			timeout = (int)wait;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		MHD_run(h->daemon);
		reap(h, mono_ns());
		say_refusals(h, mono_ns());
	}
	return NULL;
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

struct metrics_http *metrics_http_open(const char *where, char *errbuf, size_t len)
{
	struct sockaddr_storage ss;
	struct metrics_http *h;
	int fd, one = 1;

	if (parse_listen(where, &ss)) {
		snprintf(errbuf, len, "--metrics-listen wants PORT, ADDR:PORT or [ADDR]:PORT "
			 "(PORT 1 to 65535), not '%s'", where);
		return NULL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET6 ?
		 sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) ||
	    listen(fd, SOMAXCONN)) {
		snprintf(errbuf, len, "--metrics-listen %s: cannot listen there: %s", where,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->listen_fd = fd;
	h->wake[0] = h->wake[1] = -1;
	pthread_mutex_init(&h->lock, NULL);
	h->text = xstrdup("");
	return h;
}

int metrics_http_start(struct metrics_http *h)
{
	const union MHD_DaemonInfo *info;

	h->daemon = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, accept_policy, h, answer, h,
		MHD_OPTION_EXTERNAL_LOGGER, library_said, h, /* first, or it says so */
		MHD_OPTION_LISTEN_SOCKET, h->listen_fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIBRARY_MAX,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_HTTP_DEADLINE_S,
		MHD_OPTION_NOTIFY_CONNECTION, notify, h, MHD_OPTION_END);
	if (!h->daemon) {
		pr_err("cannot serve the metrics: %s", strerror(errno));
		return -1;
	}
	h->listen_fd = -1; /* the library's now: it closes it */
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		pr_err("cannot serve the metrics: the HTTP library has no epoll");
		return -1;
	}
	h->epoll_fd = info->epoll_fd;
	if (pipe(h->wake) || pthread_create(&h->thread, NULL, serve, h)) {
		pr_err("cannot start the metrics server's thread: %s", strerror(errno));
		return -1;
	}
	h->running = true;
	return 0;
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
	if (h->running) {
		if (write(h->wake[1], "", 1) < 0)
			pr_warn("cannot stop the metrics server's thread: %s", strerror(errno));
		pthread_join(h->thread, NULL);
	}
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	for (int i = 0; i < 2; i++)
		if (h->wake[i] >= 0)
			close(h->wake[i]);
	pthread_mutex_destroy(&h->lock);
	free(h->text);
	free(h);
}
