/*
 * board: the board profile, a plain-text file a technician picks per box
 * (format in boards/README.md). Parsing never allocates: the file is read
 * into a caller's buffer and every value lands in fixed fields.
 */
#ifndef SLIPMAT_BOARD_H
#define SLIPMAT_BOARD_H

#include <stddef.h>

#include "../dsp/convert.h"

#define BOARD_MAX_DISPLAYS 2
#define BOARD_MAX_TOUCH 4
#define BOARD_MAX_LIBRARY 4
#define BOARD_MAX_ERRORS 16
#define BOARD_ERROR_MAX 224
#define BOARD_FILE_MAX 65536
#define BOARD_DEFAULT_PATH "/etc/slipmat/board"

enum touch_match { TOUCH_MATCH_ANY, TOUCH_MATCH_NAME, TOUCH_MATCH_PHYS };

/* Speaker layout of the interface (see issue: master 1-2, cue 3-4). */
enum audio_outputs {
	OUTPUTS_MASTER_CUE, /* four or more outputs: master on 1-2, cue on 3-4, the rest silent */
	OUTPUTS_SPLIT_CUE,  /* two outputs: mono master left, mono cue right */
};

struct board_display {
	char connector[32]; /* DRM connector name, e.g. HDMI-A-1 */
	int width, height;  /* scanout mode; 0 x 0 = the connector's preferred */
	int refresh;	    /* Hz; 0 = any */
	int rotation;	    /* degrees clockwise the panel is mounted: 0/90/180/270 */
	int width_mm;	    /* the panel's active area across its mode's width; 0 = unknown */
	int pixels;	    /* scanout format: 0 XRGB8888, 1 RGB565 (gfx/gfx.h's enum gfx_format) */
};

struct board_touch {
	enum touch_match match;
	char pattern[96];	/* device name or phys, exact */
	int display;		/* index into displays */
	int swap_xy;		/* applied first: raw x <-> raw y */
	int invert_x, invert_y; /* then mirrored */
	int calibrated;		/* cal[] holds the raw range; else the device's own */
	int cal[4];		/* raw x min, x max, y min, y max */
};

struct board_audio {
	char device[64]; /* ALSA PCM name, e.g. hw:CARD=U192k,DEV=0 */
	enum sample_format format;
	int rate;
	int channels;
	int period; /* frames */
	int periods;
	enum audio_outputs outputs;
};

struct board_realtime {
	int priority;	    /* SCHED_FIFO priority of the audio thread, 1..99 */
	unsigned long cpus; /* bit n = CPU n may run the audio thread; 0 = any */
	int load_limit;     /* percent of a period: above it the screens draw less often */
};

struct board_memory {
	int arena_mb;
	int deck_minutes;
	int library_tracks;
	int max_fds;
};

struct board_storage {
	char library[BOARD_MAX_LIBRARY][128];
	int nlibrary;
	int usb; /* mount and scan USB sticks */
};

struct board_thermal {
	char zone[64]; /* e.g. thermal_zone0 under /sys/class/thermal */
	int warn_c;
	int crit_c;
};

/* Track analysis: the BPM range octave errors are resolved into, auto-gain's target. */
struct board_analysis {
	int min_bpm, max_bpm; /* e.g. 70..180: 84 and 168 are the same track, 168 wins */
	int target_lufs;      /* integrated loudness auto-gain brings tracks to */
};

/* Which family of hal backends the box runs on. */
enum board_backend {
	BOARD_BACKEND_HW,  /* DRM, evdev, ALSA: the appliance and the emulator */
	BOARD_BACKEND_SIM, /* headless screens, scripted touch, WAV sink: host tests */
};

struct board {
	char path[128]; /* file it came from, or "built-in defaults" */
	enum board_backend backend;
	char name[48];
	char description[96];
	int ndisplays;
	struct board_display display[BOARD_MAX_DISPLAYS];
	int ntouch;
	struct board_touch touch[BOARD_MAX_TOUCH];
	struct board_audio audio;
	struct board_realtime rt;
	struct board_memory memory;
	struct board_storage storage;
	struct board_thermal thermal;
	char control[108]; /* control socket path */
	struct board_analysis analysis;
};

struct board_errors {
	int count; /* may exceed BOARD_MAX_ERRORS; only the first are kept */
	char msg[BOARD_MAX_ERRORS][BOARD_ERROR_MAX];
};

/* Fill b with the built-in safe defaults (one display, any touch, hw:0). */
void board_defaults(struct board *b);

/*
 * Parse text (len bytes, need not be NUL-terminated) named path into b,
 * on top of the defaults. Every problem is one "path:line: ..." message.
 * Return: 0 when the profile is clean, else the number of errors; on
 * errors b holds the built-in defaults, not a half-applied profile.
 */
int board_parse(struct board *b, const char *path, const char *text, size_t len,
		struct board_errors *errs);

/* Read path (at most BOARD_FILE_MAX bytes) and parse it. Same return. */
int board_load(struct board *b, const char *path, struct board_errors *errs);

/* "S16_LE" etc.; NULL for an unknown format. */
const char *board_format_name(enum sample_format f);

#endif
