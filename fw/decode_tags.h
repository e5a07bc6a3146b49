/*
 * decode_tags: the tag block parsers behind tags_read(), on bytes in
 * memory, for tests and fuzz targets. Each fills only the fields of t
 * that are still empty, so a file's first tag wins.
 */
#ifndef SLIPMAT_DECODE_TAGS_H
#define SLIPMAT_DECODE_TAGS_H

#include <stddef.h>

struct tags;

/* An ID3v2 tag (header included). Return: bytes of the tag, or 0 if p is none. */
size_t tags_id3v2(const unsigned char *p, size_t n, struct tags *t);
/* A 128-byte ID3v1 tag. */
void tags_id3v1(const unsigned char *p, size_t n, struct tags *t);
/* A FLAC VORBIS_COMMENT block's body. */
void tags_vorbis(const unsigned char *p, size_t n, struct tags *t);
/* A RIFF LIST chunk's body ("INFO" then sub-chunks). */
void tags_riff_info(const unsigned char *p, size_t n, struct tags *t);

#endif
