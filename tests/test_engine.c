/*
 * test_engine: the whole engine rendered offline, as the outputs a DJ
 * and the room would hear: which tone is on which output and at what
 * level (at 44.1, 48 and 96 kHz, periods of 32 and 1024 frames, two, four
 * and six outputs), the crossfader's curves, EQ and filter through the
 * channel strip, the limiter holding every sample under the ceiling, the
 * meters, a deck command landing on its frame through the command ring,
 * touch to sound measured on the audio clock to the first changed sample,
 * and two synced decks whose beats stay within 1 ms for five minutes.
 * Single-threaded (the audio thread's rules are test_audio's), so it also
 * runs under qemu-aarch64 with the NEON kernels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw/arena.h"
#include "fw/board.h"
#include "fw/engine.h"
#include "fw/grid.h"

static struct arena arena;
static struct engine e;
static struct track tracks[ENGINE_DECKS];
static float *track_mem[ENGINE_DECKS];

#define TRACK_FRAMES (96000 * 20)
#define MAX_CH 6

static void board_for(struct board *b, int rate, int channels, int period,
                      enum audio_outputs outputs)
{
	memset(b, 0, sizeof *b);
	snprintf(b->path, sizeof b->path, "test");
	snprintf(b->audio.device, sizeof b->audio.device, "test");
	b->audio.rate = rate;
	b->audio.channels = channels;
	b->audio.period = period;
	b->audio.periods = 2;
	b->audio.outputs = outputs;
}

/* A fresh engine (and arena) for this shape. */
static void fresh(int rate, int channels, int period, enum audio_outputs outputs)
{
	struct board b;

	arena_clear(&arena);
	assert_int_equal(arena_init(&arena, 8 << 20), 0);
	board_for(&b, rate, channels, period, outputs);
	assert_int_equal(engine_init(&e, &b, &arena), 0);
	for (int i = 0; i < ENGINE_DECKS; i++)
		track_init(&tracks[i], track_mem[i], TRACK_FRAMES);
}

static void send(const struct engine_cmd *c)
{
	assert_int_equal(engine_command(&e, c), 0);
}

static void deck_cmd(int deck, enum deck_op op, int offset, double a)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = ENGINE_DECK;
	c.deck = deck;
	c.d.op = op;
	c.d.offset = offset;
	c.d.a = a;
	send(&c);
}

static void mixer(enum engine_op op, int deck, float v0, int flags)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = op;
	c.deck = deck;
	c.v[0] = v0;
	c.flags = flags;
	send(&c);
}

/* Render frames in periods of p into buf (channels interleaved). */
static void render(float *buf, long frames, int p)
{
	for (long f = 0; f < frames; f += p) {
		int n = frames - f < p ? (int)(frames - f) : p;

		engine_process(&e, buf + f * e.channels, n);
	}
}

/* Amplitude of the component at hz on channel ch (Hann-windowed DFT bin). */
static double amplitude(const float *buf, long frames, int channels, int ch, double hz, int rate)
{
	double re = 0, im = 0, wsum = 0;

	for (long n = 0; n < frames; n++) {
		double w = 0.5 - 0.5 * cos(2 * M_PI * n / (frames - 1));
		double ph = 2 * M_PI * hz * n / rate;

		re += w * buf[n * channels + ch] * cos(ph);
		im -= w * buf[n * channels + ch] * sin(ph);
		wsum += w;
	}
	return 2 * sqrt(re * re + im * im) / wsum;
}

static double peak(const float *buf, long frames, int channels, int ch)
{
	double p = 0;

	for (long n = 0; n < frames; n++)
		if (fabs(buf[n * channels + ch]) > p)
			p = fabs(buf[n * channels + ch]);
	return p;
}

static double db(double x)
{
	return 20 * log10(x);
}

/*
 * Channel ch carries tone hz at -12 dBFS (peak and spectral level) and
 * nothing of the other tone.
 */
static void check_tone(const float *buf, long frames, int ch, double hz, double other)
{
	const double want = pow(10, -12 / 20.0);
	double a = amplitude(buf, frames, e.channels, ch, hz, e.rate);
	double o = amplitude(buf, frames, e.channels, ch, other, e.rate);
	double p = peak(buf, frames, e.channels, ch);

	assert_true(fabs(db(a / want)) < 0.05);
	assert_true(fabs(db(p / want)) < 0.05);
	assert_true(o < want * 1e-4);
}

static void check_silent(const float *buf, long frames, int ch)
{
	for (long n = 0; n < frames; n++)
		assert_true(buf[n * e.channels + ch] == 0.0f);
}

