/*
 * check: what the end-to-end test looks at, measured from what the box
 * produced: QEMU's screendumps of each head (PPM) and the WAV file that
 * QEMU's usb-audio device recorded.
 *
 *   check card PPM NAME          the test card is on screen, showing NAME
 *   check mark PPM X Y TOL       the touch mark is centred within TOL px of X,Y
 *   check nomark PPM             no touch mark on this head
 *   check tone WAV CH HZ [DBFS]  channel CH (1-based) carries a sine at HZ
 *                                (and peaks at DBFS, within 0.6 dB)
 *   check text PPM COLOUR TEXT   a status line of the card starts with TEXT
 *                                drawn in COLOUR (hex RRGGBB)
 *   check splash PPM LINE        PID 1's splash (fw/splash.h) with LINE, every pixel
 *   check png PPM PNG            convert a screendump for people to look at
 *   check wavfix WAV             repair the header QEMU writes for more than
 *                                two channels (byte rate, block align, sizes)
 *   check find PPM X Y W H COLOUR TEXT
 *                                TEXT is drawn in COLOUR in one of the DJ
 *                                screens' faces somewhere inside the rectangle
 *   check trace WAV CH FROM TO LO HI
 *                                the strongest sine between LO and HI Hz in
 *                                channel CH, every 0.1 s from byte offset FROM
 *                                to TO of the file: "seconds hz dBFS" lines
 *
 * Each prints what it measured; exit 0 when it holds, 1 when not, 2 on
 * unreadable input.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/face.h"
#include "fonts/font.h"
#include "fw/splash.h"
#include "fw/testcard.h"
#include "gfx/gfx.h"
#include "hal/png.h"
#include "tests/signals.h"

struct image {
	int w, h;
	uint32_t *px; /* XRGB */
};

static int read_ppm(const char *path, struct image *im)
{
	FILE *f = fopen(path, "rb");
	int maxval;

	if (!f) {
		perror(path);
		return -1;
	}
	if (fscanf(f, "P6 %d %d %d", &im->w, &im->h, &maxval) != 3 || maxval != 255 ||
	    fgetc(f) == EOF || im->w <= 0 || im->h <= 0 || im->w > 8192 || im->h > 8192) {
		fprintf(stderr, "%s: not an 8-bit binary PPM\n", path);
		fclose(f);
		return -1;
	}
	im->px = malloc(sizeof(uint32_t) * (size_t)im->w * (size_t)im->h);
	for (long i = 0; i < (long)im->w * im->h; i++) {
		int r = fgetc(f), g = fgetc(f), b = fgetc(f);
		if (b == EOF) {
			fprintf(stderr, "%s: truncated\n", path);
			fclose(f);
			return -1;
		}
		im->px[i] = GFX_RGB(r, g, b);
	}
	fclose(f);
	return 0;
}

/* Centroid of the pixels of exactly colour c. Return: how many there are. */
static long centroid(const struct image *im, uint32_t c, double *cx, double *cy)
{
	double sx = 0, sy = 0;
	long n = 0;

	for (int y = 0; y < im->h; y++)
		for (int x = 0; x < im->w; x++)
			if (im->px[(long)y * im->w + x] == c) {
				sx += x;
				sy += y;
				n++;
			}
	if (n) {
		*cx = sx / (double)n;
		*cy = sy / (double)n;
	}
	return n;
}

static int check_mark(const struct image *im, double x, double y, double tol)
{
	double cx = 0, cy = 0;
	long n = centroid(im, TESTCARD_MARK, &cx, &cy);

	if (n == 0) {
		printf("no touch mark on screen (wanted at %.0f,%.0f)\n", x, y);
		return 1;
	}
	printf("touch mark at %.1f,%.1f (%ld px), wanted %.0f,%.0f +- %.0f\n", cx, cy, n, x, y,
	       tol);
	return fabs(cx - x) <= tol && fabs(cy - y) <= tol ? 0 : 1;
}

