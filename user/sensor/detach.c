// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xdp-telescope detach IFACE`: remove the pins. The link pin holds the
 * attachment, so removing it (with no loader holding the link) detaches.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "sensor/sensor.h"
#include "lib/log.h"
#include "lib/options.h"
#include "sensor/attach.h"

static const struct opt detach_opts[] = { OPT_END };

static const struct opt_cmd detach_cmd = {
	.prog = "xdp-telescope", .name = "detach", .args = "IFACE", .min_args = 1,
	.max_args = 1,
	.about = "Detach xdp-telescope from IFACE and remove its pins (and the counts "
		 "not yet written: stop 'run' first, it writes them on SIGTERM).",
	.opts = detach_opts,
};

int cmd_detach(int argc, char **argv)
{
	struct ts_totals pending = { 0 }, t;
	const char *ifname;
	struct ts_ctl ctl;
	struct sensor s;
	int ifindex, err, argi;
	char msg[512];
	__u32 id = 0;

	err = opt_parse(&detach_cmd, argc, argv, NULL, &argi);
	if (err != OPT_GO)
		return err;
	ifname = argv[argi];
	ts_quiet_libbpf();
	if (ensure_bpffs())
		return 1;
	if (sensor_locked(ifname)) {
		pr_err("xdp-telescope run is still running on %s: stop it first "
		       "(SIGTERM writes its last interval)", ifname);
		return 1;
	}
	err = sensor_open_pins(&s, ifname, msg, sizeof(msg));
	if (err == -ENOENT) {
		sensor_close(&s);
		pr_err("nothing of xdp-telescope's is attached to %s", ifname);
		return 1;
	}
	/*
	 * Pins this version cannot read are removed all the same (that is
	 * the way out of them), but their counts are not read: their values
	 * do not have this version's sizes.
	 */
	if (err)
		pr_warn("the pins under %s %s: removing them without reading the "
			"counts they hold, which this version cannot interpret",
			s.pin_dir, err == -EPROTO
			? "come from another version of xdp-telescope"
			: "are incomplete");
	else if (!ctl_read(&s.maps, &ctl)) {
		for (int g = 0; g < 2; g++)
			if (!(ctl.drain_phase == TS_DRAIN_WRITTEN &&
			      (int)ctl.drain_gen == g) &&
			    !totals_read(s.maps.gen[g][GM_TOTALS], &t))
				totals_add(&pending, &t);
	}
	sensor_close(&s);
	if (pending.packets + pending.malformed + pending.non_ip)
		pr_warn("discarding %llu packets counted since the last drain",
			(unsigned long long)(pending.packets + pending.malformed +
					     pending.non_ip));
	if (pins_remove(s.pin_dir)) {
		pr_err("cannot remove all pins under %s: %s", s.pin_dir,
		       strerror(errno));
		return 1;
	}
	/* the root too, once no interface's pins are left in it (ENOTEMPTY
	 * otherwise; an attach meanwhile makes it again: attach.c) */
	rmdir(TS_PIN_ROOT);
	/* the kernel releases the link asynchronously: give it a moment */
	ifindex = (int)if_nametoindex(ifname);
	for (int i = 0; ifindex && i < 50; i++) {
		if (bpf_xdp_query_id(ifindex, 0, &id) || !id)
			break;
		usleep(20000);
	}
	if (id)
		pr_warn("%s still has XDP program %u attached (someone else "
			"holds its link?)", ifname, id);
	pr_info("detached from %s", ifname);
	return 0;
}
