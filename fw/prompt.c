/*
 * prompt.c: the update dialog. See prompt.h; start reading at
 * prompt_update().
 */
#include "prompt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fonts/face.h"
#include "layout.h"

/* The screens' ground and the dialog's colours (a dark booth, as fw/ui.c). */
#define BG GFX_RGB(0x0c, 0x0d, 0x0f)
#define BOX GFX_ARGB(0xff, 0x1f, 0x23, 0x2a)
#define EDGE GFX_ARGB(0xff, 0x3b, 0x82, 0xf6)
#define EDGE_FAILED GFX_ARGB(0xff, 0xdc, 0x26, 0x26)
#define TEXT GFX_ARGB(0xff, 0xdc, 0xe1, 0xe6)
#define DIM GFX_ARGB(0xff, 0x9a, 0xa1, 0xa9)
#define WARN GFX_ARGB(0xff, 0xf5, 0x9e, 0x0b)
#define INSTALL GFX_ARGB(0xff, 0x22, 0xc5, 0x5e)
#define ARMED GFX_ARGB(0xff, 0xf5, 0x9e, 0x0b)
#define LATER GFX_ARGB(0xff, 0x2a, 0x2e, 0x34)
#define DARK_TEXT GFX_ARGB(0xff, 0x10, 0x12, 0x14)
#define TRACK GFX_ARGB(0xff, 0x2a, 0x2e, 0x34)

_Static_assert((int)(PROMPT_BUTTON_MM * 10) >= (int)(LAYOUT_MIN_MM * 10),
               "the dialog's buttons are at least as large as every other control");

/* The longest label Install gets: its button is made wide enough for it. */
#define ARMED_LABEL "Tap again to install"

static int mm(const struct prompt *p, float v)
{
	return (int)lroundf(v * p->px_per_mm);
}

static int face_h(const struct face *f)
{
	return f->ascent + f->descent;
}

void prompt_init(struct prompt *p, struct offer *o, int display, int w, int h, float px_per_mm)
{
	int bh, bw, inner, title_h, margin;

	memset(p, 0, sizeof *p);
	p->offer = o;
	p->display = display;
	p->px_per_mm = px_per_mm > 0 ? px_per_mm : 6.0f;
	p->title_face = &face_sans_bold_28;
	p->body_face = &face_sans_20;
	p->pad = mm(p, 4.0f);
	p->gap = mm(p, 2.5f);
	margin = mm(p, 5.0f);
	bh = mm(p, PROMPT_BUTTON_MM);
	p->body_h = face_h(p->body_face) + 4;
	title_h = face_h(p->title_face);
	p->box.w = w - 2 * margin < mm(p, 180.0f) ? w - 2 * margin : mm(p, 180.0f);
	p->box.h = 2 * p->pad + title_h + 2 * p->gap + PROMPT_LINES * p->body_h + bh;
	if (p->box.h > h - 2 * margin) {
		/* A small panel: smaller text, the buttons keep their size. */
		p->title_face = &face_sans_bold_20;
		p->body_face = &face_sans_16;
		p->body_h = face_h(p->body_face) + 2;
		title_h = face_h(p->title_face);
		p->box.h = 2 * p->pad + title_h + 2 * p->gap + PROMPT_LINES * p->body_h + bh;
	}
	p->box.x = (w - p->box.w) / 2;
	p->box.y = (h - p->box.h) / 2;
	inner = p->box.w - 2 * p->pad;
	/* Install on the right (wide enough for its second-tap label), Not now beside it. */
	bw = face_measure(&face_sans_bold_20, ARMED_LABEL, (size_t)-1) + 2 * p->pad;
	if (bw < mm(p, 40.0f))
		bw = mm(p, 40.0f);
	if (bw > (inner - p->gap) / 2)
		bw = (inner - p->gap) / 2;
	for (int b = 0; b < 2; b++) {
		p->slot[b].w = bw;
		p->slot[b].h = bh;
		p->slot[b].y = p->box.y + p->box.h - p->pad - bh;
	}
	p->slot[0].x = p->box.x + p->box.w - p->pad - bw;
	p->slot[1].x = p->slot[0].x - p->gap - bw;
	p->button[PROMPT_INSTALL] = p->slot[0];
	p->button[PROMPT_LATER] = p->slot[1];
	p->title_x = p->box.x + p->pad;
	p->title_base = p->box.y + p->pad + p->title_face->ascent;
	for (int i = 0; i < TOUCHDEC_SLOTS; i++)
		p->finger[i].button = -1;
}

static void version_text(char *buf, size_t size, const struct update_version *v)
{
	snprintf(buf, size, "%u.%u.%u", v->major, v->minor, v->patch);
}

/*
 * Break text into up to PROMPT_LINES lines of at most max_w pixels, at
 * spaces; the last takes the rest (cut with an ellipsis when drawn).
 */
