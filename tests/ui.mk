# fw/ui: the DJ's screens as pixels, and what idle and playing screens redraw.
TESTS += ui
NEON_TESTS += ui
ui_SRCS := fw/ui.c dsp/wavesum.c fw/controls.c fw/gesture.c fw/layout.c fw/playhead.c gfx/gfx.c gfx/kernels.c gfx/shapes.c \
	gfx/text.c gfx/damage.c fonts/face.c fonts/font.c fonts/mono8x16.c $(FACES_C) hal/png.c \
	fw/log.c fw/guard.c
ui_LIBS :=
