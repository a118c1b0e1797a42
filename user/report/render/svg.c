// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Charts as inline SVG: daily lines (broken where there is no data, never
 * drawn down to zero) and stacked daily bars. Days without data get a grey
 * band so a gap reads as a gap; days on which only part of the fleet
 * reported get a hatched one, so a dip there reads as missing data.
 * Colours from the Okabe–Ito palette (told apart with colour-blindness),
 * ordered so neighbours differ in lightness, and each line has its own
 * dash pattern, so the series stay apart printed in grey too.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "report/render/escape.h"
#include "report/render/render.h"

#define W 900
#define H 300
#define ML 64
#define MR 12
#define MT 12
#define MB 28

static const char *const palette[] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9",
	"#d55e00", "#000000", "#f0e442", "#999999", "#7a4b00",
};
#define NCOLORS (sizeof(palette) / sizeof(palette[0]))
/* stroke-dasharray of series s: solid, dashed, dotted, dash-dot … */
static const char *const dashes[] = {
	"", "7 3", "2 2.5", "9 3 2 3", "4 2 1 2 1 2", "12 4",
	"1 4", "6 2 6 6", "3 5", "10 2 2 2 2 2",
};

static double nice_ceiling(double v)
{
	double p, f;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	f = v / p;
	f = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
	return f * p;
}

static void compact(double v, char *buf, size_t len)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.3gG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (v >= 1e4)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.4g", v);
}

static bool point_has_data(const struct chart *c, int i)
{
	for (int s = 0; s < c->nseries; s++)
		if (!isnan(c->values[(size_t)s * c->npoints + i]))
			return true;
	return false;
}

static double chart_max(const struct chart *c)
{
	double max = 0;

	for (int i = 0; i < c->npoints; i++) {
		double sum = 0;

		for (int s = 0; s < c->nseries; s++) {
			double v = c->values[(size_t)s * c->npoints + i];

			if (isnan(v))
				continue;
			if (c->kind == CHART_STACKED)
				sum += v;
			else if (v > max)
				max = v;
		}
		if (sum > max)
			max = sum;
	}
	return nice_ceiling(max);
}

static double px(const struct chart *c, int i)
{
	double slot = (double)(W - ML - MR) / (c->npoints ? c->npoints : 1);

	return ML + slot * (i + 0.5);
}

static double py(double v, double max)
{
	return MT + (H - MT - MB) * (1 - v / max);
}

static void axes(const struct chart *c, double max, FILE *f)
{
	int step = c->npoints > 8 ? (c->npoints + 7) / 8 : 1;
	bool long_range = c->npoints > 400, monthly = c->npoints > 1;

	for (int i = 1; i < c->npoints && monthly; i++)	/* a point a month: name months */
		monthly = c->days[i] - c->days[i - 1] >= 28;

	for (int k = 0; k <= 4; k++) {
		double v = max * k / 4, y = py(v, max);
		char label[32];

		compact(v, label, sizeof(label));
		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			"<text class=\"ytick\" x=\"%d\" y=\"%.1f\">%s</text>\n",
			ML, y, W - MR, y, ML - 6, y + 4, label);
	}
	for (int i = 0; i < c->npoints; i++) {
		int y, m, d;
		char label[24];

		ymd_from_day(c->days[i], &y, &m, &d);
		if (long_range ? !(d == 1 && (m - 1) % 3 == 0) : i % step)
			continue;
		if (long_range || monthly)
			snprintf(label, sizeof(label), c->lang == LANG_JA ? "%d年%d月" : "%04d-%02d", y, m);
		else
			snprintf(label, sizeof(label), c->lang == LANG_JA ? "%d月%d日" : "%d/%d", m, d);
		fprintf(f, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text class=\"xtick\" x=\"%.1f\" y=\"%d\">%s</text>\n",
			px(c, i), H - MB, px(c, i), H - MB + 4, px(c, i), H - MB + 16, label);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
		ML, H - MB, W - MR, H - MB);
}

/* A hatched band: light, with diagonal strokes drawn one by one (a fill
 * pattern would be a url() reference, and the page references nothing). */
static void partial_band(double x, double w, FILE *f)
{
	fprintf(f, "<g class=\"partial\"><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>",
		x, MT, w, H - MT - MB);
	for (int y = MT; y < H - MB; y += 8)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>", x, y + 8 > H - MB ? H - MB : y + 8,
			x + w, (double)y + 8 - w > MT ? (double)y + 8 - w : MT);
	fprintf(f, "</g>\n");
}

