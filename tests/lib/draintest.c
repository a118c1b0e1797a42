// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What the tests of the drain protocol share (draintest.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "telescope.skel.h"
#include "common/calendar.h"
#include "bpftest.h"
#include "draintest.h"

struct ts_ctl ctl_get(struct fixture *f)
{
	struct ts_ctl ctl;

	assert_int_equal(ctl_read(&f->maps, &ctl), 0);
	return ctl;
}

void ctl_put(struct fixture *f, const struct ts_ctl *ctl)
{
	assert_int_equal(ctl_write(&f->maps, ctl), 0);
}

static int remove_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int draintest_setup(void **state)
{
	/* room for every flow of the tests, quick to create */
	static const struct bpftest_opts o = { .sizes = { .max_sources = 4096,
							  .max_backscatter = 1024,
							  .max_tagged = 1024 } };
	struct fixture *f = calloc(1, sizeof(*f));
	struct ts_ctl ctl;

	assert_non_null(f);
	f->skel = bpftest_load(&o);
	maps_from_object(&f->maps, f->skel->obj);
	tag_names_init(&f->names);
	f->t0 = (__u64)parse_time(T0);
	ctl = ctl_get(f);
	ctl.layout = TELESCOPE_LAYOUT;
	ctl.since[ctl.gen & 1] = f->t0;
	ctl_put(f, &ctl);

	snprintf(f->dir, sizeof(f->dir), "/tmp/ts-test-drain-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (output_init(&f->out, f->dir, "test0", false)) {
		remove_dir(f->dir);
		return -1;
	}
	f->d = (struct drain){ .maps = &f->maps, .out = &f->out, .geo = NULL,
			       .names = &f->names, .sensor = SENSOR };
	*state = f;
	return 0;
}

int draintest_teardown(void **state)
{
	struct fixture *f = *state;
	int err = remove_dir(f->dir);

	telescope_bpf__destroy(f->skel);
	free(f);
	return err;
}

void frame_make(struct frame *fr, const char *src, __u8 proto,
		__u16 port, bool mirai)
{
	struct pb_packet p;

	pb_init(&p);
	pb_addrs(&p, src, strchr(src, ':') ? US6 : US4);
	p.proto = proto;
	p.dport = port;
	p.window = 29200;
	p.df = 1;
	if (proto == PB_UDP)
		pb_payload(&p, "probe", 5);
	if (mirai)
		p.seq = pb_dst_as_seq(&p);
	fr->len = pb_build(&p, fr->buf, sizeof(fr->buf), NULL);
	fr->proto = proto;
	fr->port = port;
}
