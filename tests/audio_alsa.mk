# hal/alsa: the ALSA backend against libasound's null PCM (no card needed).
TESTS += audio_alsa
audio_alsa_SRCS := hal/alsa.c dsp/convert.c fw/guard.c fw/log.c
audio_alsa_LIBS := $(shell $(PKG_CONFIG) --libs alsa 2>/dev/null)
