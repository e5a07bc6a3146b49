/*
 * convert: the engine's float samples to the interface's integer format.
 * Float inside, clamped to [-1, 1) on the way out.
 */
#ifndef SLIPMAT_CONVERT_H
#define SLIPMAT_CONVERT_H

#include <stddef.h>
#include <stdint.h>

enum sample_format { FMT_S16_LE, FMT_S24_3LE, FMT_S32_LE };

/* Bytes per sample of each format. */
int convert_sample_bytes(enum sample_format f);

#endif
