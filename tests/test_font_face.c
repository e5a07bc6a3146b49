/*
 * test_font_face: the compiled faces as a reader would see them: every
 * Latin-1 and Latin Extended-A character has its own glyph, anything else
 * shows the visible box, kerning tightens the pairs it should, measuring
 * agrees with drawing, and titles too long for their box end in an
 * ellipsis that fits. Text at every size matches its golden image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../fonts/face.h"
#include "../gfx/gfx.h"
#include "gfx_golden.h"

static const struct face *const faces[] = {
    &face_sans_13, &face_sans_16,      &face_sans_20,      &face_sans_22,
    &face_sans_28, &face_sans_bold_20, &face_sans_bold_28, &face_sans_bold_38,
};
#define NFACES (int)(sizeof faces / sizeof faces[0])

static uint32_t px[600 * 220];

static struct surface surf(int w, int h, uint32_t bg)
{
	struct surface s = {px, w, h, w};

	for (int i = 0; i < w * h; i++)
		px[i] = bg;
	return s;
}

static void test_latin_coverage_and_fallback(void **state)
{
	(void)state;
	for (int f = 0; f < NFACES; f++) {
		const struct face *fc = faces[f];
		const struct face_glyph *box = &fc->glyphs[0];

		for (uint32_t cp = 32; cp < 384; cp++) {
			if (cp >= 127 && cp < 160)
				continue;
			if (face_glyph(fc, cp) == box)
				fail_msg("%s: U+%04X has no glyph of its own", fc->name, cp);
		}
		assert_ptr_not_equal(face_glyph(fc, 0x2026), box); /* the ellipsis */
		assert_ptr_not_equal(face_glyph(fc, 0x20ac), box);
		assert_ptr_equal(face_glyph(fc, 0x4e2d), box); /* CJK: not covered */
		assert_ptr_equal(face_glyph(fc, 0x1f600), box);
		assert_ptr_equal(face_glyph(fc, 0xfffd), box);
		assert_true(box->w >= 3 && box->h >= 4 && box->advance > box->w * 64);
		assert_true(fc->ascent > 0 && fc->descent > 0 && fc->line >= fc->ascent);
	}
}

/* The box is visible: a lit frame with a dark middle, where the text says. */
static void test_fallback_box_is_drawn(void **state)
{
	const struct face *f = &face_sans_28;
	const struct face_glyph *b = &f->glyphs[0];
	struct surface s = surf(60, 40, 0);
	int w;

	(void)state;
	w = gfx_text_run(&s, f, 5, 32, 0xffffffff, "\xe4\xb8\xad"); /* U+4E2D */
	assert_int_equal(w, (b->advance + 32) >> 6);
	assert_int_equal(px[(32 - b->top) * 60 + 5 + b->left], 0xffffff);
	assert_int_equal(px[(32 - b->top + b->h - 1) * 60 + 5 + b->left + b->w - 1], 0xffffff);
	assert_int_equal(px[(32 - b->top + b->h / 2) * 60 + 5 + b->left + b->w / 2], 0);
}

static void test_utf8_decoding_is_safe(void **state)
{
	static const struct {
		const char *s;
		uint32_t cp[6];
	} cases[] = {
	    {"A\xc3\xa9", {'A', 0xe9, 0}},
	    {"\xc5\x81\xc3\xb3", {0x141, 0xf3, 0}},
	    {"\xe2\x80\xa6z", {0x2026, 'z', 0}},
	    {"\xf0\x9f\x98\x80", {0x1f600, 0}},
	    {"\xc3", {0xfffd, 0}},                         /* cut short at the end */
	    {"\xc0\xaf!", {0xfffd, 0xfffd, '!', 0}},       /* overlong */
	    {"\xed\xa0\x80", {0xfffd, 0xfffd, 0xfffd, 0}}, /* a surrogate */
	    {"\xff\x80", {0xfffd, 0xfffd, 0}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *p = cases[i].s;

		for (int k = 0;; k++) {
			uint32_t cp = utf8_next(&p);

			assert_int_equal(cp, cases[i].cp[k]);
			if (!cp)
				break;
		}
	}
}

static void test_kerning_tightens_pairs(void **state)
{
	(void)state;
	for (int f = 0; f < NFACES; f++) {
		const struct face *fc = faces[f];
		long long sum = face_glyph(fc, 'A')->advance + face_glyph(fc, 'V')->advance;

		assert_true(face_kern(fc, 'A', 'V') < 0);
		assert_int_equal(face_kern(fc, 'H', 'H'), 0);
		assert_int_equal(face_measure(fc, "AV", (size_t)-1),
		                 (int)((sum + face_kern(fc, 'A', 'V') + 32) >> 6));
		/* in whole pixels a kerned pair may round to the same width */
		assert_true(face_measure(fc, "AV", (size_t)-1) <=
		            face_measure(fc, "A", (size_t)-1) + face_measure(fc, "V", (size_t)-1));
		assert_true(face_measure(fc, "To", (size_t)-1) <=
		            face_measure(fc, "T", (size_t)-1) + face_measure(fc, "o", (size_t)-1));
	}
}

/* What measuring says is what drawing takes: ink starts at x and ends by x + width. */
static void test_measure_agrees_with_drawing(void **state)
{
	static const char *const texts[] = {"Hello", "Sigur Rós – Hoppípolla", "128.00 BPM", "W"};

	(void)state;
	for (int f = 0; f < NFACES; f++)
		for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
			struct surface s = surf(600, 60, 0);
			int w = face_measure(faces[f], texts[t], (size_t)-1), lo = 600, hi = -1;

			assert_int_equal(gfx_text_run(&s, faces[f], 10, 45, 0xffffffff, texts[t]),
			                 w);
			for (int y = 0; y < 60; y++)
				for (int x = 0; x < 600; x++)
					if (px[y * 600 + x]) {
						lo = x < lo ? x : lo;
						hi = x > hi ? x : hi;
					}
			assert_true(lo >= 10 && lo <= 10 + faces[f]->px / 4);
			if (hi > 10 + w + 1 || hi < 10 + w - faces[f]->px / 3)
				fail_msg("%s '%s': ink ends at %d, measured end %d", faces[f]->name,
				         texts[t], hi, 10 + w);
		}
}

