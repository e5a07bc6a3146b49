/*
 * resample: a deck's track read at any speed, through a polyphase
 * windowed-sinc interpolator.
 *
 * A deck holds its whole track in memory (interleaved stereo float) and
 * reads it at a fractional position that moves by `step` frames per output
 * frame: 1.0 plays at the original speed, 0.5..1.5 is the pitch fader's
 * +-50 %, 0 is a held record, a negative step plays backwards, and a
 * scrub may go faster still.
 *
 * Design:
 *   kernel   sinc under a Kaiser window (beta 12.7, its pedestal taken off
 *            so the kernel ends at exactly zero), RESAMPLE_TAPS = 64 taps;
 *            transition band 1/8 of the input rate wide, centred on the
 *            cutoff; stopband 118 dB down, passband ripple 1.3e-6
 *            (0.00001 dB).
 *   phases   RESAMPLE_PHASES = 128 rows per input frame, each scaled to
 *            unit gain at DC. Between two rows the coefficients follow
 *            Newton's quadratic through that row and the next two,
 *            c = h[p] + f (h[p+1] - h[p] + (f - 1) e[p]), with the
 *            curvature e[p] = (h[p+2] - 2 h[p+1] + h[p]) / 2 stored beside
 *            each row: its error falls with the cube of the row spacing,
 *            so 128 rows do what linear interpolation needs 1024 for
 *            (measured: the same THD+N within 2 dB up to 19 kHz), in a
 *            quarter of the memory.
 *   cutoff   follows |step| through 16 tables, each used up to the step
 *            it is designed for: below 7/8 the stopband starts at the
 *            input's Nyquist frequency (slowing down mirrors nothing, and
 *            the input's top eighth, above 18 kHz at 48 kHz, rolls off);
 *            up to 1.0 the cutoff sits at Nyquist (so step 1.0 from a
 *            whole frame copies the input bit for bit: phase 0 is a unit
 *            impulse); above 1.0 the cutoff is Nyquist / step_max, with
 *            tables every 5 % up to 1.55 and at 2, 3, 4, 6, 8 for scrubs.
 *            Speeding up therefore never folds anything into the band
 *            except what lies within |step| / 16 of the rate below the
 *            output's Nyquist frequency (above 19.5 kHz at 48 kHz up to
 *            step 1.5). Beyond 8x the 8x table is used and aliasing
 *            grows, but the output stays bounded and continuous.
 *   ramps    the step moves linearly from step0 to step1 across a call,
 *            frame by frame, so a moving pitch fader makes no zipper.
 *            When step0 and step1 fall in different tables, the call
 *            renders with both and crossfades from one to the other.
 *   edges    positions outside the track read as silence; near its ends
 *            the frames under the kernel are copied with zeros around
 *            them, so nothing outside src[0 .. 2 n_src) is ever read.
 *   numbers  float; each channel's dot product keeps eight partial sums
 *            (tap k into sum k % 8) folded in one fixed order, with no
 *            fused multiply-adds. The NEON path (aarch64) and the SSE2
 *            path (x86-64) do exactly that in vectors, so they give the
 *            same bits as the scalar reference.
 *   cost     per output frame 64 taps: 5 flops for the coefficient and 4
 *            for the two channels; twice that in a call that crosses
 *            tables. The bank is resample_bank_size() bytes (1.1 MB), one
 *            table of it (66 KB) in use per deck at a time.
 *
 * Measured (tests/test_resample.c; tools/bench/resample.sh against
 * libsamplerate, figures in the README): a 1 kHz sine at 48 kHz comes out
 * at exactly 1000 * step Hz with THD+N (20 Hz..20 kHz) of -138 to -146 dB
 * at steps 0.5, 0.92, 1.06 and 1.5, a 15 kHz one at -129 to -133 dB; a
 * tone that speeding up would fold back into the band is 124 dB down.
 */
#ifndef SLIPMAT_RESAMPLE_H
#define SLIPMAT_RESAMPLE_H

#include <stddef.h>

#define RESAMPLE_TAPS 64    /* input frames under the kernel */
#define RESAMPLE_PHASES 128 /* kernel rows per input frame */

/*
 * How far the kernel reaches on either side of a position, in frames: an
 * output at pos hears the input from pos - RESAMPLE_REACH to pos +
 * RESAMPLE_REACH, so a position at least that far outside the track is
 * exact silence, and a jump is heard that far ahead of where it lands.
 */
#define RESAMPLE_REACH (RESAMPLE_TAPS / 2)

/* Alignment the bank's storage should have (a cache line; any works). */
#define RESAMPLE_BANK_ALIGN 64

struct resample_bank; /* the precomputed tables; const after init */

/* Return: bytes the caller provides for the bank (from the arena). */
size_t resample_bank_size(void);

/*
 * Compute the tables into b (resample_bank_size() bytes). Takes a few
 * milliseconds; one bank serves every deck.
 * Return: 0, or -EINVAL for a NULL b.
 * Pre: loop thread, at init.
 */
int resample_bank_init(struct resample_bank *b);

/*
 * Read interleaved stereo frames from src (n_src frames; positions outside
 * 0..n_src-1 read as silence) starting at the fractional frame *pos, the
 * read step moving linearly from step0 to step1 across the call (so a rate
 * change never makes a zipper), and write `frames` stereo frames to out.
 * Frame j is read at *pos + the sum of the steps before it, where step j
 * is step0 + (step1 - step0) * j / frames; step1 is thus the first step of
 * the next call when the rate keeps gliding.
 * Post: *pos advanced by the steps taken. A step that is not finite counts
 * as 0; a *pos that is not finite reads silence and stays as it is.
 * Audio thread: no allocation, no syscalls, no locks.
 */
void resample_stereo(const struct resample_bank *b, const float *src, long n_src, double *pos,
                     double step0, double step1, float *out, int frames);

/* The plain C reference: the same bits as resample_stereo(), slower. */
void resample_stereo_scalar(const struct resample_bank *b, const float *src, long n_src,
                            double *pos, double step0, double step1, float *out, int frames);

/* Return: 1 when resample_stereo() runs vector code (NEON or SSE2), else 0. */
int resample_has_simd(void);

#endif
