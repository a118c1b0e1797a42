// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * refuse-live COMMAND [ARG...]
 * Run COMMAND as on a kernel that refuses BPF_F_TEST_XDP_LIVE_FRAMES, as
 * some kernels and security modules do: in COMMAND and everything it
 * starts, bpf(BPF_PROG_TEST_RUN) with that flag fails with EPERM, for
 * every program, while every other bpf() call, an ordinary test run
 * included, goes on. Nothing outside COMMAND's processes is touched.
 *
 * How: COMMAND runs under a seccomp filter that hands each
 * BPF_PROG_TEST_RUN to this process (SECCOMP_RET_USER_NOTIF), which reads
 * the call's flags from the caller's memory and answers EPERM for live
 * frames, else lets the kernel carry the call out as made
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE). Before COMMAND starts, the child
 * checks that a bare XDP_DROP is refused (tests/lib/kfeature.h) and says
 * so on stderr.
 *
 * Where live frames are refused already (such a kernel, or an outer
 * refuse-live), it says so and runs COMMAND as it is. Exits with
 * COMMAND's status; 77 with one line when this kernel has no seccomp user
 * notification (5.5); 1 on other errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "kfeature.h"

#define CANNOT 77

/* bpf(BPF_PROG_TEST_RUN, ...) to the supervisor, everything else allowed. */
static int install_filter(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BPF_PROG_TEST_RUN, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	int fd;

	fd = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0 && errno == EACCES) { /* not root: the kernel wants no_new_privs */
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		fd = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
				  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	}
	return fd;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The child: the filter, its listener to the parent, the check, COMMAND. */
static void child(int sock, char **argv)
{
	char why[256];
	int listener = install_filter();

	if (listener < 0) {
		fprintf(stderr, "refuse-live: no seccomp user notification here: %s\n",
			strerror(errno));
		_exit(CANNOT);
	}
	if (send_fd(sock, listener)) {
		fprintf(stderr, "refuse-live: cannot hand over the listener: %s\n", strerror(errno));
		_exit(1);
	}
	close(listener);
	close(sock);
	if (kfeature_probe(KF_LIVE_FRAMES, why, sizeof(why))) {
		fprintf(stderr, "refuse-live: live frames still run under the filter\n");
		_exit(1);
	}
	fprintf(stderr, "refuse-live: %s\n", why);
	execvp(argv[0], argv);
	fprintf(stderr, "refuse-live: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The flags of the caller's union bpf_attr; -1 when it cannot be read. */
static long long test_flags(const struct seccomp_notif *n)
{
	__u32 flags;
	struct iovec local = { .iov_base = &flags, .iov_len = sizeof(flags) };
	struct iovec remote = {
		.iov_base = (void *)(uintptr_t)(n->data.args[1] +
						offsetof(union bpf_attr, test.flags)),
		.iov_len = sizeof(flags),
	};

	if (n->data.args[2] < offsetof(union bpf_attr, test.flags) + sizeof(flags))
		return 0; /* a short attr has no flags: the kernel reads them as 0 */
	if (process_vm_readv((pid_t)n->pid, &local, 1, &remote, 1, 0) != sizeof(flags))
		return -1;
	return flags;
}

/* Answer every test run until the last of COMMAND's processes is gone. */
static void supervise(int listener)
{
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (syscall(__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes))
		return;
	req = calloc(1, sizes.seccomp_notif);
	resp = calloc(1, sizes.seccomp_notif_resp);
	for (;;) {
		struct pollfd p = { .fd = listener, .events = POLLIN };
		long long flags;

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		if (p.revents & (POLLHUP | POLLERR))
			break;
		memset(req, 0, sizes.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req))
			continue; /* the caller went away meanwhile */
		flags = test_flags(req);
		memset(resp, 0, sizes.seccomp_notif_resp);
		resp->id = req->id;
		if (flags < 0 || (flags & BPF_F_TEST_XDP_LIVE_FRAMES))
			resp->error = flags < 0 ? -EFAULT : -EPERM;
		else
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
	free(req);
	free(resp);
}

int main(int argc, char **argv)
{
	char why[256];
	int sv[2], listener, status;
	pid_t pid;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: refuse-live COMMAND [ARG...]\n");
		return 2;
	}
	/* refused already (such a kernel, or an outer refuse-live: a filter
	 * tree takes one listener): nothing to add */
	if (!kfeature_probe(KF_LIVE_FRAMES, why, sizeof(why))) {
		fprintf(stderr, "refuse-live: %s\n", why);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "refuse-live: %s: %s\n", argv[1], strerror(errno));
		return 127;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		perror("refuse-live: socketpair");
		return 1;
	}
	signal(SIGINT, SIG_IGN); /* the command gets them and ends; so do we */
	signal(SIGTERM, SIG_IGN);
	pid = fork();
	if (pid < 0) {
		perror("refuse-live: fork");
		return 1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		close(sv[0]);
		child(sv[1], argv + 1);
	}
	close(sv[1]);
	listener = recv_fd(sv[0]);
	close(sv[0]);
	if (listener >= 0) {
		supervise(listener);
		close(listener);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