/*
 * The box's test setup at every rate, the shortest and longest periods,
 * and each layout: master (tone A) on 1-2 and cue (tone B) on 3-4 with
 * four or six outputs (5-6 silent), split cue (A left, B right) with two,
 * also when a master-cue profile has only two outputs.
 */
static void test_routing_rates_periods(void **state)
{
	static const int rates[] = {44100, 48000, 96000};
	static const int periods[] = {32, 1024};
	static const struct {
		int channels;
		enum audio_outputs outputs;
	} layouts[] = {
	    {4, OUTPUTS_MASTER_CUE},
	    {6, OUTPUTS_MASTER_CUE},
	    {2, OUTPUTS_SPLIT_CUE},
	    {2, OUTPUTS_MASTER_CUE},
	};
	float *buf = malloc(sizeof(float) * MAX_CH * 96000);

	(void)state;
	assert_non_null(buf);
	for (unsigned r = 0; r < 3; r++)
		for (unsigned p = 0; p < 2; p++)
			for (unsigned l = 0; l < 4; l++) {
				int rate = rates[r], ch = layouts[l].channels;
				long frames = rate / 2;
				struct engine_state st;

				fresh(rate, ch, periods[p], layouts[l].outputs);
				assert_int_equal(engine_state(&e, &st), -EAGAIN);
				assert_int_equal(engine_test_tracks(&e, tracks, 440, 1000, -12), 0);
				render(buf, rate / 4,
				       periods[p]); /* into the loop and past a wrap */
				render(buf, frames, periods[p]);
				print_message(
				    "%d Hz, period %4d, %d outputs %s: %s\n", rate, periods[p], ch,
				    layouts[l].outputs == OUTPUTS_MASTER_CUE ? "master-cue"
				                                             : "split-cue",
				    engine_routing(&e));
				if (ch >= 4) {
					check_tone(buf, frames, 0, 440, 1000);
					check_tone(buf, frames, 1, 440, 1000);
					check_tone(buf, frames, 2, 1000, 440);
					check_tone(buf, frames, 3, 1000, 440);
					for (int c = 4; c < ch; c++)
						check_silent(buf, frames, c);
					assert_string_equal(engine_routing(&e),
					                    "master 1-2, cue 3-4");
				} else {
					check_tone(buf, frames, 0, 440, 1000);
					check_tone(buf, frames, 1, 1000, 440);
					assert_string_equal(engine_routing(&e), "master 1, cue 2");
				}
				assert_int_equal(engine_state(&e, &st), 0);
				assert_true(st.deck[0].playing && st.deck[1].playing);
				assert_true(st.deck[0].loop_active);
				assert_true(st.frames == (unsigned long)(rate / 4 + frames));
			}
	free(buf);
}

/*
 * The loop of whole cycles is seamless: over several wraps, every sample
 * of the master is the sine's own (no click where it wraps), and the
 * first 5 ms fade in without a step larger than the sine's.
 */
static void test_test_tracks_seamless(void **state)
{
	const int rate = 48000;
	const double amp = pow(10, -12 / 20.0), om = 2 * M_PI * 440 / rate;
	long frames = 4 * rate;
	float *buf = malloc(sizeof(float) * 4 * (size_t)frames);
	double worst = 0, step = 0, a = 0, b = 0, ss = 0, cc = 0, sc = 0, xs = 0, xc = 0, det;
	long n, from = rate / 10;

	(void)state;
	assert_non_null(buf);
	fresh(rate, 4, 64, OUTPUTS_MASTER_CUE);
	assert_int_equal(engine_test_tracks(&e, tracks, 440, 1000, -12), 0);
	render(buf, frames, 64);
	for (n = 1; n < frames; n++)
		if (fabs(buf[4 * n] - buf[4 * (n - 1)]) > step)
			step = fabs(buf[4 * n] - buf[4 * (n - 1)]);
	/* least-squares fit of one sine to everything after the fade in */
	for (n = from; n < frames; n++) {
		double x = buf[4 * n], s = sin(om * n), c = cos(om * n);

		ss += s * s, cc += c * c, sc += s * c, xs += x * s, xc += x * c;
	}
	det = ss * cc - sc * sc;
	a = (xs * cc - xc * sc) / det;
	b = (xc * ss - xs * sc) / det;
	for (n = from; n < frames; n++)
		if (fabs(buf[4 * n] - (a * sin(om * n) + b * cos(om * n))) > worst)
			worst = fabs(buf[4 * n] - (a * sin(om * n) + b * cos(om * n)));
	print_message("4 s of deck A: %.2f dBFS, off a continuous sine by at most %.2e, largest "
	              "step %.5f (the sine's %.5f)\n",
	              db(sqrt(a * a + b * b)), worst, step, amp * om);
	assert_true(fabs(db(sqrt(a * a + b * b) / amp)) < 0.01);
	assert_true(worst < 1e-5);
	/* (the EQ's allpass lets the fade in overshoot the sine's slope a little) */
	assert_true(step <= amp * om * 1.03);
	free(buf);
}