static int check_nomark(const struct image *im)
{
	double cx, cy;
	long n = centroid(im, TESTCARD_MARK, &cx, &cy);

	printf("%ld touch-mark pixels\n", n);
	return n == 0 ? 0 : 1;
}

/*
 * The card, as fw/testcard.h promises it: the border, every colour bar at
 * its documented centre, and NAME as the title, exactly as our own
 * rasterizer draws it (this also proves the font reached the screen).
 */
static const uint32_t bars[8] = { 0xbfbfbf, 0xbfbf00, 0x00bfbf, 0x00bf00,
				  0xbf00bf, 0xbf0000, 0x0000bf, 0x000000 };

static int check_card(const struct image *im, const char *name)
{
	int w = im->w, h = im->h, bad = 0;

	for (int k = 0; k < 8; k++) {
		int x = w / 20 + (2 * k + 1) * (w - 2 * (w / 20)) / 16, y = h * 46 / 100;
		uint32_t got = im->px[(long)y * w + x];
		if (got != bars[k]) {
			printf("bar %d at %d,%d is %06x, want %06x\n", k, x, y, got, bars[k]);
			bad++;
		}
	}
	if (im->px[0] != TESTCARD_BORDER || im->px[(long)h * w - 1] != TESTCARD_BORDER) {
		printf("no border in the corners\n");
		bad++;
	}
	if (!bad)
		printf("border and 8 colour bars in place\n");

	/* The title: NAME at (16, 16), scale 3, on the background. */
	int tw = gfx_text_width(&font_mono8x16, 3, name), th = 16 * 3;
	long diff = 0;
	uint32_t *ref = malloc(sizeof *ref * (size_t)tw * (size_t)th);
	struct surface r = { .px = ref, .w = tw, .h = th, .stride = tw };

	gfx_clear(&r, TESTCARD_BG);
	gfx_text_scaled(&r, &font_mono8x16, 0, 0, 3, TESTCARD_TITLE, name);
	for (int y = 0; y < th; y++)
		for (int x = 0; x < tw; x++)
			if (16 + x >= w || im->px[(long)(16 + y) * w + 16 + x] != ref[y * tw + x])
				diff++;
	free(ref);
	printf("title '%s': %ld of %d pixels differ\n", name, diff, tw * th);
	return bad == 0 && diff == 0 ? 0 : 1;
}

/*
 * The status lines sit at x = 16 from 60 % of the height down, 16*s px
 * tall (fw/testcard.h). Find a row that shows text exactly as our
 * rasterizer draws it in colour.
 */
static int check_text(const struct image *im, uint32_t colour, const char *text)
{
	int w = im->w, h = im->h, s = w >= 1200 && h >= 760 ? 2 : 1;
	int tw = gfx_text_width(&font_mono8x16, s, text), th = 16 * s;
	uint32_t *ref = malloc(sizeof *ref * (size_t)tw * (size_t)th);
	struct surface r = { .px = ref, .w = tw, .h = th, .stride = tw };
	long best = -1;

	gfx_clear(&r, TESTCARD_BG);
	gfx_text_scaled(&r, &font_mono8x16, 0, 0, s, colour, text);
	for (int y0 = h * 60 / 100; y0 + th <= h && 16 + tw <= w; y0++) {
		long diff = 0;
		for (int y = 0; y < th && (best < 0 || diff < best); y++)
			for (int x = 0; x < tw; x++)
				diff += im->px[(long)(y0 + y) * w + 16 + x] != ref[y * tw + x];
		if (best < 0 || diff < best)
			best = diff;
		if (diff == 0) {
			printf("'%s' in %06x at 16,%d\n", text, colour, y0);
			free(ref);
			return 0;
		}
	}
	free(ref);
	printf("'%s' in %06x is not on screen (closest row: %ld pixels differ)\n", text, colour,
	       best);
	return 1;
}

