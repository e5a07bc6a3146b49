/*
 * ui: the DJ's screens drawn from the layout (fw/layout.h), the controls'
 * values and the engine's newest state (fw/controls.h), the decks' track
 * info and waveform summaries, and the box's status.
 *
 * Only what changed is drawn: a widget is redrawn when the controls mark
 * it dirty (a knob turned, the deck moved, a hot cue set) or when its
 * info here changes, and each redrawn widget's rectangle is added to its
 * screen's damage list, which the display copies to the scanout. An idle
 * screen draws nothing; a playing deck redraws its waveform, overview,
 * time and meters.
 *
 * Colours are chosen for a dark booth: a near-black ground, controls in
 * dark grey with light labels, and colour only where it carries meaning
 * (play green, cue amber, the hot cues' own colours, sync blue, loop
 * green, the meters' green-amber-red, the waveform's bands: low red, mid
 * green, high blue as on most DJ players).
 *
 * Nothing allocates; the caller owns the surfaces (the displays' logical
 * surfaces) and the waveform data.
 */
#ifndef SLIPMAT_UI_H
#define SLIPMAT_UI_H

#include <stdint.h>

#include "../dsp/wavesum.h"
#include "controls.h"
#include "gfx/damage.h"
#include "gfx/gfx.h"
#include "layout.h"

#define UI_TEXT 128
#define UI_MAX_WIDTH 4096 /* widest waveform drawn, pixels */

/* The palette, also for what is drawn over the widgets (fw/browser.h). */
#define UI_BG GFX_RGB(0x0c, 0x0d, 0x0f)
#define UI_PANEL GFX_RGB(0x17, 0x19, 0x1d)
#define UI_BUTTON GFX_ARGB(0xff, 0x2a, 0x2e, 0x34)
#define UI_LABEL GFX_ARGB(0xff, 0xdc, 0xe1, 0xe6)
#define UI_DIM GFX_ARGB(0xff, 0x6a, 0x70, 0x78)
#define UI_DARK_LABEL GFX_ARGB(0xff, 0x10, 0x12, 0x14)
#define UI_PLAY_ON GFX_ARGB(0xff, 0x22, 0xc5, 0x5e)
#define UI_CUE_ON GFX_ARGB(0xff, 0xf5, 0x9e, 0x0b)
#define UI_SYNC_ON GFX_ARGB(0xff, 0x3b, 0x82, 0xf6)

/* What the deck's track is, for the info bar. */
struct ui_track {
	char title[UI_TEXT], artist[UI_TEXT];
	char key[8];  /* "Am", "" unknown */
	char camelot[4]; /* "8A", "" unknown */
	double bpm;   /* the track's own tempo; 0 unknown */
	char note[UI_TEXT]; /* "loading 40 %", "too long: plays the first 20:00", "" */
};

/*
 * A deck's three-band waveform summary (from analysis): band[b][i] is the
 * level (0..255) of band b (low, mid, high) over frames
 * [i * frames_per_bin, (i + 1) * frames_per_bin) of the track; bins
 * [0, ready) are filled, the rest is still being analysed.
 */
struct ui_wave {
	const uint8_t *band[3];
	long bins, ready;
	double frames_per_bin;
	/* or, when set, the analysis's multi-resolution summary (read at any zoom) */
	const struct wavesum *sum;
};

/* The status bar. */
struct ui_status {
	char clock[8];        /* "23:41" */
	float load_pct;       /* the audio thread's */
	float temp_c;         /* NaN unknown */
	unsigned long xruns;
	char storage[48];     /* "USB stick: 812 tracks" */
	char pace[96];        /* why the screens run slower, "" */
	char banner[160];     /* an error a DJ must see, "" none */
};

struct ui {
	const struct layout *lay;
	struct controls *ctl;
	struct surface screen[LAYOUT_DISPLAYS];
	struct damage damage[LAYOUT_DISPLAYS]; /* what ui_draw changed, for the display */
	struct ui_track track[ENGINE_DECKS];
	struct ui_wave wave[ENGINE_DECKS];
	struct ui_status status;
	struct rect cover[LAYOUT_DISPLAYS]; /* drawn over by the library; w 0: none */
	int rate;
	unsigned long drawn; /* widgets drawn so far */
	uint8_t col[3][UI_MAX_WIDTH]; /* one waveform's columns */
	struct wave_col cols[UI_MAX_WIDTH]; /* read from a wavesum */
};

/*
 * Post: nothing known yet; everything will be drawn by the first
 * ui_draw(). screens[i] is display i's logical surface (the layout's size).
 */
void ui_init(struct ui *u, const struct layout *lay, struct controls *ctl,
             const struct surface *screens, int rate);

/* Deck d's track info (NULL: no track). Redraws the info bar. */
void ui_set_track(struct ui *u, int d, const struct ui_track *t);

/* Deck d's waveform summary (NULL: none). Redraws the waveform and overview. */
void ui_set_wave(struct ui *u, int d, const struct ui_wave *w);

/* Deck d's summary has grown (analysis went on): redraw what shows it. */
void ui_wave_grew(struct ui *u, int d);

/* The status bar; redrawn when it differs from what is shown. */
void ui_set_status(struct ui *u, const struct ui_status *s);

/*
 * Draw every dirty widget into its screen, add its rectangle to that
 * screen's damage list and clear its dirty mark.
 * Return: the number of widgets drawn (0 on an idle screen).
 */
int ui_draw(struct ui *u);

/* The colour of hot cue i (its pad, its marker on the waveforms). */
uint32_t ui_hotcue_colour(int i);

/*
 * Something else draws r on display (the library, fw/browser.h): the
 * widgets under it are not drawn. NULL: uncovered, r is cleared and the
 * widgets under it drawn again by the next ui_draw().
 */
void ui_cover(struct ui *u, int display, const struct rect *r);

/* A button as the widgets have them: fill lit or not, the label dark on light fills. */
void ui_button(struct surface *s, struct rect r, const char *label, uint32_t fill, int dark_text,
               int enabled);

#endif
