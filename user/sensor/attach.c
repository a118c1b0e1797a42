// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Attach, adopt and pin. The pins of an interface appear all at once:
 * a first attach creates maps and link under a temporary directory and
 * renames it into place, so a crash half-way never leaves a mix of old
 * and new maps for the next loader to adopt.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "telescope.skel.h"
#include "lib/log.h"
#include "sensor/attach.h"
#include "sensor/flows4.h"
#include "sensor/layout.h"
#include "sensor/mapsize.h"

#define TS_LOCK_DIR "/run/xdp-telescope"
/* New pins are made here, then renamed into TS_PIN_ROOT in one step. */
#define TS_STAGING_ROOT TS_PIN_ROOT "-staging"

/*
 * bpffs refuses names with a dot, which VLAN interfaces have (eth0.100):
 * store those dots as ':', a character interface names cannot contain.
 */
static void pin_name(const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ifname);
	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = ':';
}

static void pin_dir(const char *ifname, char *buf, size_t len)
{
	char name[IF_NAMESIZE];

	pin_name(ifname, name, sizeof(name));
	snprintf(buf, len, "%s/%s", TS_PIN_ROOT, name);
}

int ensure_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700")) {
		pr_err("cannot mount bpffs on /sys/fs/bpf: %s", strerror(errno));
		return -1;
	}
	pr_info("mounted bpffs on /sys/fs/bpf");
	return 0;
}

const char *attach_mode_name(__u32 mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV: return "native";
	case XDP_ATTACHED_SKB: return "skb";
	case XDP_ATTACHED_HW: return "offload";
	case XDP_ATTACHED_MULTI: return "multi";
	default: return "none";
	}
}

static void lock_path(const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, TS_LOCK_DIR "/%s.lock", ifname);
}

static int take_lock(const char *ifname)
{
	char path[300];
	int fd;

	mkdir(TS_LOCK_DIR, 0755);
	lock_path(ifname, path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		pr_err("cannot open lock file %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			pr_err("another xdp-telescope run is already running on %s",
			       ifname);
		else
			pr_err("cannot lock %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

bool sensor_locked(const char *ifname)
{
	char path[300];
	bool locked;
	int fd;

	lock_path(ifname, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	locked = flock(fd, LOCK_SH | LOCK_NB) != 0;
	close(fd);
	return locked;
}

static void init_fds(struct sensor *s)
{
	memset(s, 0, sizeof(*s));
	s->lock_fd = s->link_fd = -1;
	maps_init(&s->maps);
}

static int open_pinned(const char *dir, const char *name)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

int sensor_open_pins(struct sensor *s, const char *ifname, char *msg, size_t len)
{
	int err;

	init_fds(s);
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	pin_dir(ifname, s->pin_dir, sizeof(s->pin_dir));
	err = maps_open_pinned(&s->maps, s->pin_dir, ifname, msg, len);
	if (err)
		return err;
	s->link_fd = open_pinned(s->pin_dir, "link");
	if (s->link_fd >= 0) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(s->link_fd, &info, &len)) {
			s->prog_id = info.prog_id;
			s->ifindex = info.xdp.ifindex;
		}
	}
	if (s->ifindex) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);

		if (!bpf_xdp_query(s->ifindex, 0, &q))
			s->attach_mode = q.attach_mode;
	}
	return 0;
}

/*
 * A map pinned by an older layout or with another size cannot be reused;
 * say which and how to get out, instead of libbpf's generic mismatch.
 */
static int check_pinned_compat(const char *dir, const char *ifname,
			       const struct map_sizes *sz)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char msg[512];
	int fd, err;

	err = pins_check_layout(dir, ifname, msg, sizeof(msg));
	if (err == -ENOENT)
		return 0;
	if (err) {
		pr_err("%s", msg);
		return -1;
	}

	struct { const char *name; __u32 want; const char *flag; } sizes[] = {
		/* flows4_0 is made TS_FLOW4_SLOTS_PER_SOURCE times as large */
		{ "flows6_0", sz->max_sources, "--max-sources" },
		{ "bscat_0", sz->max_backscatter, "--max-backscatter" },
		{ "tagged_0", sz->max_tagged, "--max-tagged" },
		{ "labels", sz->max_labels, "--max-labels" },
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		fd = open_pinned(dir, sizes[i].name);
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
			if (fd >= 0)
				close(fd);
			pr_err("%s/%s is missing: the pins are incomplete; run "
			       "'xdp-telescope detach %s'", dir, sizes[i].name,
			       ifname);
			return -1;
		}
		close(fd);
		if (info.max_entries != sizes[i].want) {
			pr_err("%s is attached with %s %u, not %u; run "
			       "'xdp-telescope detach %s' to change it",
			       ifname, sizes[i].flag, info.max_entries,
			       sizes[i].want, ifname);
			return -1;
		}
	}
	return 0;
}

static int set_pin_paths(struct bpf_object *obj, const char *dir)
{
	struct bpf_map *map;
	char path[320];

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__set_pin_path(map, path))
			return -1;
	}
	return 0;
}