/* The splash as fw/splash.c draws it for this screen's size, pixel for pixel. */
static int check_splash(const struct image *im, const char *line)
{
	struct surface r = {malloc(sizeof(uint32_t) * (size_t)im->w * (size_t)im->h), im->w, im->h,
	                    im->w};
	long diff = 0, black = 0;

	splash_draw(&r, SPLASH_TITLE, line);
	for (long i = 0; i < (long)im->w * im->h; i++) {
		diff += (r.px[i] & 0xffffff) != im->px[i];
		black += im->px[i] == 0;
	}
	free(r.px);
	printf("splash '%s': %ld of %d pixels differ (%ld black)\n", line, diff, im->w * im->h,
	       black);
	return diff == 0 ? 0 : 1;
}

/* Goertzel power of frequency hz over n samples of channel ch. */
static double power_at(const int16_t *s, long n, int chans, int ch, double rate, double hz)
{
	double w = 2 * M_PI * hz / rate, c = 2 * cos(w), s1 = 0, s2 = 0;

	for (long i = 0; i < n; i++) {
		double s0 = s[i * chans + ch] / 32768.0 + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - c * s1 * s2) / ((double)n * n);
}

static int check_tone(const char *path, int ch, double hz, const char *dbfs)
{
	FILE *f = fopen(path, "rb");
	unsigned char hdr[44];
	int chans, rate, bits;

	if (!f || fread(hdr, 1, 44, f) != 44 || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4)) {
		fprintf(stderr, "%s: not a WAV file\n", path);
		return 2;
	}
	chans = hdr[22] | hdr[23] << 8;
	rate = hdr[24] | hdr[25] << 8 | hdr[26] << 16 | hdr[27] << 24;
	bits = hdr[34] | hdr[35] << 8;
	if (bits != 16 || ch < 1 || ch > chans) {
		fprintf(stderr, "%s: %d-bit %d channels; cannot check channel %d\n", path, bits,
			chans, ch);
		return 2;
	}
	/* QEMU writes the sizes at exit; read whatever is there. */
	fseek(f, 0, SEEK_END);
	long frames = (ftell(f) - 44) / (2L * chans);
	fseek(f, 44, SEEK_SET);
	int16_t *s = malloc((size_t)frames * 2 * (size_t)chans);
	frames = (long)fread(s, 2 * (size_t)chans, (size_t)frames, f);
	fclose(f);

	/* Skip silence at the start (before slipmat opened the device). */
	long start = 0;
	while (start < frames && abs(s[start * chans + ch - 1]) < 64)
		start++;
	long n = frames - start;
	if (n < rate / 2) {
		printf("channel %d: only %ld frames of sound (%.2f s)\n", ch, n, (double)n / rate);
		return 1;
	}
	const int16_t *p = s + start * chans;
	/* The strongest of 20 Hz steps from 100 Hz to 5 kHz, refined to 1 Hz. */
	double best = 0, best_hz = 0;
	for (double f0 = 100; f0 <= 5000; f0 += 20) {
		double pw = power_at(p, n, chans, ch - 1, rate, f0);
		if (pw > best) {
			best = pw;
			best_hz = f0;
		}
	}
	for (double f0 = best_hz - 20; f0 <= best_hz + 20; f0 += 1) {
		double pw = power_at(p, n, chans, ch - 1, rate, f0);
		if (pw > best) {
			best = pw;
			best_hz = f0;
		}
	}
	double peak = 0;
	for (long i = 0; i < n; i++)
		if (abs(p[i * chans + ch - 1]) > peak)
			peak = abs(p[i * chans + ch - 1]);
	printf("channel %d: %.0f Hz, peak %.1f dBFS, %.2f s of sound (want %.0f Hz)\n", ch,
	       best_hz, 20 * log10(peak / 32768.0 + 1e-12), (double)n / rate, hz);
	free(s);
	double level = 20 * log10(peak / 32768.0 + 1e-12);
	if (dbfs && fabs(level - atof(dbfs)) > 0.6) {
		printf("channel %d: level %.1f dBFS, want %s\n", ch, level, dbfs);
		return 1;
	}
	return fabs(best_hz - hz) <= hz * 0.01 ? 0 : 1;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static int wavfix(const char *path)
{
	FILE *f = fopen(path, "r+b");
	unsigned char h[44];

	if (!f || fread(h, 1, 44, f) != 44 || memcmp(h, "RIFF", 4) || memcmp(h + 36, "data", 4)) {
		fprintf(stderr, "%s: not a plain 44-byte-header WAV file\n", path);
		return 2;
	}
	int chans = h[22] | h[23] << 8, bits = h[34] | h[35] << 8;
	uint32_t rate = (uint32_t)(h[24] | h[25] << 8 | h[26] << 16 | h[27] << 24);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	uint32_t align = (uint32_t)(chans * bits / 8);
	uint32_t data = (uint32_t)(len - 44) / align * align;
	h[32] = (unsigned char)align;
	h[33] = (unsigned char)(align >> 8);
	put32(h + 28, rate * align);
	put32(h + 40, data);
	put32(h + 4, data + 36);
	fseek(f, 0, SEEK_SET);
	fwrite(h, 1, 44, f);
	fclose(f);
	return 0;
}