/* Deck A plays hz_a and deck B hz_b, both on the master. */
static void both_on_master(int rate, int hz_a, int hz_b)
{
	fresh(rate, 4, 256, OUTPUTS_MASTER_CUE);
	assert_int_equal(engine_test_tracks(&e, tracks, hz_a, hz_b, -12), 0);
	mixer(ENGINE_FADER, 1, 1.0f, 0);
	mixer(ENGINE_CUE, 1, 0, 0);
}

/*
 * The crossfader: at the ends one deck only; in the centre -6 dB each
 * (linear), -3 dB each (constant power), full volume each (cut); and
 * monotonic on the way.
 */
static void test_crossfader_curves(void **state)
{
	const int rate = 48000;
	float *buf = malloc(sizeof(float) * 4 * 24000);
	const struct {
		enum xfader_curve curve;
		double centre_db;
	} curves[] = {{XF_LINEAR, -6.02}, {XF_CONSTANT_POWER, -3.01}, {XF_CUT, 0}};

	(void)state;
	assert_non_null(buf);
	for (unsigned k = 0; k < 3; k++) {
		double prev_a = 2, prev_b = -1;

		both_on_master(rate, 440, 1000);
		mixer(ENGINE_XFADER_CURVE, 0, 0, curves[k].curve);
		for (int step = 0; step <= 8; step++) {
			float x = -1.0f + step * 0.25f;
			double la, lb;

			mixer(ENGINE_XFADER, 0, x, 0);
			render(buf, 12000, 256); /* the glide */
			render(buf, 24000, 256);
			la = amplitude(buf, 24000, 4, 0, 440, rate) / pow(10, -12 / 20.0);
			lb = amplitude(buf, 24000, 4, 0, 1000, rate) / pow(10, -12 / 20.0);
			if (step == 0) {
				assert_true(fabs(db(la)) < 0.01 && lb < 1e-4);
			} else if (step == 8) {
				assert_true(fabs(db(lb)) < 0.01 && la < 1e-4);
			} else if (step == 4) {
				print_message("curve %u centre: A %.2f dB, B %.2f dB\n", k, db(la),
				              db(lb));
				assert_true(fabs(db(la) - curves[k].centre_db) < 0.05);
				assert_true(fabs(db(lb) - curves[k].centre_db) < 0.05);
			}
			assert_true(la <= prev_a + 1e-6 && lb >= prev_b - 1e-6);
			prev_a = la;
			prev_b = lb;
		}
	}
	free(buf);
}

/*
 * Everything loud at once (two full-scale decks, EQ +6 dB, master +6 dB,
 * a resonant filter): no output sample ever goes above the ceiling,
 * master or headphones, and the state says the limiter works.
 */
static void test_limiter_never_clips(void **state)
{
	const int rate = 48000;
	const double ceiling = pow(10, ENGINE_CEILING_DB / 20.0);
	long frames = 2 * rate;
	float *buf = malloc(sizeof(float) * 4 * (size_t)frames);
	struct engine_cmd c;
	struct engine_state st;
	double worst = 0;

	(void)state;
	assert_non_null(buf);
	fresh(rate, 4, 128, OUTPUTS_MASTER_CUE);
	assert_int_equal(engine_test_tracks(&e, tracks, 60, 3000, 0), 0);
	mixer(ENGINE_FADER, 1, 1.0f, 0);
	mixer(ENGINE_XFADER, 0, 0.0f, 0);
	mixer(ENGINE_MASTER_GAIN, 0, 6.0f, 0);
	mixer(ENGINE_HP_BLEND, 0, 0.5f, 0);
	mixer(ENGINE_TRIM, 0, 12.0f, 0);
	for (int d = 0; d < 2; d++) {
		memset(&c, 0, sizeof c);
		c.op = ENGINE_EQ;
		c.deck = d;
		c.v[0] = c.v[1] = c.v[2] = 6.0f;
		send(&c);
	}
	memset(&c, 0, sizeof c);
	c.op = ENGINE_FILTER;
	c.deck = 1;
	c.v[0] = -0.5f;
	c.v[1] = 1.0f;
	send(&c);
	render(buf, frames, 128);
	for (long n = 0; n < frames * 4; n++)
		if (fabs(buf[n]) > worst)
			worst = fabs(buf[n]);
	assert_int_equal(engine_state(&e, &st), 0);
	print_message("loudest output sample %.5f (%.3f dBFS), ceiling %.3f dBFS; limiter at "
	              "%.1f dB\n",
	              worst, db(worst), ENGINE_CEILING_DB, st.limiter_db);
	assert_true(worst <= ceiling);
	assert_true(worst > ceiling * 0.9); /* limited, not silenced */
	assert_true(st.limiter_db > 6.0f);
	free(buf);
}

