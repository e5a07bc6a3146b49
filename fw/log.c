/*
 * log.c: formatting into a stack buffer and one write(2) per line, so a
 * line is never torn between the loop and a crashing path, and stdio never
 * gets to allocate its buffers after init.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"

static enum log_level min_level = LOG_INFO;
static char recent[LOG_RECENT_MAX][LOG_LINE_MAX];
static unsigned long recent_count;

static const char *const level_tag[] = {
	[LOG_DEBUG] = "debug",
	[LOG_INFO] = "info",
	[LOG_WARN] = "warning",
	[LOG_ERR] = "error",
};

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX + 32];
	struct timespec ts;
	va_list ap;
	int head, body;

	guard_rt_forbid("log_msg");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	head = snprintf(line, sizeof line, "[%5ld.%03ld] slipmat %s: ", (long)ts.tv_sec,
			ts.tv_nsec / 1000000, level_tag[level]);
	va_start(ap, fmt);
	body = vsnprintf(line + head, sizeof line - (size_t)head - 1, fmt, ap);
	va_end(ap);
	if (body < 0)
		body = 0;
	if ((size_t)(head + body) > sizeof line - 2)
		body = (int)sizeof line - 2 - head;

	if (level >= LOG_WARN) {
		char *slot = recent[recent_count % LOG_RECENT_MAX];
		snprintf(slot, LOG_LINE_MAX, "%s", line + head);
		recent_count++;
	}
	if (level < min_level)
		return;
	line[head + body] = '\n';
	/* Best effort: a console that went away must not stop the box. */
	if (write(STDERR_FILENO, line, (size_t)(head + body + 1)) < 0)
		return;
}

int log_recent(char lines[][LOG_LINE_MAX], int max)
{
	unsigned long first, i;
	int n = 0;

	if (max <= 0)
		return 0;
	first = recent_count > (unsigned long)max ? recent_count - (unsigned long)max : 0;
	if (recent_count - first > LOG_RECENT_MAX)
		first = recent_count - LOG_RECENT_MAX;
	for (i = first; i < recent_count; i++)
		memcpy(lines[n++], recent[i % LOG_RECENT_MAX], LOG_LINE_MAX);
	return n;
}

unsigned long log_serial(void)
{
	return recent_count;
}
