// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The report's structure, after the TSUBAME quarterly reports: overview
 * with top ports and source regions (with the previous period's rank),
 * notable events, then the thematic sections, data gaps, references. Only the
 * order is here; each section is a file of its own.
 */
#include "lib/alloc.h"
#include "report/sections/build.h"
#include "report/sections/section.h"

void build_report(struct doc *d, const struct report_stats *st,
		  const struct event_list *events, const struct report_stats *year_before)
{
	struct build b = { .st = st, .o = st->opts, .events = events, .d = d,
			   .year_before = year_before };
	char from[32], to[32];

	fmt_date(&b, st->opts->from, from, sizeof(from));
	fmt_date(&b, st->opts->to, to, sizeof(to));
	if (st->opts->group)	/* the scope in the title: the tables are of a group alone */
		d->title = xasprintf(TR(&b, "Darknet observation report: %s sensors",
					"インターネット定点観測レポート（%sセンサー）"), st->opts->group);
	else
		d->title = xstrdup(TR(&b, "Darknet observation report", "インターネット定点観測レポート"));
	zone_label(&b);
	if (st->opts->tz)	/* whose days they are, under the title too */
		d->subtitle = xasprintf(TR(&b, "%s%s%s – %s, %s%s", "%s%s%s～%s、%s%s"),
					st->opts->period_name,
					st->opts->period_name[0] ? TR(&b, " (", "（") : "", from, to,
					b.zone, st->opts->period_name[0] ? TR(&b, ")", "）") : "");
	else if (st->opts->period_name[0])
		d->subtitle = xasprintf(TR(&b, "%s (%s – %s)", "%s（%s～%s）"),
					st->opts->period_name, from, to);
	else
		d->subtitle = xasprintf(TR(&b, "%s – %s", "%s～%s"), from, to);
	build_overview(&b);
	build_addresses(&b);
	build_events(&b);
	build_backscatter(&b);
	build_mirai(&b);
	build_tags(&b);
	build_sensors(&b);
	build_focus_ports(&b);
	build_gaps(&b);
	build_references(&b);
	mark_partial_days(&b);
	anonymize_free(&b);
	doc_repair_text(d);
}
