/*
 * tags: what a track file says about itself (title, artist, album,
 * comment, key, tempo), read from its tags; a missing title falls back
 * to the file name.
 */
#ifndef SLIPMAT_TAGS_H
#define SLIPMAT_TAGS_H

#define TAG_TEXT 128

struct tags {
	char title[TAG_TEXT];
	char artist[TAG_TEXT];
	char album[TAG_TEXT];
	char comment[TAG_TEXT];
	char key[8];
	float bpm;
};

/*
 * Read the tags of the open track fd, called name (its file name, which
 * also says its format by extension). UTF-8 strings, empty when absent.
 * Return: 0, or -errno / -EINVAL for a file that is not a track.
 */
int tags_read(int fd, const char *name, struct tags *out);

#endif
