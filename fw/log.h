/*
 * log: one line per event, to stderr (the serial console when slipmat is
 * PID 1) and into a small ring of recent warnings and errors that the
 * screens show. Storage is static; nothing allocates.
 *
 * Pre: never called from the audio thread (the guard aborts if it is).
 */
#ifndef SLIPMAT_LOG_H
#define SLIPMAT_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERR };

#define LOG_LINE_MAX 160
#define LOG_RECENT_MAX 8

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)

/* Lines at or above this level are printed; the default is LOG_INFO. */
void log_set_level(enum log_level level);

/*
 * Copy up to max of the most recent warnings and errors, oldest first.
 * Return: how many lines were copied.
 */
int log_recent(char lines[][LOG_LINE_MAX], int max);

/* Return: a counter that grows by one with every warning or error. */
unsigned long log_serial(void);

#endif