/*
 * The channel strip through the engine: EQ at 0 dB is flat within 0.1 dB
 * from 40 Hz to 16 kHz; each kill takes its band 40 dB down or more; the
 * filter knob left darkens a 5 kHz tone by 40 dB, centred it is off.
 */
static void test_eq_and_filter_in_the_strip(void **state)
{
	const int rate = 48000;
	static const int hz[] = {40, 100, 250, 1000, 2500, 6000, 16000};
	float *buf = malloc(sizeof(float) * 4 * 24000);
	const double want = pow(10, -12 / 20.0);

	(void)state;
	assert_non_null(buf);
	for (unsigned k = 0; k < sizeof hz / sizeof hz[0]; k++) {
		double a;

		fresh(rate, 4, 256, OUTPUTS_MASTER_CUE);
		assert_int_equal(engine_test_tracks(&e, tracks, hz[k], 1000, -12), 0);
		render(buf, 12000, 256);
		render(buf, 24000, 256);
		a = amplitude(buf, 24000, 4, 0, hz[k], rate);
		assert_true(fabs(db(a / want)) < 0.1);

		/* the kill of the band the tone is in */
		if (hz[k] == 40 || hz[k] == 1000 || hz[k] == 16000) {
			struct engine_cmd c;

			memset(&c, 0, sizeof c);
			c.op = ENGINE_EQ;
			c.flags = hz[k] == 40 ? 1 : hz[k] == 1000 ? 2 : 4;
			send(&c);
			render(buf, 12000, 256);
			render(buf, 24000, 256);
			a = amplitude(buf, 24000, 4, 0, hz[k], rate);
			print_message("%5d Hz: killed to %.1f dB\n", hz[k], db(a / want));
			assert_true(db(a / want) < -40);
		}
	}
	fresh(rate, 4, 256, OUTPUTS_MASTER_CUE);
	assert_int_equal(engine_test_tracks(&e, tracks, 5000, 1000, -12), 0);
	{
		struct engine_cmd c;
		double a;

		memset(&c, 0, sizeof c);
		c.op = ENGINE_FILTER;
		c.v[0] = -0.9f;
		send(&c);
		render(buf, 12000, 256);
		render(buf, 24000, 256);
		a = amplitude(buf, 24000, 4, 0, 5000, rate);
		print_message("filter left: 5 kHz at %.1f dB\n", db(a / want));
		assert_true(db(a / want) < -40);
		c.v[0] = 0;
		send(&c);
		render(buf, 12000, 256);
		render(buf, 24000, 256);
		a = amplitude(buf, 24000, 4, 0, 5000, rate);
		assert_true(fabs(db(a / want)) < 0.1);
	}
	free(buf);
}

/*
 * Meters, trim and auto-gain as the state shows them: the channel meter
 * reads before the fader (deck B's fader is down, its meter still reads
 * -12 dBFS peak, -15 dBFS RMS); trim and auto-gain move it; the master
 * meter reads what the master output carries.
 */
