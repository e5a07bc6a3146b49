/*
 * thermal: see thermal.h.
 */
#include "thermal.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read a small sysfs file at dir/name into buf. Return: bytes, or -1. */
static int read_small(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return (int)n;
}

int thermal_open(struct thermal *t, const char *root)
{
	DIR *d = opendir(root);
	struct dirent *e;

	memset(t, 0, sizeof *t);
	if (!d)
		return 0;
	while ((e = readdir(d)) && t->count < THERMAL_MAX_ZONES) {
		int zone, fd;

		if (strncmp(e->d_name, "thermal_zone", 12) != 0)
			continue;
		zone = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (zone < 0)
			continue;
		fd = openat(zone, "temp", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (read_small(zone, "type", t->type[t->count], sizeof t->type[0]) < 0)
				snprintf(t->type[t->count], sizeof t->type[0], "%.23s", e->d_name);
			t->fd[t->count++] = fd;
		}
		close(zone);
	}
	closedir(d);
	return t->count;
}

float thermal_read(const struct thermal *t)
{
	float hottest = NAN;

	for (int i = 0; i < t->count; i++) {
		char buf[24];
		ssize_t n = pread(t->fd[i], buf, sizeof buf - 1, 0);
		char *end;
		long milli;

		if (n <= 0)
			continue;
		buf[n] = 0;
		milli = strtol(buf, &end, 10);
		if (end == buf)
			continue;
		if (isnan(hottest) || milli / 1000.0f > hottest)
			hottest = milli / 1000.0f;
	}
	return hottest;
}

void thermal_close(struct thermal *t)
{
	for (int i = 0; i < t->count; i++)
		close(t->fd[i]);
	t->count = 0;
}