static int attach_link(struct sensor *s, int prog_fd, enum ts_mode mode)
{
	__u32 flags = mode == TS_MODE_SKB ? XDP_FLAGS_SKB_MODE
					  : XDP_FLAGS_DRV_MODE;
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	__u32 other = 0;
	int fd;

	if (!bpf_xdp_query_id(s->ifindex, 0, &other) && other) {
		pr_err("%s already has an XDP program (id %u) that is not "
		       "xdp-telescope's", s->ifname, other);
		return -1;
	}
	fd = bpf_link_create(prog_fd, s->ifindex, BPF_XDP, &opts);
	if (fd < 0 && mode == TS_MODE_AUTO) {
		pr_warn("%s: native XDP not available (%s); falling back to "
			"skb (generic) mode, which is slower and sees packets "
			"after GRO", s->ifname, strerror(errno));
		opts.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(prog_fd, s->ifindex, BPF_XDP, &opts);
	}
	if (fd < 0) {
		pr_err("cannot attach to %s in %s mode: %s", s->ifname,
		       opts.flags == XDP_FLAGS_SKB_MODE ? "skb" : "native",
		       strerror(errno));
		return -1;
	}
	return fd;
}

/* Swap the new program into a pinned link that still points at ifindex. */
static int adopt_link(struct sensor *s, int prog_fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	char path[320];
	int fd;

	snprintf(path, sizeof(path), "%s/link", s->pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -1;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.xdp.ifindex != (__u32)s->ifindex) {
		/* the interface went away and came back: the link is dead */
		pr_warn("%s: the pinned link no longer points at this "
			"interface; attaching anew (counts are kept)", s->ifname);
		close(fd);
		unlink(path);
		return -1;
	}
	if (bpf_link_update(fd, prog_fd, NULL)) {
		pr_err("cannot update the pinned link of %s: %s", s->ifname,
		       strerror(errno));
		close(fd);
		return -2;
	}
	return fd;
}

/* The staging root once no sensor stages in it (ENOTEMPTY while one
 * does), so an attach leaves only its own pins behind. */
static void staging_root_remove(void)
{
	rmdir(TS_STAGING_ROOT);
}

int pins_remove(const char *dir)
{
	struct dirent *de;
	char path[600];
	int err = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	snprintf(path, sizeof(path), "%s/link", dir);
	if (unlink(path) && errno != ENOENT)
		err = -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path))
			err = -1;
	}
	closedir(d);
	if (rmdir(dir))
		err = -1;
	return err;
}

/* The mode the interface runs the program in, and the program's id. */
static void query_attached(struct sensor *s, int prog_fd)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info pinfo = {};
	__u32 len = sizeof(pinfo);

	if (!bpf_xdp_query(s->ifindex, 0, &q))
		s->attach_mode = q.attach_mode;
	if (!bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len))
		s->prog_id = pinfo.id;
}

