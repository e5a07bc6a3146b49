/*
 * tags: a track's title, artist, album, comment, key and BPM, for the
 * library: ID3v2.2/2.3/2.4 (with ID3v1 filling what ID3v2 left empty),
 * FLAC's Vorbis comments, RIFF INFO in WAV, NAME/AUTH/ANNO (and an ID3
 * chunk) in AIFF. Text comes out as UTF-8 (Latin-1 and UTF-16 are
 * converted; invalid bytes become '?'), truncated on a character
 * boundary. Reading takes one bounded buffer of static storage: the first
 * TAGS_SCAN bytes of the file and its last 128, so a huge embedded
 * picture cannot make a scan slow; a tag cut there keeps what came before.
 */
#ifndef SLIPMAT_TAGS_H
#define SLIPMAT_TAGS_H

#define TAG_TEXT 128
struct tags {
	char title[TAG_TEXT];   /* UTF-8, NUL-terminated, truncated on a character boundary */
	char artist[TAG_TEXT];
	char album[TAG_TEXT];
	char comment[TAG_TEXT];
	char key[8];            /* as tagged, e.g. "Am" or "8A"; "" if none */
	float bpm;              /* 0 if none */
};
/* Read the tags of the track file open on fd (WAV RIFF INFO, AIFF NAME/AUTH,
 * FLAC Vorbis comments, MP3 ID3v2.3/2.4 [+ID3v1]); name is the file name,
 * used for the title when the file has none. No allocation.
 * Return: 0, or -errno / -EINVAL for a file that is not a track we read. */
int tags_read(int fd, const char *name, struct tags *out);

#endif