static void test_meters_trim_autogain(void **state)
{
	const int rate = 48000;
	float *buf = malloc(sizeof(float) * 4 * rate);
	struct engine_state st;

	(void)state;
	assert_non_null(buf);
	fresh(rate, 4, 256, OUTPUTS_MASTER_CUE);
	assert_int_equal(engine_test_tracks(&e, tracks, 440, 1000, -12), 0);
	render(buf, rate, 256); /* past the start's peak hold */
	assert_int_equal(engine_state(&e, &st), 0);
	print_message("A %.2f/%.2f B %.2f/%.2f master %.2f/%.2f dBFS\n", db(st.ch_peak[0][0]),
	              db(st.ch_rms[0][0]), db(st.ch_peak[1][0]), db(st.ch_rms[1][0]),
	              db(st.master_peak[0]), db(st.master_rms[0]));
	for (int d = 0; d < 2; d++)
		for (int c = 0; c < 2; c++) {
			assert_true(fabs(db(st.ch_peak[d][c]) + 12) < 0.05);
			assert_true(fabs(db(st.ch_rms[d][c]) + 15.01) < 0.05);
		}
	assert_true(fabs(db(st.master_peak[0]) + 12) < 0.05);
	assert_true(fabs(db(st.master_rms[1]) + 15.01) < 0.05);

	mixer(ENGINE_TRIM, 1, 6.0f, 0);
	mixer(ENGINE_AUTOGAIN, 1, -4.0f, 0);
	render(buf, rate / 2, 256);
	assert_int_equal(engine_state(&e, &st), 0);
	assert_true(fabs(db(st.ch_rms[1][0]) + 15.01 - 6) < 0.05);
	mixer(ENGINE_AUTOGAIN_ON, 1, 0, 1);
	render(buf, rate / 2, 256);
	assert_int_equal(engine_state(&e, &st), 0);
	assert_true(fabs(db(st.ch_rms[1][0]) + 15.01 - 2) < 0.05);
	/* the fader down, the cue on: the master stays deck A's */
	assert_true(fabs(db(st.master_rms[0]) + 15.01) < 0.05);
	free(buf);
}

/*
 * Headphones: the blend at 0.5 mixes cue and master each at -3 dB; the
 * headphone gain scales both.
 */
static void test_headphone_blend(void **state)
{
	const int rate = 48000;
	float *buf = malloc(sizeof(float) * 4 * 24000);
	const double want = pow(10, -12 / 20.0);
	double a, b;

	(void)state;
	assert_non_null(buf);
	fresh(rate, 4, 256, OUTPUTS_MASTER_CUE);
	assert_int_equal(engine_test_tracks(&e, tracks, 440, 1000, -12), 0);
	mixer(ENGINE_HP_BLEND, 0, 0.5f, 0);
	render(buf, 12000, 256);
	render(buf, 24000, 256);
	a = amplitude(buf, 24000, 4, 2, 440, rate) / want;
	b = amplitude(buf, 24000, 4, 2, 1000, rate) / want;
	assert_true(fabs(db(a) + 3.01) < 0.05 && fabs(db(b) + 3.01) < 0.05);
	mixer(ENGINE_HP_GAIN, 0, -10.0f, 0);
	render(buf, 12000, 256);
	render(buf, 24000, 256);
	a = amplitude(buf, 24000, 4, 3, 440, rate) / want;
	b = amplitude(buf, 24000, 4, 3, 1000, rate) / want;
	assert_true(fabs(db(a) + 13.01) < 0.05 && fabs(db(b) + 13.01) < 0.05);
	/* the master itself is untouched by any of it */
	a = amplitude(buf, 24000, 4, 0, 440, rate) / want;
	assert_true(fabs(db(a)) < 0.05);
	free(buf);
}

/*
 * Four outputs, period p: deck A on its test track (440 Hz on the master),
 * quantise off, hot cue 1 set at 1.25 s, playing from 1.5 s: a jump to the
 * cue changes the master on the very frame it lands on.
 */
static void hotcue_scene(int rate, int p)
{
	fresh(rate, 4, p, OUTPUTS_MASTER_CUE);
	assert_int_equal(engine_test_tracks(&e, tracks, 440, 1000, -12), 0);
	deck_cmd(0, DECK_QUANTISE, 0, 0);
	deck_cmd(0, DECK_SEEK, 0, 1.25 * rate);
	deck_cmd(0, DECK_HOTCUE_SET, 0, 0);
	deck_cmd(0, DECK_SEEK, 0, 1.5 * rate + 0.3);
}

/*
 * A hot cue jump sent through the command ring for frame 77 of the next
 * period changes the master exactly there (plus the limiter's fixed
 * latency): the output is identical to a run without the jump up to that
 * frame and differs from it on that very frame.
 */
static void test_command_lands_on_its_frame(void **state)
{
	const int rate = 48000, p = 256;
	static float with[4 * 256 * 40], without[4 * 256 * 40];
	int k, first = -1, latency;

	(void)state;
	for (int run = 0; run < 2; run++) {
		float *buf = run ? with : without;

		hotcue_scene(rate, p);
		render(buf, 20L * p, p);
		if (run)
			deck_cmd(0, DECK_HOTCUE_JUMP, 77, 0);
		render(buf + 4 * 20 * p, 20L * p, p);
	}
	latency = limiter_latency(&e.limiter);
	for (k = 0; k < 40 * p && first < 0; k++)
		if (with[4 * k] != without[4 * k])
			first = k;
	print_message("jump asked for at frame %d of period 20: the master changes at frame %d "
	              "(limiter latency %d)\n",
	              77, first - 20 * p, latency);
	assert_int_equal(first, 20 * p + 77 + latency);
	/* the cue output (deck B) is untouched */
	for (k = 0; k < 40 * p; k++)
		assert_true(with[4 * k + 2] == without[4 * k + 2]);
}

