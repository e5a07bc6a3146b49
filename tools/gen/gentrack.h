/*
 * gentrack: synthetic dance tracks with a known tempo, first downbeat and
 * key, for the analysis tests (in memory) and its benchmark (as WAV files
 * next to the reference analysers).
 *
 * A track is made from its number alone (a deterministic generator), so a
 * test and the benchmark agree on what track 17 is. It has: optional
 * leading silence; an optional beatless intro of whole bars (pads, a noise
 * riser); then drums from the first downbeat to the end, in one of three
 * patterns (four on the floor, rock backbeat, breakbeat), with swing on
 * the off-beats, a bassline on the chord roots, pads playing a chord
 * progression of the track's key, background noise, and for some tracks a
 * half-time section of eight bars in the middle. Tempos are spread over
 * 60-200 BPM; beats fall on exact (fractional) frames.
 */
#ifndef SLIPMAT_GENTRACK_H
#define SLIPMAT_GENTRACK_H

struct gentrack {
	int rate;
	long frames;
	double bpm;            /* the quarter-note pulse the drums play */
	double first_downbeat; /* frame of the first beat of the first drum bar */
	long drums_end;        /* frame after which no new drum hit starts */
	int key;               /* 0..11 major on C..B, 12..23 minor on C..B */
	int style;             /* 0 four on the floor, 1 backbeat, 2 breakbeat */
	double swing;          /* off-beat delay, share of a sixteenth */
	int intro_bars;        /* beatless bars before the drums */
	double silence_s;      /* leading silence */
	int halftime;          /* has a half-time section */
};

/*
 * Render track number seed (stereo interleaved, frames frames at rate)
 * into out, and its truth into t. Pre: out holds 2 * frames floats.
 */
void gentrack_make(struct gentrack *t, unsigned seed, int rate, float *out, long frames);

/*
 * A chord progression in a random key (pads and bass only, drums at half
 * the tracks', and at half of those a bar or two of drums alone before
 * the chords), for the key tests: t->key is the truth, t->bpm its pulse.
 * Three progressions a mode, one chord a bar, each starting on the tonic:
 * I V vi IV, I IV V I, I vi IV V; i VI III VII, i iv v i, i VII VI VII.
 */
void gentrack_chords(struct gentrack *t, unsigned seed, int rate, float *out, long frames);

#endif
