/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every section of the report shares: the state of the document
 * being built, the sections in the order the report has them
 * (sections/build.c calls them), and the helpers more than one uses.
 */
#ifndef TS_REPORT_SECTION_H
#define TS_REPORT_SECTION_H

#include "report/doc.h"
#include "report/eventlist.h"
#include "report/stats.h"

struct build {
	const struct report_stats *st;
	const struct report_opts *o;
	const struct event_list *events;
	const struct report_stats *year_before;	/* the months a year earlier, or NULL */
	struct doc *d;
	int tables, figures;	/* numbering */
	int section;
	char caption[320];	/* the last caption made */
	struct anon_state *anon;	/* --anonymize: the labels given (anonymize.c) */
	char zone[64];		/* what times are labelled with: "UTC", "JST" (zonetext.c) */
};

/* en or ja text, picked by the document's language. */
#define TR(b, en, ja) ((b)->d->lang == LANG_JA ? (ja) : (en))

/* The sections, each in a file of its own: overview.c, notable.c (events
 * and gaps), backscatter.c, mirai.c, tags.c, sensors.c, focus.c. */
void build_overview(struct build *b);
/* Distinct source addresses from sources.csv (addresses.c). */
void build_addresses(struct build *b);
void build_events(struct build *b);
void build_backscatter(struct build *b);
void build_mirai(struct build *b);
void build_tags(struct build *b);
void build_sensors(struct build *b);
void build_focus_ports(struct build *b);
void build_gaps(struct build *b);
/* The references the report ends with (references.c); notes cite them
 * by these numbers + 1. */
enum report_ref { REF_IANA, REF_MIRAI, REF_BACKSCATTER, REF_IODA, REF_MANUAL, REF_COUNT };
void build_references(struct build *b);
/* The data-quality notes under the summary (quality.c): rows not counted,
 * files cut short, intervals written late; nothing when there were none. */
void quality_notes(struct build *b);

/* The incidents of a country's backscatter bursts: one presence table of
 * victim organisation × day per incident (incidents.c). */
void backscatter_incidents(struct build *b, int cc);

/* --anonymize: the label of s's organisation in buf ("Organisation A",
 * "クラウド事業者B"); false without --anonymize (anonymize.c). */
bool victim_label(struct build *b, const struct bs_source *s, char *buf, size_t len);
void anonymize_free(struct build *b);

/* Whether backscatter source s sent on period day di. */
static inline bool bs_day(const struct bs_source *s, int di)
{
	return s->days[di / 8] & (1u << (di % 8));
}

/* Shared helpers (section.c). */
struct port_total {
	uint8_t proto;
	uint16_t port;
	uint64_t packets, mirai;
	uint64_t sources;	/* K_TAG_PORT: Σ sources */
};

/* Period totals per port from the counter kind given (K_PORT_DAY,
 * K_PORT_PREV, K_PORT_FOCUS; the sensor id for K_SENSOR_PORT_DAY, the tag
 * id for K_TAG_PORT, the focus index for K_PORT_FOCUS), ranked by packets. */
struct port_total *rank_ports(const struct hmap *m, enum key_kind kind,
			      int sensor, size_t *n);
struct cc_count {
	int cc;
	uint64_t sources, packets;
};

/* qsort order of struct cc_count: packets, most first; then the code. */
int cmp_cc_packets(const void *a, const void *b);
/* Comparison of two named counts: the larger first, then by name. */
int cmp_count_name(uint64_t a, const char *a_name, uint64_t b, const char *b_name);

/* Columns col and col + 1 of a table by source region: the name (page and
 * CSV) and the code (CSV); the cells of region cc in row. */
void region_cols(struct build *b, struct table *t, int col);
void region_cells(struct build *b, struct table *t, int row, int col, int cc);

/* Columns col … col + 2 of a table by destination port: the label (page
 * and CSV), the protocol and the port (CSV); the cells of a port in row. */
void port_cols(struct build *b, struct table *t, int col);
void port_cells(struct build *b, struct table *t, int row, int col, uint8_t proto, uint16_t port);

/* "3 d 18 h 30 min", 「3日18時間30分」 */
void fmt_duration(struct build *b, int64_t secs, char *buf, size_t len);
/* The zone's name for the text, into b->zone; the sentence naming it
 * (none without --tz); a time as "YYYY-MM-DD HH:MM" in it (zonetext.c). */
void zone_label(struct build *b);
void zone_sentence(struct build *b);
void fmt_clock(const struct build *b, int64_t t, char buf[17]);
/* en: 2022-07-01; ja: 2022年7月1日 */
void fmt_date(const struct build *b, int day, char *buf, size_t len);
const char *table_caption(struct build *b, const char *text);
const char *figure_caption(struct build *b, const char *text);
/* Marks, on every chart of the period's days, the days on which only
 * part of the fleet reported (build.c, after the sections). */
void mark_partial_days(struct build *b);
/* Charts: one point per period day; NAN on days without any totals row. */
bool day_has_data(const struct report_stats *st, int di);

#endif
