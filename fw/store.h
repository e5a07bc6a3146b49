/*
 * store: a DJ's preparation of each track (cue point, hot cues, loops,
 * beat grid, tempo, key, loudness, waveform summary), kept on the
 * track's own device so that a stick carries it from box to box.
 *
 * Where: ROOT/.slipmat/HHHHHHHHHHHHHHHH.trk, ROOT being the device's (or
 * library path's) root and H the 64-bit FNV-1a hash of the track's path
 * relative to ROOT. The record holds that path too: a file that belongs
 * to another track (a collision, a copied folder) is not used.
 *
 * Saves are crash-safe: the record goes to a .tmp beside it, is fsynced,
 * renamed over the old file and the folder is fsynced. A reader sees the
 * old record or the new one, never a mix; a leftover .tmp is never read.
 *
 * File layout, little-endian:
 *   "SLMTRACK"  8 bytes magic
 *   u32         version (2; version 1 is read too)
 *   u32         payload length
 *   payload     the fields below, in order
 *   u32         CRC-32 (IEEE) of everything before it
 * payload: u16 path length, path bytes; u64 track size; f64 cue;
 *   u32 hot cue mask, 8 x f64 hot cues; u32 loop mask, 8 x (f64 in, f64
 *   out); grid: f64 bpm, f64 first beat, u32 beats per bar, u32 valid;
 *   f32 bpm; 8 bytes key; f32 loudness; f64 duration; u32 rating;
 *   u32 colour; u32 analysis version (from version 2 on; 0 when read
 *   from version 1); f32 waveform points a second; u32 waveform length,
 *   its bytes.
 *
 * Positions are in seconds of the track (not frames: the next box may
 * run at another rate). Nothing allocates; buffers are on the stack.
 */
#ifndef SLIPMAT_STORE_H
#define SLIPMAT_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_DIR ".slipmat"
#define STORE_PATH_MAX 256
#define STORE_HOTCUES 8 /* fw/deck.h's DECK_HOTCUES */
#define STORE_LOOPS 8
#define STORE_WAVE_MAX 8192
#define STORE_VERSION 2
/* The fixed fields take 306 bytes with the header and checksum. */
#define STORE_FILE_MAX (512 + STORE_PATH_MAX + STORE_WAVE_MAX)
#define STORE_WHY_MAX 160

struct store_loop {
	double in, out; /* seconds */
};

struct store_record {
	char path[STORE_PATH_MAX]; /* relative to the device's root */
	uint64_t track_size;	   /* bytes of the file when saved */
	double cue;		   /* seconds */
	uint32_t hotcues;	   /* bit i: hotcue[i] is set */
	double hotcue[STORE_HOTCUES];
	uint32_t loops; /* bit i: loop[i] is set */
	struct store_loop loop[STORE_LOOPS];
	struct {
		double bpm;
		double first_beat; /* seconds */
		uint32_t beats_per_bar;
		uint32_t valid;
	} grid;
	float bpm;
	char key[8];
	float loudness;	     /* LUFS; 0 = not measured */
	double duration;     /* seconds of the track when analysed */
	uint32_t rating;     /* 0..5 stars */
	uint32_t colour;     /* 0xRRGGBB a DJ tagged the track with; 0 = none */
	uint32_t analysis;   /* ANALYSIS_VERSION of grid, bpm, key, loudness; 0 = unknown */
	float wave_rate;     /* waveform summary points a second of track */
	uint32_t wave_len;
	uint8_t wave[STORE_WAVE_MAX]; /* the waveform summary, opaque here */
};

/*
 * Serialise r into buf. Return: the file's length, or -EINVAL for a
 * record that cannot be stored (path too long, waveform too long,
 * a position that is not a finite number, a rating over 5, a colour
 * beyond 0xffffff).
 */
int store_encode(const struct store_record *r, uint8_t *buf, size_t size);

/*
 * Parse a file's bytes. Anything that is not a whole, intact record of
 * a version we know is refused, and why names what was wrong.
 * Return: 0; -EBADMSG (why filled).
 */
int store_decode(const uint8_t *buf, size_t len, struct store_record *r, char *why,
		 size_t whylen);

/* The file name of a track's record: 16 hex digits and ".trk". */
void store_file_name(const char *path, char out[24]);

/* The CRC-32 (IEEE) a record ends with, of n bytes at p. */
uint32_t store_crc32(const uint8_t *p, size_t n);

/*
 * Save r under root (the device must be writable). Return: 0, or -errno
 * with what failed logged (file and step).
 */
int store_save(const char *root, const struct store_record *r);

/*
 * Load the record of path (relative to root). Return: 0; -ENOENT when
 * the track has none; -EBADMSG for a damaged or foreign file, which is
 * ignored (logged with the file and why; why filled when not NULL);
 * other -errno for I/O errors.
 */
int store_load(const char *root, const char *path, struct store_record *r, char *why,
	       size_t whylen);

#endif
