// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A child in a network namespace of its own. Root (or a holder of
 * CAP_SYS_ADMIN) gets one directly; anyone else through a user namespace
 * made in the same call, where the kernel lets unprivileged users have
 * one (it maps the caller's own uid and gid to themselves, so files keep
 * their owner). The new namespace has only lo, and lo down: a connect()
 * to anywhere fails at once. Where neither is allowed (a container whose
 * seccomp policy refuses unshare()), the caller is told, and decides.
 *
 * fork() rather than posix_spawn(), which cannot unshare: between fork
 * and exec the child makes system calls only (the strings it writes are
 * made before the fork), and tells the parent through a close-on-exec
 * pipe how it was cut off and, if exec failed, why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/offline.h"

struct child_said {
	int what;	/* enum offline_how, or -1: exec failed */
	int err;
};

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s);
}

/* In the child: the namespace it could have, and why not when none. */
static struct child_said cut_off(const char *uid_map, const char *gid_map)
{
	if (!unshare(CLONE_NEWNET))
		return (struct child_said){ OFFLINE_NETNS, 0 };
	if (!unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		/* unmapped, the child would be nobody; its network is cut
		 * off all the same, so a map refused is no failure */
		write_file("/proc/self/uid_map", uid_map);
		write_file("/proc/self/setgroups", "deny");
		write_file("/proc/self/gid_map", gid_map);
		return (struct child_said){ OFFLINE_USERNS, 0 };
	}
	return (struct child_said){ OFFLINE_NONE, errno };
}

static void say(int fd, struct child_said s)
{
	while (write(fd, &s, sizeof(s)) < 0 && errno == EINTR)
		;
}

static __attribute__((noreturn)) void child(int fd, char *const argv[], const char *log,
					    const char *uid_map, const char *gid_map)
{
	struct child_said failed = { -1, 0 };
	int in, out;

	setpgid(0, 0);
	say(fd, cut_off(uid_map, gid_map));
	in = open("/dev/null", O_RDONLY);
	out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(out, STDERR_FILENO) < 0) {
		failed.err = errno;
		say(fd, failed);
		_exit(127);
	}
	execvp(argv[0], argv);
	failed.err = errno;
	say(fd, failed);
	_exit(127);
}

/* What the child said, or false at the end of the pipe. */
static bool heard(int fd, struct child_said *s)
{
	ssize_t n;

	while ((n = read(fd, s, sizeof(*s))) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*s);
}

int offline_spawn(char *const argv[], const char *log, struct offline_child *c)
{
	char uid_map[32], gid_map[32];
	struct child_said s;
	int fds[2], status;

	snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", (unsigned)getuid(), (unsigned)getuid());
	snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", (unsigned)getgid(), (unsigned)getgid());
	if (pipe2(fds, O_CLOEXEC))
		return errno;
	c->pid = fork();
	if (c->pid < 0) {
		int err = errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (!c->pid) {
		close(fds[0]);
		child(fds[1], argv, log, uid_map, gid_map);
	}
	close(fds[1]);
	setpgid(c->pid, c->pid);	/* as the child does: whichever comes first */
	if (!heard(fds[0], &s))
		s = (struct child_said){ -1, ECHILD };	/* died before a word */
	if (s.what >= 0) {
		c->how = (enum offline_how)s.what;
		c->why = s.err;
		if (!heard(fds[0], &s))	/* the end of the pipe: exec went well */
			s.what = 0;
	}
	close(fds[0]);
	if (s.what >= 0)
		return 0;
	waitpid(c->pid, &status, 0);
	return s.err;
}
