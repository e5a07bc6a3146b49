/*
 * png: a small PNG writer for screenshots of the sim screens (and of the
 * real ones through the status command): 8-bit RGB, filter 0 on every row,
 * zlib stored (uncompressed) blocks. CRC-32 and Adler-32 are computed
 * here; there is no libpng or zlib. Rows are streamed through one static
 * 64 KiB block buffer, so writing allocates nothing.
 *
 * Pre: loop thread only (the block buffer is shared).
 */
#ifndef SLIPMAT_PNG_H
#define SLIPMAT_PNG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write the XRGB8888 image px (w x h, stride pixels a row) as a PNG file
 * at path, replacing it.
 * Return: 0, or -errno (logged with path); -EINVAL for an empty image.
 */
int png_write_xrgb(const char *path, const uint32_t *px, int w, int h, int stride);

/* The same into an open fd; name is what the log calls it. */
int png_write_xrgb_fd(int fd, const char *name, const uint32_t *px, int w, int h, int stride);

/* CRC-32 as PNG chunks use it; start with crc 0, feed more with the last result. */
uint32_t png_crc32(uint32_t crc, const void *buf, size_t len);

/* Adler-32 as zlib streams end with it; start with 1. */
uint32_t png_adler32(uint32_t adler, const void *buf, size_t len);

#endif