/* Write seconds of a sine of hz at dbfs, 16-bit stereo at 48 kHz: a track for a stick. */
static int make_wav(const char *path, double seconds, double hz, double dbfs)
{
	FILE *f = fopen(path, "wb");
	uint32_t n = (uint32_t)(seconds * 48000), bytes = n * 4;
	unsigned char h[44] = "RIFF....WAVEfmt ";
	double amp = 32767.0 * pow(10, dbfs / 20);

	if (!f) {
		perror(path);
		return 2;
	}
	put32(h + 4, 36 + bytes);
	put32(h + 16, 16);
	h[20] = 1, h[21] = 0, h[22] = 2, h[23] = 0;
	put32(h + 24, 48000);
	put32(h + 28, 48000 * 4);
	h[32] = 4, h[33] = 0, h[34] = 16, h[35] = 0;
	memcpy(h + 36, "data", 4);
	put32(h + 40, bytes);
	fwrite(h, 1, 44, f);
	for (uint32_t i = 0; i < n; i++) {
		int16_t v = (int16_t)lrint(amp * sin(2 * M_PI * hz * i / 48000.0));
		unsigned char b[4] = {(unsigned char)v, (unsigned char)((uint16_t)v >> 8),
				      (unsigned char)v, (unsigned char)((uint16_t)v >> 8)};
		fwrite(b, 1, 4, f);
	}
	return fclose(f) ? 1 : 0;
}

/* The pixel at (x, y) is colour (RRGGBB), each channel within tol. */
static int check_pixel(const struct image *im, int x, int y, uint32_t colour, int tol)
{
	uint32_t p;
	int worst = 0;

	if (x < 0 || y < 0 || x >= im->w || y >= im->h) {
		fprintf(stderr, "pixel %d,%d: outside the %dx%d screen\n", x, y, im->w, im->h);
		return 1;
	}
	p = im->px[(long)y * im->w + x];
	for (int sh = 0; sh < 24; sh += 8) {
		int d = (int)(p >> sh & 0xff) - (int)(colour >> sh & 0xff);

		worst = abs(d) > worst ? abs(d) : worst;
	}
	printf("pixel %d,%d: %06x (want %06x)\n", x, y, p & 0xffffff, colour);
	return worst <= tol ? 0 : 1;
}

/* Each channel of a and b within tol. */
static int near(uint32_t a, uint32_t b, int tol)
{
	for (int sh = 0; sh < 24; sh += 8)
		if (abs((int)(a >> sh & 0xff) - (int)(b >> sh & 0xff)) > tol)
			return 0;
	return 1;
}

/*
 * TEXT drawn by the DJ's screens (anti-aliased, fonts/face.h) inside the
 * rectangle: at some place and in one of the faces, every pixel the text
 * covers fully is COLOUR and most of the pixels between its strokes are
 * not. Which face and where are printed.
 */