/*
 * Touch to sound, on a made-up audio clock: period k is said to start
 * playing Q frames after T0 + k periods (the device's delay at each
 * wake-up), and a hot cue jump at frame 77 of period 20 carries a touch
 * 3 ms before that period's wake-up. The latency the engine logs is the
 * time from the touch to the first output frame that actually changed
 * (found by rendering without the jump too), on that clock. Each state
 * says when its deck positions are heard; without a clock, nothing is
 * measured and heard_ns is 0.
 */
static void test_touch_to_sound_on_the_audio_clock(void **state)
{
	const int rate = 48000, p = 256, q = 1024;
	const long long t0 = 1000000000000LL, period_ns = 1000000000LL * p / rate;
	static float with[4 * 256 * 40], without[4 * 256 * 40];
	struct engine_state st;
	long long touch = 0, heard_first;
	int k, first = -1, l;

	(void)state;
	for (int run = 0; run < 2; run++) {
		float *buf = run ? with : without;

		hotcue_scene(rate, p);
		for (k = 0; k < 40; k++) {
			if (run && k == 20) {
				struct engine_cmd c;

				memset(&c, 0, sizeof c);
				c.op = ENGINE_DECK;
				c.d.op = DECK_HOTCUE_JUMP;
				c.d.offset = 77;
				touch = c.touch_ns = t0 + k * period_ns - 3000000;
				send(&c);
			}
			engine_clock(&e, t0 + k * period_ns, q);
			engine_process(&e, buf + 4 * k * p, p);
			assert_int_equal(engine_state(&e, &st), 0);
			l = limiter_latency(&e.limiter);
			/* pos, the next frame to render: out after this period and the limiter */
			assert_true(st.heard_ns ==
			            t0 + k * period_ns + (long long)((q + p + l) * 1e9 / rate));
		}
	}
	for (k = 0; k < 40 * p && first < 0; k++)
		if (with[4 * k] != without[4 * k])
			first = k;
	assert_int_equal(st.touches, 1);
	/* output frame `first` is in period first / p, which starts q frames after its wake-up */
	heard_first = t0 + (first / p) * period_ns + (long long)((q + first % p) * 1e9 / rate);
	print_message("touch 3 ms before the wake-up, %d frames queued, jump at frame 77: first "
	              "changed sample at frame %d of the period, heard %.4f ms after the touch; "
	              "the engine says %.4f ms\n",
	              q, first - 20 * p, (heard_first - touch) / 1e6, st.touch_ms[0]);
	assert_true(fabs(st.touch_ms[0] - (heard_first - touch) / 1e6) < 1e-3);
	assert_true(st.touch_ms[0] > 3.0f + 1000.0f * q / rate);

	/* no clock: nothing measured, no time on the state */
	{
		struct engine_cmd c;
		float buf[4 * 256];

		memset(&c, 0, sizeof c);
		c.op = ENGINE_DECK;
		c.d.op = DECK_PLAY_TOGGLE;
		c.touch_ns = t0;
		send(&c);
		engine_process(&e, buf, p);
		assert_int_equal(engine_state(&e, &st), 0);
		assert_int_equal(st.touches, 1);
		assert_true(st.heard_ns == 0);
	}
}

/*
 * More taps in one period than a state keeps: all counted, the newest
 * ENGINE_TOUCH_LOG kept, each at its place; a long call rendered in
 * pieces measures the commands in its first piece.
 */
static void test_touch_log_keeps_the_newest(void **state)
{
	static float buf[4 * 3000];
	struct engine_state st;
	const int n = ENGINE_TOUCH_LOG + 5;
	int i;

	(void)state;
	fresh(48000, 4, 3000, OUTPUTS_MASTER_CUE);
	for (i = 0; i < n; i++) {
		struct engine_cmd c;

		memset(&c, 0, sizeof c);
		c.op = ENGINE_FADER;
		c.v[0] = 1;
		c.touch_ns = 5000000000LL - 1000000LL * i; /* tap i was i ms earlier */
		send(&c);
	}
	engine_clock(&e, 5000000000LL, 0);
	engine_process(&e, buf, 3000); /* three pieces of at most ENGINE_MAX_PERIOD */
	assert_int_equal(engine_state(&e, &st), 0);
	assert_int_equal(st.periods, 3);
	assert_int_equal(st.touches, n);
	for (i = n - ENGINE_TOUCH_LOG; i < n; i++) {
		double want = i + 1000.0 * limiter_latency(&e.limiter) / 48000;

		assert_true(fabs(st.touch_ms[i % ENGINE_TOUCH_LOG] - want) < 1e-3);
	}
	/* the state of the last piece: its pos is heard after all 3000 frames */
	assert_true(st.heard_ns ==
	            5000000000LL + (long long)((3000 + limiter_latency(&e.limiter)) * 1e9 / 48000));
}

