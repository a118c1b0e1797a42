// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The data-quality notes under the summary: what of the input the report
 * did not count, and which counts arrived late. A reader of the numbers
 * must know when they rest on less than every row; the warnings on
 * stderr name the lines, these notes say it where the numbers are.
 * Nothing is written for input that had none of it.
 */
#include <stdio.h>
#include <string.h>
#include "report/sections/section.h"

#define SHOW_MAX 10	/* files or late intervals named; the rest counted */

static void skipped_lines(struct build *b)
{
	uint64_t n[ROW_NVERDICTS] = { 0 }, all = 0;

	for (int k = 0; k < S_COUNT; k++)
		for (int v = ROW_BAD; v < ROW_NVERDICTS; v++) {
			n[v] += b->st->read[k].skipped[v];
			all += b->st->read[k].skipped[v];
		}
	if (!all)
		return;
	if (b->d->lang == LANG_JA)
		doc_note(b->d, "データ品質：入力の%llu行を集計から除外しました（不正な形式%llu、"
			 "範囲外の数値%llu、合計が2^64−1を超える行%llu、既に読んだ行の重複%llu）。"
			 "各理由の最初の行は警告に示しています。",
			 (unsigned long long)all, (unsigned long long)n[ROW_BAD],
			 (unsigned long long)n[ROW_RANGE], (unsigned long long)n[ROW_SUM],
			 (unsigned long long)n[ROW_DUP]);
	else
		doc_note(b->d, "Data quality: %llu line%s of the input were not counted "
			 "(%llu malformed, %llu with a number out of range, %llu that would "
			 "carry a sum past 2^64 - 1, %llu repeating rows read before); the "
			 "warnings name the first of each.",
			 (unsigned long long)all, all == 1 ? "" : "s",
			 (unsigned long long)n[ROW_BAD], (unsigned long long)n[ROW_RANGE],
			 (unsigned long long)n[ROW_SUM], (unsigned long long)n[ROW_DUP]);
}

/*
 * A file as the published note names it: the file, its day and the
 * directory above (a sensor's, as synth and fleets lay them out), never
 * the path on the machine that made the report (the warning has that).
 */
static void file_name(const char *path, char *buf, size_t len)
{
	const char *part[3] = { NULL, NULL, NULL };	/* file, day, above */
	const char *end[3] = { NULL, NULL, NULL };
	const char *p = path + strlen(path);

	for (int k = 0; k < 3 && p > path; k++) {
		end[k] = p;
		while (p > path && p[-1] != '/')
			p--;
		part[k] = p;
		while (p > path && p[-1] == '/')
			p--;
	}
	if (part[2] && part[1])
		snprintf(buf, len, "%.*s (%.*s, %.*s)", (int)(end[0] - part[0]), part[0],
			 (int)(end[2] - part[2]), part[2], (int)(end[1] - part[1]), part[1]);
	else if (part[1])
		snprintf(buf, len, "%.*s (%.*s)", (int)(end[0] - part[0]), part[0],
			 (int)(end[1] - part[1]), part[1]);
	else
		snprintf(buf, len, "%s", part[0] ? part[0] : path);
}

static void cut_files(struct build *b)
{
	size_t n = 0, shown = 0;

	for (int k = 0; k < S_COUNT; k++)
		n += b->st->read[k].ncuts;
	if (!n)
		return;
	if (b->d->lang == LANG_JA)
		doc_note(b->d, "データ品質：%zu個のファイルが途中で終わっており（gzipの途中切れ、"
			 "読み取りエラー、行末のない最終行）、それ以降の行は失われています。", n);
	else
		doc_note(b->d, "Data quality: %zu file%s end early (a gzip stream cut short, a "
			 "read error, a last line without its line end); the rows after the cut "
			 "are lost.", n, n == 1 ? "" : "s");
	for (int k = 0; k < S_COUNT; k++)
		for (size_t i = 0; i < b->st->read[k].ncuts && shown < SHOW_MAX; i++, shown++) {
			const struct cut_file *c = &b->st->read[k].cuts[i];
			char name[300];

			file_name(c->path, name, sizeof(name));
			if (b->d->lang == LANG_JA)
				doc_note(b->d, "%s：%llu行目以降（最後に読めた行の時刻：%s）", name,
					 (unsigned long long)c->line, *c->last_time ? c->last_time : "なし");
			else
				doc_note(b->d, "%s: from line %llu on (the last row read whole: %s)",
					 name, (unsigned long long)c->line,
					 *c->last_time ? c->last_time : "none");
		}
	if (n > shown)
		doc_note(b->d, TR(b, "… and %zu more (see the warnings).", "…ほか%zu個（警告を参照）。"),
			 n - shown);
}

static void late_rows(struct build *b)
{
	const struct report_stats *st = b->st;

	for (size_t i = 0; i < st->nlate && i < SHOW_MAX; i++) {
		const struct late_row *l = &st->late[i];
		char from[20], to[20];

		fmt_clock(b, l->t, from);
		fmt_clock(b, l->t + l->seconds, to);
		if (b->d->lang == LANG_JA)
			doc_note(b->d, "データ品質：%u秒分のデータが遅れて1つの集計間隔として書かれました"
				 "（%s、%s～%s %s）。そのパケット数は期間内の各日に時間の割合で配分しています。",
				 (unsigned)l->seconds, sensor_display(st->sensors[l->sensor]), from, to,
				 b->zone);
		else
			doc_note(b->d, "Data quality: %u s of data written late as one interval "
				 "(%s, %s–%s %s); its packets are spread over the days it covers in "
				 "proportion to time.", (unsigned)l->seconds,
				 sensor_display(st->sensors[l->sensor]), from, to, b->zone);
	}
	if (st->nlate > SHOW_MAX)
		doc_note(b->d, TR(b, "… and %zu more intervals written late.",
				  "…ほか%zu個の遅れて書かれた集計間隔。"), st->nlate - SHOW_MAX);
}

void quality_notes(struct build *b)
{
	skipped_lines(b);
	cut_files(b);
	late_rows(b);
}
