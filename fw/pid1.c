#include "pid1.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

struct mountpoint {
	const char *source, *target, *type;
	unsigned long flags;
	const char *data;
	const char *probe; /* present once mounted */
};

static const struct mountpoint mounts[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "/proc/self" },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, "/sys/kernel" },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", "/dev/null" },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m", NULL },
	{ "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m", NULL },
};

int pid1_is_init(void)
{
	return getpid() == 1;
}

/* Return: nonzero if path is a mount point (its device differs from its parent's). */
static int is_mounted(const struct mountpoint *m)
{
	struct stat a, b;
	char parent[64];

	if (m->probe && access(m->probe, F_OK) == 0)
		return 1;
	snprintf(parent, sizeof parent, "%s/..", m->target);
	if (stat(m->target, &a) < 0 || stat(parent, &b) < 0)
		return 0;
	return a.st_dev != b.st_dev;
}

int pid1_setup(void)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof mounts / sizeof mounts[0]; i++) {
		const struct mountpoint *m = &mounts[i];

		if (is_mounted(m))
			continue;
		mkdir(m->target, 0755);
		if (mount(m->source, m->target, m->type, m->flags, m->data) < 0 && errno != EBUSY) {
			log_error("init: cannot mount %s on %s: %s", m->type, m->target,
				  strerror(errno));
			failed++;
		}
	}
	/* The kernel gives init the console as stdio only if /dev/console
	 * existed in the initramfs; make sure log lines have somewhere to go. */
	if (fcntl(STDERR_FILENO, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
	}
	return failed;
}

int pid1_reap(void)
{
	int n = 0, status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		n++;
		if (WIFSIGNALED(status))
			log_info("child %d ended by signal %d", (int)pid, WTERMSIG(status));
	}
	return n;
}

void pid1_kmsg(const char *line)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, line, strlen(line)) < 0)
		log_warn("/dev/kmsg: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

void pid1_idle(void)
{
	for (;;) {
		int status;
		if (waitpid(-1, &status, 0) < 0)
			pause();
	}
}
