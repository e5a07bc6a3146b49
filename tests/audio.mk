# fw/audio: the audio thread rendering the engine into the WAV sink and a
# fake PCM, under the allocation guard and its own syscall filter (alsa.c
# is linked for pcm_ops_for(), which picks between the two real backends).
TESTS += audio
audio_SRCS := fw/audio.c fw/engine.c fw/deck.c fw/grid.c fw/spsc.c fw/rtguard.c \
	hal/wavsink.c hal/alsa.c dsp/convert.c dsp/resample.c dsp/eq.c dsp/biquad.c \
	dsp/djfilter.c dsp/limiter.c dsp/meter.c dsp/mix.c fw/arena.c fw/guard.c fw/log.c
audio_LIBS := $(shell $(PKG_CONFIG) --libs alsa 2>/dev/null)
