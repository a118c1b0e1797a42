/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Turning statistics and events into the report document. */
#ifndef TS_REPORT_BUILD_H
#define TS_REPORT_BUILD_H

#include "report_doc.h"
#include "report_events.h"
#include "report_stats.h"

struct build {
	const struct report_stats *st;
	const struct report_opts *o;
	const struct event_list *events;
	struct doc *d;
	int tables, figures;	/* numbering */
	int section;
	char caption[320];	/* the last caption made */
};

/* en or ja text, picked by the document's language. */
#define TR(b, en, ja) ((b)->d->lang == LANG_JA ? (ja) : (en))

void build_report(struct doc *d, const struct report_stats *st,
		  const struct event_list *events);

/* Sections (report_build.c and report_sections.c). */
void build_overview(struct build *b);
void build_events(struct build *b);
void build_backscatter(struct build *b);
void build_mirai(struct build *b);
void build_sensors(struct build *b);
void build_focus_ports(struct build *b);
void build_gaps(struct build *b);

/* Shared helpers. */
struct port_total {
	uint8_t proto;
	uint16_t port;
	uint64_t packets, mirai;
};

/* Period totals per port from the counter kind given (K_PORT_DAY,
 * K_PORT_PREV, K_PORT_FOCUS; sensor id for K_SENSOR_PORT_DAY), ranked. */
struct port_total *rank_ports(const struct counter_map *m, enum key_kind kind,
			      int sensor, size_t *n);
/* "tcp", "udp", "icmp", "icmpv6" or the number. */
void proto_csv(uint8_t proto, char *buf, size_t len);
/* en: 2022-07-01; ja: 2022年7月1日 */
void fmt_date(const struct build *b, int day, char *buf, size_t len);
const char *table_caption(struct build *b, const char *text);
const char *figure_caption(struct build *b, const char *text);
/* Charts: one point per period day; NAN on days without any totals row. */
bool day_has_data(const struct report_stats *st, int di);

#endif
