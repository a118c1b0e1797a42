// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The fan-out engine's own veth pair, by rtnetlink (seedlink.h). */
#include "seedlink.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

struct request {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[512];
};

static struct rtattr *tail(struct request *r)
{
	return (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
}

/* Append an attribute (the request's buffer is sized for what this file
 * puts in it). */
static struct rtattr *put(struct request *r, unsigned short type, const void *data,
			  size_t len)
{
	struct rtattr *a = tail(r);

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void put_u32(struct request *r, unsigned short type, unsigned v)
{
	put(r, type, &v, sizeof(v));
}

/* Close a nest opened by put(r, type, NULL, 0). */
static void end(struct request *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)tail(r) - (char *)nest);
}

/* Send the request and read its acknowledgement: 0, or -1 with errno. */
static int talk(struct request *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[4096];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int err = EPROTO;
	ssize_t n;

	if (fd < 0)
		return -1;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		err = errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		err = errno;
		goto out;
	}
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n);
	     h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
			break;
		}
	}
out:
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

static void request_init(struct request *r, unsigned short type, unsigned short flags)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
	r->ifi.ifi_family = AF_UNSPEC;
}

static int set_up(const char *name)
{
	struct request r;

	request_init(&r, RTM_NEWLINK, 0);
	r.ifi.ifi_index = (int)if_nametoindex(name);
	if (!r.ifi.ifi_index)
		return -1;
	r.ifi.ifi_flags = IFF_UP;
	r.ifi.ifi_change = IFF_UP;
	return talk(&r);
}

/* IPv6 off on one end, where the kernel has IPv6: without it, router
 * solicitations of the pair's own would cross it. */
static int ipv6_off(const char *name)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ok = write(fd, "1", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

int seedlink_add(const char *name, const char *peer, unsigned queues)
{
	struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *info, *data, *p;
	struct request r;

	request_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	put_u32(&r, IFLA_NUM_TX_QUEUES, queues);
	put_u32(&r, IFLA_NUM_RX_QUEUES, queues);
	info = put(&r, IFLA_LINKINFO, NULL, 0);
	put(&r, IFLA_INFO_KIND, "veth", 4);
	data = put(&r, IFLA_INFO_DATA, NULL, 0);
	p = put(&r, VETH_INFO_PEER, &peer_ifi, sizeof(peer_ifi));
	put(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
	put_u32(&r, IFLA_NUM_TX_QUEUES, queues);
	put_u32(&r, IFLA_NUM_RX_QUEUES, queues);
	end(&r, p);
	end(&r, data);
	end(&r, info);
	if (talk(&r))
		return -1;
	if (ipv6_off(name) || ipv6_off(peer) || set_up(name) || set_up(peer)) {
		int err = errno;

		seedlink_del(name);
		errno = err;
		return -1;
	}
	return 0;
}

int seedlink_del(const char *name)
{
	struct request r;

	request_init(&r, RTM_DELLINK, 0);
	put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	return talk(&r);
}
