// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Charts as inline SVG: daily lines (broken where there is no data, never
 * drawn down to zero) and stacked daily bars. Days without data get a grey
 * band so a gap reads as a gap.
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
	"#1f5fa8", "#d9480f", "#2b8a3e", "#862e9c", "#e8590c",
	"#0b7285", "#c2255c", "#5c940d", "#495057", "#a61e4d",
};
#define NCOLORS (sizeof(palette) / sizeof(palette[0]))

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
	bool long_range = c->npoints > 400;

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
		char label[16];

		ymd_from_day(c->days[i], &y, &m, &d);
		if (long_range ? !(d == 1 && (m - 1) % 3 == 0) : i % step)
			continue;
		if (long_range)
			snprintf(label, sizeof(label), "%04d-%02d", y, m);
		else
			snprintf(label, sizeof(label), "%d/%d", m, d);
		fprintf(f, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text class=\"xtick\" x=\"%.1f\" y=\"%d\">%s</text>\n",
			px(c, i), H - MB, px(c, i), H - MB + 4, px(c, i), H - MB + 16, label);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
		ML, H - MB, W - MR, H - MB);
}

static void nodata_bands(const struct chart *c, FILE *f)
{
	double slot = (double)(W - ML - MR) / (c->npoints ? c->npoints : 1);

	for (int i = 0; i < c->npoints; i++)
		if (!point_has_data(c, i))
			fprintf(f, "<rect class=\"nodata\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n",
				px(c, i) - slot / 2, MT, slot, H - MT - MB);
}

static void lines(const struct chart *c, double max, FILE *f)
{
	for (int s = 0; s < c->nseries; s++) {
		const double *v = c->values + (size_t)s * c->npoints;
		const char *color = palette[s % NCOLORS];
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
				fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"",
					color);
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

static void legend(const struct chart *c, FILE *f)
{
	fprintf(f, "<div class=\"legend\">");
	for (int s = 0; s < c->nseries; s++) {
		fprintf(f, "<span><i style=\"background:%s\"></i>", palette[s % NCOLORS]);
		html_escape(f, c->names[s]);
		fprintf(f, "</span>");
	}
	fprintf(f, "</div>\n");
}

void render_svg_chart(const struct chart *c, enum rpt_lang lang, FILE *f)
{
	double max = chart_max(c);

	(void)lang;
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