static void wrap(const struct face *f, const char *text, int max_w, char lines[][200])
{
	for (int l = 0; l < PROMPT_LINES && *text; l++) {
		size_t n = strlen(text), fit = n, cut;

		while (*text == ' ')
			text++, n--;
		fit = n;
		if (l < PROMPT_LINES - 1 && face_measure(f, text, n) > max_w) {
			int ell;

			fit = face_fit(f, text, max_w, &ell);
			for (cut = fit; cut > 0 && text[cut] != ' '; cut--)
				;
			fit = cut > 0 ? cut : fit; /* a word longer than the line is cut */
		}
		snprintf(lines[l], 200, "%.*s", (int)(fit < 199 ? fit : 199), text);
		text += fit;
	}
}

/* What the dialog shows for the offer now. */
static void compose(const struct prompt *p, struct prompt_view *v)
{
	const struct offer *o = p->offer;
	char got[24], runs[24];
	const char *file = strrchr(o->best_at.path, '/');

	memset(v, 0, sizeof *v);
	v->state = o->state;
	v->percent = -1;
	version_text(got, sizeof got, &o->best.t.version);
	version_text(runs, sizeof runs, &o->u->running);
	file = file ? file + 1 : o->best_at.path;
	switch (o->state) {
	case OFFER_READY:
		snprintf(v->title, sizeof v->title,
		         "Firmware update: slipmat %s (this box runs %s)", got, runs);
		snprintf(v->line[0], sizeof v->line[0], "On %s: %.150s", o->best_at.stick, file);
		if (p->playing) {
			snprintf(
			    v->line[1], sizeof v->line[1],
			    "A deck is playing: installing stops the music and restarts the box.");
			v->warn[1] = 1;
		} else {
			snprintf(v->line[1], sizeof v->line[1],
			         "Installing takes a few seconds, then the box restarts on it.");
		}
		v->armed = p->armed_ms != 0;
		if (v->armed) {
			snprintf(v->line[2], sizeof v->line[2],
			         "Tap again to install now: the music stops.");
			v->warn[2] = 1;
		}
		snprintf(v->label[PROMPT_INSTALL], sizeof v->label[0], "%s",
		         v->armed ? ARMED_LABEL : "Install");
		snprintf(v->label[PROMPT_LATER], sizeof v->label[0], "Not now");
		break;
	case OFFER_INSTALLING:
		snprintf(v->title, sizeof v->title, "Installing slipmat %s", got);
		snprintf(v->line[0], sizeof v->line[0],
		         "From %s: leave the stick in until the box "
		         "restarts.",
		         o->best_at.stick);
		v->percent = offer_percent(o);
		snprintf(v->line[1], sizeof v->line[1], "%s: %d %%",
		         o->job.phase == UPDATE_JOB_VERIFY ? "Checking the copy" : "Copying",
		         v->percent);
		break;
	case OFFER_INSTALLED:
		snprintf(v->title, sizeof v->title, "slipmat %s is installed", got);
		snprintf(v->line[0], sizeof v->line[0], "Restarting into it now.");
		snprintf(v->line[1], sizeof v->line[1],
		         "If it does not start, the box goes back to %s by itself.", runs);
		v->percent = 100;
		break;
	case OFFER_FAILED:
		snprintf(v->title, sizeof v->title, "Firmware update failed");
		wrap(p->body_face, o->why, p->box.w - 2 * p->pad, v->line);
		snprintf(v->label[PROMPT_LATER], sizeof v->label[0], "OK");
		break;
	default:
		break;
	}
}

struct rect prompt_update(struct prompt *p, int playing, long ms)
{
	struct prompt_view v;
	struct rect none = {0, 0, 0, 0};

	if (!p->offer)
		return none;
	p->playing = playing;
	if (p->armed_ms &&
	    (ms - p->armed_ms > PROMPT_ARM_MS || p->offer->state != OFFER_READY || !playing))
		p->armed_ms = 0;
	if (p->offer->state == OFFER_NONE) {
		int was = p->shown;

		p->shown = 0;
		p->view.state = OFFER_NONE;
		return was ? p->box : none;
	}
	compose(p, &v);
	if (!p->shown || memcmp(&v, &p->view, sizeof v)) {
		p->view = v;
		p->dirty = 1;
		/* Install on the right; Not now beside it, or alone in its place. */
		p->button[PROMPT_LATER] = p->slot[v.label[PROMPT_INSTALL][0] ? 1 : 0];
	}
	p->shown = 1;
	return none;
}