static void test_fit_adds_an_ellipsis_that_fits(void **state)
{
	const char *title = "Ólafur Arnalds & Nils Frahm – Loon (Extended Mix) ééé";
	const struct face *f = &face_sans_20;
	int whole = face_measure(f, title, (size_t)-1), ell;

	(void)state;
	assert_int_equal(face_fit(f, title, whole, &ell), strlen(title));
	assert_int_equal(ell, 0);
	for (int max = whole - 1; max >= 0; max -= 7) {
		size_t n = face_fit(f, title, max, &ell);
		char buf[160];
		int w;

		if (!ell) {
			/* not even the ellipsis fits */
			assert_int_equal(n, 0);
			assert_true(face_measure(f, "\xe2\x80\xa6", (size_t)-1) > max);
			continue;
		}
		/* never inside a UTF-8 sequence, no trailing space */
		assert_true(n == 0 || ((unsigned char)title[n] & 0xc0) != 0x80);
		assert_true(n == 0 || title[n - 1] != ' ');
		memcpy(buf, title, n);
		strcpy(buf + n, "\xe2\x80\xa6");
		w = face_measure(f, buf, (size_t)-1);
		if (w > max)
			fail_msg("max %d: '%s' is %d wide", max, buf, w);
		{
			struct surface s = surf(300, 30, 0);
			int drawn = gfx_text_fit(&s, f, 0, 22, max, 0xffffffff, title);

			assert_int_equal(drawn, w);
			for (int y = 0; y < 30; y++)
				for (int x = max + 1; x < 300; x++)
					if (px[y * 300 + x])
						fail_msg("max %d: ink at x %d", max, x);
		}
	}
	assert_int_equal(face_fit(f, title, 0, &ell), 0);
	assert_int_equal(face_fit(f, "", 10, &ell), 0);
}

static void test_text_matches_golden(void **state)
{
	struct surface s = surf(300, 270, 0x0c0e10);
	int y = 0;

	(void)state;
	for (int f = 0; f < NFACES; f++) {
		y += faces[f]->ascent + 2;
		gfx_text_run(&s, faces[f], 2, y, 0xffe8e8e8, "Hamburg 0O Il1 ÆØÅ čćž ğış ő");
		y += faces[f]->descent;
	}
	gfx_text_fit(&s, &face_sans_16, 2, 264, 150, 0xff60c0ff, "Café del Mar – Ibiza Sunset");
	gfx_text_run(&s, &face_sans_16, 160, 264, 0xffff8040, "box:\xe4\xb8\xad");
	golden_check("text_faces", px, 300, 270, 300);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_latin_coverage_and_fallback),
	    cmocka_unit_test(test_fallback_box_is_drawn),
	    cmocka_unit_test(test_utf8_decoding_is_safe),
	    cmocka_unit_test(test_kerning_tightens_pairs),
	    cmocka_unit_test(test_measure_agrees_with_drawing),
	    cmocka_unit_test(test_fit_adds_an_ellipsis_that_fits),
	    cmocka_unit_test(test_text_matches_golden),
	};

	(void)argc;
	golden_set_out(argv[0]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