static void nodata_bands(const struct chart *c, FILE *f)
{
	double slot = (double)(W - ML - MR) / (c->npoints ? c->npoints : 1);

	for (int i = 0; i < c->npoints; i++)
		if (!point_has_data(c, i))
			fprintf(f, "<rect class=\"nodata\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n",
				px(c, i) - slot / 2, MT, slot, H - MT - MB);
		else if (c->partial[i])
			partial_band(px(c, i) - slot / 2, slot, f);
}

static void lines(const struct chart *c, double max, FILE *f)
{
	for (int s = 0; s < c->nseries; s++) {
		const double *v = c->values + (size_t)s * c->npoints;
		const char *color = palette[s % NCOLORS], *dash = dashes[s % NCOLORS];
		int i = 0;

		while (i < c->npoints) {
			int j;

			if (isnan(v[i])) {
				i++;
				continue;
			}
			for (j = i; j < c->npoints && !isnan(v[j]); j++)
				;
			if (j - i == 1) {
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
					px(c, i), py(v[i], max), color);
			} else {
				fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s%s%s "
					"points=\"", color, *dash ? " stroke-dasharray=\"" : "", dash,
					*dash ? "\"" : "");
				for (int k = i; k < j; k++)
					fprintf(f, "%s%.1f,%.1f", k > i ? " " : "", px(c, k), py(v[k], max));
				fprintf(f, "\"/>\n");
			}
			i = j;
		}
	}
}

static void stacks(const struct chart *c, double max, FILE *f)
{
	double slot = (double)(W - ML - MR) / (c->npoints ? c->npoints : 1);
	double bw = slot > 3 ? slot * 0.8 : slot;

	for (int i = 0; i < c->npoints; i++) {
		double base = 0;

		for (int s = 0; s < c->nseries; s++) {
			double v = c->values[(size_t)s * c->npoints + i];

			if (isnan(v) || v <= 0)
				continue;
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
				px(c, i) - bw / 2, py(base + v, max), bw,
				py(base, max) - py(base + v, max), palette[s % NCOLORS]);
			base += v;
		}
	}
}

static bool any_partial(const struct chart *c)
{
	for (int i = 0; i < c->npoints; i++)
		if (c->partial[i] && point_has_data(c, i))
			return true;
	return false;
}

/* A line's swatch is a piece of the line, its dash included; a bar's, its
 * colour. */
static void legend(const struct chart *c, FILE *f)
{
	fprintf(f, "<div class=\"legend\">");
	for (int s = 0; s < c->nseries; s++) {
		const char *dash = dashes[s % NCOLORS];

		if (c->kind == CHART_LINE)
			fprintf(f, "<span><svg class=\"swatch\" width=\"30\" height=\"10\" viewBox=\"0 0 30 10\">"
				"<polyline points=\"1,5 29,5\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s/>"
				"</svg>", palette[s % NCOLORS], *dash ? " stroke-dasharray=\"" : "", dash,
				*dash ? "\"" : "");
		else
			fprintf(f, "<span><i style=\"background:%s\"></i>", palette[s % NCOLORS]);
		html_escape(f, c->names[s]);
		fprintf(f, "</span>");
	}
	if (any_partial(c))
		fprintf(f, "<span><i class=\"partial\"></i>%s</span>",
			c->lang == LANG_JA ? "一部のセンサーのみのデータ" : "data from part of the fleet");
	fprintf(f, "</div>\n");
}

void render_svg_chart(const struct chart *c, enum rpt_lang lang, FILE *f)
{
	double max = chart_max(c);

	(void)lang;	/* the chart has the document's (c->lang) */
	fprintf(f, "<figure class=\"chart\" id=\"");
	html_escape(f, c->id);
	fprintf(f, "\">\n<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, H);
	html_escape(f, c->caption);
	fprintf(f, "\" xmlns=\"http://www.w3.org/2000/svg\">\n");
	nodata_bands(c, f);
	axes(c, max, f);
	if (c->y_label) {
		fprintf(f, "<text class=\"ylabel\" x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\">",
			H / 2, H / 2);
		html_escape(f, c->y_label);
		fprintf(f, "</text>\n");
	}
	if (c->kind == CHART_STACKED)
		stacks(c, max, f);
	else
		lines(c, max, f);
	fprintf(f, "</svg>\n");
	legend(c, f);
	fprintf(f, "<figcaption>");
	html_escape(f, c->caption);
	fprintf(f, "</figcaption>\n</figure>\n");
}