/*
 * Commands: a full ring says so (-EAGAIN) and loses nothing that was
 * taken; a bad deck is refused; at most ENGINE_CMDS_PER_PERIOD are applied
 * per period, the rest in the next.
 */
static void test_command_ring(void **state)
{
	struct engine_cmd c;
	struct engine_state st;
	float buf[4 * 64];
	int n = 0;

	(void)state;
	fresh(48000, 4, 64, OUTPUTS_MASTER_CUE);
	memset(&c, 0, sizeof c);
	c.op = ENGINE_FADER;
	c.deck = 2;
	assert_int_equal(engine_command(&e, &c), -EINVAL);
	c.deck = 0;
	while (engine_command(&e, &c) == 0)
		n++;
	assert_int_equal(n, ENGINE_CMD_QUEUE);
	assert_int_equal(engine_command(&e, &c), -EAGAIN);
	engine_process(&e, buf, 64);
	assert_int_equal(engine_state(&e, &st), 0);
	assert_int_equal(st.commands, ENGINE_CMDS_PER_PERIOD);
	assert_int_equal(st.periods, 1);
	for (int i = 0; i < 10; i++)
		engine_process(&e, buf, 64);
	assert_int_equal(engine_state(&e, &st), 0);
	assert_int_equal(st.commands, ENGINE_CMD_QUEUE);
	assert_int_equal(st.periods, 11);
}

/* A click track: one sample of 0.5 on every beat of g, silence between. */
static void click_track(struct track *t, const struct beat_grid *g, int rate, long frames)
{
	memset(t->samples, 0, sizeof(float) * 2 * (size_t)frames);
	for (long b = 0;; b++) {
		long f = lround(grid_frame_of(g, rate, (double)b));

		if (f >= frames)
			break;
		if (f >= 0)
			t->samples[2 * f] = t->samples[2 * f + 1] = 0.5f;
	}
	t->frames = frames;
	track_set_ready(t, frames);
}

/* The clicks heard on one output: where each burst peaks, to a sample. */
struct clicks {
	double at[4000];
	int n;
	long start; /* frame a burst began, -1 between bursts */
	long best_at;
	float best;
};

static void listen(struct clicks *c, const float *buf, long base, int frames, int ch)
{
	for (int i = 0; i < frames; i++) {
		float x = fabsf(buf[i * e.channels + ch]);
		long f = base + i;

		if (c->start < 0 && x > 0.15f) {
			c->start = f;
			c->best = 0;
		}
		if (c->start < 0)
			continue;
		if (x > c->best) {
			c->best = x;
			c->best_at = f;
		}
		if (f - c->start >= 200) { /* the burst is over: its peak is the click */
			if (c->n < 4000)
				c->at[c->n++] = (double)c->best_at;
			c->start = -1;
		}
	}
}

static void deck_grid_load(int d, const struct beat_grid *g)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = ENGINE_DECK;
	c.deck = d;
	c.d.op = DECK_LOAD;
	c.d.track = &tracks[d];
	c.d.grid = *g;
	send(&c);
}

static void loop_beats(int d, const struct beat_grid *g, double from, double to)
{
	struct engine_cmd c;

	memset(&c, 0, sizeof c);
	c.op = ENGINE_DECK;
	c.deck = d;
	c.d.op = DECK_LOOP_SET;
	c.d.a = grid_frame_of(g, e.rate, from);
	c.d.b = grid_frame_of(g, e.rate, to);
	send(&c);
}

/*
 * Five minutes on the host; under qemu-aarch64 (some 35 times slower) half
 * a minute, enough to run the NEON kernels through it.
 */
#if defined(__aarch64__)
#define SYNC_SECONDS 30
#else
#define SYNC_SECONDS 300
#endif

/*
 * Sync over five minutes: deck B plays a 126 bpm click track, deck A a
 * 120 bpm one, synced to B (so 5 % fast) and started off the beat; each
 * loops 32 beats. A goes to the master, B to the cue. From the first
 * second on, every click on the cue output has one on the master within
 * 1 ms, for five minutes of rendered audio, also after the DJ moves B's
 * pitch fader half way through.
 */