static int check_find(const struct image *im, int rx, int ry, int rw, int rh, uint32_t colour,
		      const char *text)
{
	static const struct face *const faces[] = {
		&face_sans_13, &face_sans_16, &face_sans_20, &face_sans_22, &face_sans_28,
		&face_sans_bold_20, &face_sans_bold_28, &face_sans_bold_38,
	};
	const int tol = 24;

	if (rx < 0 || ry < 0 || rw <= 0 || rh <= 0 || rx + rw > im->w || ry + rh > im->h) {
		fprintf(stderr, "find: %d,%d %dx%d is not inside the %dx%d screen\n", rx, ry, rw,
			rh, im->w, im->h);
		return 2;
	}
	for (size_t i = 0; i < sizeof faces / sizeof faces[0]; i++) {
		const struct face *f = faces[i];
		int tw = face_measure(f, text, strlen(text)) + 2, th = f->ascent + f->descent + 2;
		uint32_t *ref = calloc((size_t)tw * (size_t)th, sizeof *ref);
		int *ink = malloc(sizeof(int) * 2 * (size_t)tw * (size_t)th), nink = 0, ngap = 0;
		int *gap = ink + (size_t)tw * (size_t)th;
		struct surface r = {.px = ref, .w = tw, .h = th, .stride = tw};

		gfx_text_run(&r, f, 1, f->ascent + 1, 0xffffffff, text);
		for (int k = 0; k < tw * th; k++) {
			int cov = (int)(ref[k] >> 8 & 0xff);

			if (cov >= 250)
				ink[nink++] = k;
			else if (cov == 0)
				gap[ngap++] = k;
		}
		for (int y0 = ry; nink && y0 + th <= ry + rh; y0++)
			for (int x0 = rx; x0 + tw <= rx + rw; x0++) {
				const uint32_t *p = im->px + (long)y0 * im->w + x0;
				int k = 0, off = 0;

				while (k < nink && near(p[ink[k] / tw * im->w + ink[k] % tw], colour, tol))
					k++;
				if (k < nink)
					continue;
				for (k = 0; k < ngap; k++)
					off += near(p[gap[k] / tw * im->w + gap[k] % tw], colour, tol);
				if (off * 10 > ngap)
					continue;
				printf("'%s' in %06x at %d,%d (%s)\n", text, colour, x0, y0, f->name);
				free(ink);
				free(ref);
				return 0;
			}
		free(ink);
		free(ref);
	}
	printf("'%s' in %06x is not drawn inside %d,%d %dx%d\n", text, colour, rx, ry, rw, rh);
	return 1;
}

/*
 * The pilot tones of the end-to-end set's tracks: the strongest sine
 * between lo and hi Hz in channel ch, in 8192-sample Hann windows every
 * 0.1 s of the file's bytes [from, to), its peak bin refined by a
 * parabola through the log magnitudes. One line per window.
 */