int sensor_open(struct sensor *s, const char *ifname,
		const struct sensor_opts *o)
{
	struct map_sizes sizes = o->sizes;
	char tmp_dir[300] = "", msg[512];
	struct load_watch watch;
	struct stat st;
	int prog_fd, err;

	map_sizes_default(&sizes);
	init_fds(s);
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	pin_dir(ifname, s->pin_dir, sizeof(s->pin_dir));

	s->ifindex = if_nametoindex(ifname);
	if (!s->ifindex) {
		pr_err("no interface named '%s'", ifname);
		return -1;
	}
	if (ensure_bpffs())
		return -1;
	s->lock_fd = take_lock(ifname);
	if (s->lock_fd < 0)
		return -1;

	s->adopted = stat(s->pin_dir, &st) == 0;
	if (s->adopted &&
	    check_pinned_compat(s->pin_dir, ifname, &sizes))
		goto fail;
	/* new maps: refuse sizes the machine cannot hold before taking any */
	if (!s->adopted && map_sizes_fit(&sizes, msg, sizeof(msg))) {
		pr_err("%s", msg);
		goto fail;
	}

	s->skel = telescope_bpf__open();
	if (!s->skel) {
		pr_err("cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	s->skel->rodata->pass_packets = o->pass;
	if (maps_set_sizes(s->skel->obj, &sizes)) {
		pr_err("cannot size the maps: %s", strerror(errno));
		goto fail;
	}

	if (!s->adopted) {
		char name[IF_NAMESIZE];

		pin_name(ifname, name, sizeof(name));
		mkdir(TS_PIN_ROOT, 0700);
		mkdir(TS_STAGING_ROOT, 0700);
		snprintf(tmp_dir, sizeof(tmp_dir), "%s/%s-%d", TS_STAGING_ROOT,
			 name, (int)getpid());
		pins_remove(tmp_dir);
		/* another attach may have removed the staging root meanwhile
		 * (staging_root_remove()): make it again, once */
		if (mkdir(tmp_dir, 0700) &&
		    (errno != ENOENT || mkdir(TS_STAGING_ROOT, 0700) || mkdir(tmp_dir, 0700))) {
			pr_err("cannot create %s: %s", tmp_dir, strerror(errno));
			goto fail;
		}
	}
	if (set_pin_paths(s->skel->obj, s->adopted ? s->pin_dir : tmp_dir)) {
		pr_err("cannot set pin paths: %s", strerror(errno));
		goto fail;
	}
	load_watch_begin(&watch);
	err = telescope_bpf__load(s->skel) ? errno : 0;
	load_watch_end();
	if (err) {
		load_failure_message(err, &watch, &sizes, msg, sizeof(msg));
		pr_err("%s", msg);
		goto fail;
	}
	maps_from_object(&s->maps, s->skel->obj);
	prog_fd = bpf_program__fd(s->skel->progs.xdp_telescope);
	/* new maps: room for their flows before the first packet */
	if (!s->adopted && (room_reset(&s->maps, 0) || room_reset(&s->maps, 1) ||
			    flows4_warm(s->maps.gen[0][GM_FLOWS4]) ||
			    flows4_warm(s->maps.gen[1][GM_FLOWS4])))
		goto fail;

	if (s->adopted) {
		s->link_fd = adopt_link(s, prog_fd);
		if (s->link_fd == -2)
			goto fail;
	}
	if (s->link_fd < 0) {
		char path[320];

		s->link_fd = attach_link(s, prog_fd, o->mode);
		if (s->link_fd < 0)
			goto fail;
		snprintf(path, sizeof(path), "%s/link",
			 s->adopted ? s->pin_dir : tmp_dir);
		if (bpf_obj_pin(s->link_fd, path)) {
			pr_err("cannot pin the link at %s: %s", path,
			       strerror(errno));
			goto fail;
		}
	}

	if (!s->adopted) {
		struct ts_ctl ctl = { .layout = TELESCOPE_LAYOUT };

		ctl.attached_at = (__u64)time(NULL);
		if (ctl_write(&s->maps, &ctl))
			goto fail;
		/* a detach of the last other interface may have removed the
		 * root meanwhile (detach.c): make it again, once */
		if (rename(tmp_dir, s->pin_dir) &&
		    (errno != ENOENT || mkdir(TS_PIN_ROOT, 0700) || rename(tmp_dir, s->pin_dir))) {
			pr_err("cannot rename %s to %s: %s", tmp_dir, s->pin_dir,
			       strerror(errno));
			goto fail;
		}
		tmp_dir[0] = '\0';
		staging_root_remove();
	}

	query_attached(s, prog_fd);
	if (o->mode == TS_MODE_NATIVE && s->attach_mode != XDP_ATTACHED_DRV)
		pr_warn("%s stays attached in %s mode; detach to change it",
			ifname, attach_mode_name(s->attach_mode));
	if (o->mode == TS_MODE_SKB && s->attach_mode != XDP_ATTACHED_SKB)
		pr_warn("%s stays attached in %s mode; detach to change it",
			ifname, attach_mode_name(s->attach_mode));
	return 0;

fail:
	if (tmp_dir[0]) {
		if (s->link_fd >= 0)
			close(s->link_fd);
		s->link_fd = -1;
		pins_remove(tmp_dir);
		staging_root_remove();
	}
	sensor_close(s);
	return -1;
}

bool sensor_counting(const struct sensor *s)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	/* a failed query proves nothing: only a cleared ifindex does */
	if (s->link_fd < 0 || bpf_obj_get_info_by_fd(s->link_fd, &info, &len))
		return true;
	return info.xdp.ifindex == (__u32)s->ifindex;
}

int sensor_reattach(struct sensor *s, enum ts_mode mode)
{
	int prog_fd = bpf_program__fd(s->skel->progs.xdp_telescope);
	char path[320];
	int fd;

	s->ifindex = (int)if_nametoindex(s->ifname);
	if (!s->ifindex) {
		pr_err("no interface named '%s'", s->ifname);
		return -1;
	}
	fd = attach_link(s, prog_fd, mode);
	if (fd < 0)
		return -1;
	/* the pin of the dead link gives way to the new one */
	snprintf(path, sizeof(path), "%s/link", s->pin_dir);
	if ((unlink(path) && errno != ENOENT) || bpf_obj_pin(fd, path)) {
		pr_err("cannot pin the link at %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (s->link_fd >= 0)
		close(s->link_fd);
	s->link_fd = fd;
	query_attached(s, prog_fd);
	return 0;
}

void sensor_close(struct sensor *s)
{
	if (s->skel) {
		telescope_bpf__destroy(s->skel); /* closes map fds; pins stay */
		s->skel = NULL;
		maps_init(&s->maps);
	} else {
		maps_close(&s->maps); /* fds from sensor_open_pins() */
	}
	if (s->link_fd >= 0)
		close(s->link_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->link_fd = s->lock_fd = -1;
}
