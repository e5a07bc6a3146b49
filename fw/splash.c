/*
 * splash.c: the picture (splash_hold.c puts it on the screens). See splash.h.
 */
#include "splash.h"

#include "fonts/face.h"

/* Text centred across s, its baseline at base. */
static void centred(struct surface *s, const struct face *f, int base, uint32_t ink,
                    const char *text)
{
	int w = face_measure(f, text, (size_t)-1);

	gfx_text_fit(s, f, w < s->w ? (s->w - w) / 2 : 0, base, s->w, 0xff000000u | ink, text);
}

void splash_draw(struct surface *s, const char *title, const char *line)
{
	const struct face *big = &face_sans_bold_38, *small = &face_sans_22;
	int gap = small->line,
	    h = big->ascent + big->descent + gap + small->ascent + small->descent;
	int top = (s->h - h) / 2;

	gfx_clear(s, SPLASH_GROUND);
	centred(s, big, top + big->ascent, SPLASH_INK, title);
	centred(s, small, top + big->ascent + big->descent + gap + small->ascent, SPLASH_DIM, line);
}