static void test_sync_five_minutes(void **state)
{
	const int rate = 48000, p = 256;
	static float buf[4 * 256];
	static struct clicks ca, cb;
	struct beat_grid ga, gb;
	struct engine_state st;
	double worst = 0;
	long f, total = (long)SYNC_SECONDS * rate;
	int i, j = 0, matched = 0;

	(void)state;
	fresh(rate, 4, p, OUTPUTS_MASTER_CUE);
	assert_int_equal(grid_set(&ga, 120, 1000, 4), 0);
	assert_int_equal(grid_set(&gb, 126, 3000, 4), 0);
	click_track(&tracks[0], &ga, rate, (long)grid_frame_of(&ga, rate, 36));
	click_track(&tracks[1], &gb, rate, (long)grid_frame_of(&gb, rate, 36));
	deck_grid_load(0, &ga);
	deck_grid_load(1, &gb);
	loop_beats(0, &ga, 1, 33);
	loop_beats(1, &gb, 1, 33);
	deck_cmd(0, DECK_SEEK, 0, grid_frame_of(&ga, rate, 2.3));
	deck_cmd(1, DECK_SEEK, 0, grid_frame_of(&gb, rate, 1));
	mixer(ENGINE_FADER, 0, 1.0f, 0);
	mixer(ENGINE_FADER, 1, 0.0f, 0);
	mixer(ENGINE_CUE, 1, 0, 1);
	mixer(ENGINE_XFADER, 0, -1.0f, 0);
	mixer(ENGINE_HP_BLEND, 0, 0.0f, 0);
	deck_cmd(1, DECK_PLAY, 0, 1);
	ca.start = cb.start = -1;
	for (f = 0; f < total; f += p) {
		if (f == 10 * p) {
			deck_cmd(0, DECK_SYNC, 0, 1);
			deck_cmd(0, DECK_PLAY, 100, 1);
		}
		if (f == total / 2 / p * p)
			deck_cmd(1, DECK_PITCH, 0, 0.5);
		engine_process(&e, buf, p);
		listen(&ca, buf, f, p, 0);
		listen(&cb, buf, f, p, 2);
	}
	assert_int_equal(engine_state(&e, &st), 0);
	assert_true(st.deck[0].following);
	assert_int_equal(st.sync_master, 1);
	/* each click of B after the first second, against A's nearest */
	for (i = 0; i < cb.n; i++) {
		double err;

		if (cb.at[i] < rate)
			continue;
		while (j + 1 < ca.n && fabs(ca.at[j + 1] - cb.at[i]) <= fabs(ca.at[j] - cb.at[i]))
			j++;
		err = fabs(ca.at[j] - cb.at[i]) * 1000.0 / rate;
		worst = fmax(worst, err);
		matched++;
	}
	print_message("%d s synced: %d clicks of B, %d of A; worst distance %.3f ms; A plays at "
	              "%.3f bpm, B at %.3f\n",
	              SYNC_SECONDS, cb.n, ca.n, worst, st.deck[0].bpm, st.deck[1].bpm);
	assert_true(matched > SYNC_SECONDS * 3 / 2);
	assert_true(abs(ca.n - cb.n) <= 2);
	assert_true(worst < 1.0);
	assert_true(fabs(st.deck[0].bpm - 126 * 1.04) < 1e-6);
}

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < ENGINE_DECKS; i++) {
		track_mem[i] = malloc(sizeof(float) * 2 * TRACK_FRAMES);
		if (!track_mem[i])
			return -1;
	}
	return arena_init(&arena, 8 << 20);
}

static int teardown(void **state)
{
	(void)state;
	arena_clear(&arena);
	for (int i = 0; i < ENGINE_DECKS; i++)
		free(track_mem[i]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_routing_rates_periods),
	    cmocka_unit_test(test_test_tracks_seamless),
	    cmocka_unit_test(test_crossfader_curves),
	    cmocka_unit_test(test_limiter_never_clips),
	    cmocka_unit_test(test_eq_and_filter_in_the_strip),
	    cmocka_unit_test(test_meters_trim_autogain),
	    cmocka_unit_test(test_headphone_blend),
	    cmocka_unit_test(test_command_lands_on_its_frame),
	    cmocka_unit_test(test_command_ring),
	    cmocka_unit_test(test_touch_to_sound_on_the_audio_clock),
	    cmocka_unit_test(test_touch_log_keeps_the_newest),
	    cmocka_unit_test(test_sync_five_minutes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