static int check_trace(const char *path, int ch, long from, long to, double lo, double hi)
{
	enum { N = 8192 };
	FILE *f = fopen(path, "rb");
	unsigned char hdr[44];
	static double re[N], im[N];
	int chans, rate;

	if (!f || fread(hdr, 1, 44, f) != 44 || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4) ||
	    (hdr[34] | hdr[35] << 8) != 16) {
		fprintf(stderr, "%s: not a 16-bit WAV file\n", path);
		return 2;
	}
	chans = hdr[22] | hdr[23] << 8;
	rate = hdr[24] | hdr[25] << 8 | hdr[26] << 16 | hdr[27] << 24;
	if (ch < 1 || ch > chans || rate <= 0 || lo <= 0 || hi <= lo || hi >= rate / 2.0) {
		fprintf(stderr, "trace: channel %d of %d, %g-%g Hz at %d Hz: out of range\n", ch,
			chans, lo, hi, rate);
		return 2;
	}
	long frame_bytes = 2L * chans, first = (from < 44 ? 0 : from - 44) / frame_bytes;
	long last = (to - 44) / frame_bytes, hop = rate / 10;
	int16_t *s = malloc((size_t)frame_bytes * N);

	for (long at = first; at + N <= last; at += hop) {
		if (fseek(f, 44 + at * frame_bytes, SEEK_SET) ||
		    fread(s, (size_t)frame_bytes, N, f) != N)
			break;
		for (int i = 0; i < N; i++) {
			re[i] = s[i * chans + ch - 1] / 32768.0 * (0.5 - 0.5 * cos(2 * M_PI * i / N));
			im[i] = 0;
		}
		tone_fft(re, im, N);
		int b0 = (int)(lo * N / rate), b1 = (int)(hi * N / rate) + 1, best = b0;
		for (int b = b0; b <= b1; b++)
			if (re[b] * re[b] + im[b] * im[b] > re[best] * re[best] + im[best] * im[best])
				best = b;
		double m[3];
		for (int k = -1; k <= 1; k++)
			m[k + 1] = log(re[best + k] * re[best + k] + im[best + k] * im[best + k] + 1e-30);
		double den = m[0] - 2 * m[1] + m[2], d = den < 0 ? 0.5 * (m[0] - m[2]) / den : 0;
		/* a full-scale sine's peak bin through a Hann window is N / 4 */
		double db = 10 * m[1] / log(10) - 20 * log10(N / 4.0);
		printf("%.2f %.1f %.1f\n", (double)(at - first) / rate, (best + d) * rate / N, db);
	}
	free(s);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct image im = { 0 };

	if (argc == 4 && !strcmp(argv[1], "card"))
		return read_ppm(argv[2], &im) ? 2 : check_card(&im, argv[3]);
	if (argc == 6 && !strcmp(argv[1], "mark"))
		return read_ppm(argv[2], &im) ? 2 : check_mark(&im, atof(argv[3]), atof(argv[4]), atof(argv[5]));
	if (argc == 3 && !strcmp(argv[1], "nomark"))
		return read_ppm(argv[2], &im) ? 2 : check_nomark(&im);
	if (argc == 4 && !strcmp(argv[1], "png"))
		return read_ppm(argv[2], &im) ? 2 : png_write_xrgb(argv[3], im.px, im.w, im.h, im.w) ? 1 : 0;
	if (argc == 5 && !strcmp(argv[1], "text"))
		return read_ppm(argv[2], &im) ? 2
					      : check_text(&im, (uint32_t)strtoul(argv[3], NULL, 16),
							   argv[4]);
	if (argc == 7 && !strcmp(argv[1], "pixel"))
		return read_ppm(argv[2], &im) ? 2
					      : check_pixel(&im, atoi(argv[3]), atoi(argv[4]),
							    (uint32_t)strtoul(argv[5], NULL, 16),
							    atoi(argv[6]));
	if (argc == 4 && !strcmp(argv[1], "splash"))
		return read_ppm(argv[2], &im) ? 2 : check_splash(&im, argv[3]);
	if (argc == 3 && !strcmp(argv[1], "wavfix"))
		return wavfix(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "mkwav"))
		return make_wav(argv[2], atof(argv[3]), atof(argv[4]), atof(argv[5]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "tone"))
		return check_tone(argv[2], atoi(argv[3]), atof(argv[4]), argc == 6 ? argv[5] : NULL);
	if (argc == 9 && !strcmp(argv[1], "find"))
		return read_ppm(argv[2], &im) ? 2
					      : check_find(&im, atoi(argv[3]), atoi(argv[4]),
							   atoi(argv[5]), atoi(argv[6]),
							   (uint32_t)strtoul(argv[7], NULL, 16), argv[8]);
	if (argc == 8 && !strcmp(argv[1], "trace"))
		return check_trace(argv[2], atoi(argv[3]), atol(argv[4]), atol(argv[5]),
				   atof(argv[6]), atof(argv[7]));
	fprintf(stderr, "usage: check card PPM NAME | mark PPM X Y TOL | nomark PPM | tone WAV CH HZ [DBFS]\n"
			"       | png PPM PNG | wavfix WAV | text PPM COLOUR TEXT\n"
			"       | pixel PPM X Y RRGGBB TOL | mkwav WAV SECONDS HZ DBFS\n"
			"       | find PPM X Y W H RRGGBB TEXT | trace WAV CH FROM TO LO HI\n"
			"       | splash PPM LINE\n");
	return 2;
}