static int inside(struct rect r, int x, int y)
{
	return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* The button at x, y, or -1. */
static int hit(const struct prompt *p, int x, int y)
{
	for (int b = 0; b < PROMPT_BUTTONS; b++)
		if (p->view.label[b][0] && inside(p->button[b], x, y))
			return b;
	return -1;
}

static void press(struct prompt *p, int b, long ms)
{
	struct offer *o = p->offer;

	if (b == PROMPT_LATER) {
		offer_dismiss(o);
	} else if (o->state == OFFER_READY) {
		/* In the middle of a set: a second tap, so that a brush never stops the music. */
		if (p->playing && !p->armed_ms)
			p->armed_ms = ms ? ms : 1;
		else
			offer_install(o);
	}
	p->dirty = 1;
}

int prompt_touch(struct prompt *p, const struct touch_point *t, long ms)
{
	if (!p->offer || t->display != p->display || t->slot < 0 || t->slot >= TOUCHDEC_SLOTS)
		return 0;
	if (t->kind == TOUCH_DOWN) {
		if (!p->shown || !inside(p->box, t->x, t->y))
			return 0;
		p->finger[t->slot].down = 1;
		p->finger[t->slot].button = hit(p, t->x, t->y);
		return 1;
	}
	if (!p->finger[t->slot].down)
		return 0;
	if (t->kind == TOUCH_UP) {
		int b = p->finger[t->slot].button;

		p->finger[t->slot].down = 0;
		p->finger[t->slot].button = -1;
		if (p->shown && b >= 0 && hit(p, t->x, t->y) == b)
			press(p, b, ms);
	}
	return 1;
}

/* A button: a rounded fill and its label centred, as large as fits. */
static void button(struct surface *s, struct rect r, const char *label, uint32_t fill, uint32_t ink)
{
	const struct face *f = &face_sans_bold_28;
	int w;

	if (face_measure(f, label, (size_t)-1) > r.w - 8 || face_h(f) > r.h * 2 / 3)
		f = &face_sans_bold_20;
	w = face_measure(f, label, (size_t)-1);
	gfx_round_rect(s, r.x, r.y, r.w, r.h, r.h / 6, fill);
	gfx_text_fit(s, f, r.x + (w < r.w ? (r.w - w) / 2 : 0),
	             r.y + (r.h + f->ascent - f->descent) / 2, r.w, ink, label);
}

int prompt_draw(struct prompt *p, struct surface *s, struct damage *d)
{
	const struct prompt_view *v = &p->view;
	struct rect b = p->box;
	int x = b.x + p->pad, max_w = b.w - 2 * p->pad, y, edge = mm(p, 0.5f) > 2 ? mm(p, 0.5f) : 2;

	if (!p->shown || (!p->dirty && !damage_hits(d, b.x, b.y, b.w, b.h)))
		return 0;
	/* The corners show the ground, never what was under them: a redraw looks the same. */
	gfx_fill_rect(s, b.x, b.y, b.w, b.h, BG);
	gfx_round_rect(s, b.x, b.y, b.w, b.h, p->pad,
	               v->state == OFFER_FAILED ? EDGE_FAILED : EDGE);
	gfx_round_rect(s, b.x + edge, b.y + edge, b.w - 2 * edge, b.h - 2 * edge, p->pad - edge,
	               BOX);
	gfx_text_fit(s, p->title_face, p->title_x, p->title_base, max_w,
	             v->state == OFFER_FAILED ? EDGE_FAILED : TEXT, v->title);
	y = b.y + p->pad + face_h(p->title_face) + p->gap;
	for (int l = 0; l < PROMPT_LINES; l++, y += p->body_h)
		gfx_text_fit(s, p->body_face, x, y + p->body_face->ascent, max_w,
		             v->warn[l] ? WARN
		             : l == 0   ? TEXT
		                        : DIM,
		             v->line[l]);
	if (v->percent >= 0) {
		struct rect r = p->slot[0];
		int h = mm(p, 3.0f), fill = max_w * v->percent / 100;

		gfx_fill_rect(s, x, r.y + (r.h - h) / 2, max_w, h, TRACK);
		gfx_fill_rect(s, x, r.y + (r.h - h) / 2, fill, h, INSTALL);
	}
	if (v->label[PROMPT_LATER][0])
		button(s, p->button[PROMPT_LATER], v->label[PROMPT_LATER], LATER, TEXT);
	if (v->label[PROMPT_INSTALL][0])
		button(s, p->button[PROMPT_INSTALL], v->label[PROMPT_INSTALL],
		       v->armed ? ARMED : INSTALL, DARK_TEXT);
	damage_add(d, b.x, b.y, b.w, b.h);
	p->dirty = 0;
	return 1;
}

int prompt_describe(const struct prompt *p, char *buf, size_t size)
{
	static const char *const names[PROMPT_BUTTONS] = {"install", "later"};
	int n;

	buf[0] = '\0';
	if (!p->shown)
		return 0;
	n = snprintf(buf, size, "dialog update: display %d at %d,%d %dx%d\n", p->display, p->box.x,
	             p->box.y, p->box.w, p->box.h);
	for (int b = 0; b < PROMPT_BUTTONS && n > 0 && (size_t)n < size; b++)
		if (p->view.label[b][0])
			n += snprintf(buf + n, size - (size_t)n,
			              "control update-%s: display %d at %d,%d %dx%d\n", names[b],
			              p->display, p->button[b].x, p->button[b].y, p->button[b].w,
			              p->button[b].h);
	return n;
}
