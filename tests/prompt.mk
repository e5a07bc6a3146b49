# fw/prompt: the update dialog as pixels and touch targets, driven by a
# real offer of a release on a temporary stick.
TESTS += prompt
prompt_SRCS := fw/prompt.c fw/offer.c fw/update.c fw/ed25519.c fw/sha512.c gfx/gfx.c \
	gfx/kernels.c gfx/shapes.c gfx/text.c gfx/damage.c fonts/face.c fonts/font.c fonts/mono8x16.c \
	$(FACES_C) hal/png.c \
	fw/log.c fw/guard.c tests/releases.c
prompt_LIBS := $(SODIUM_LIBS)
