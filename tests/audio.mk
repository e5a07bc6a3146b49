# fw/audio: the audio thread against the WAV sink and a fake PCM (alsa.c is
# linked for pcm_ops_for(), which picks between the two real backends).
TESTS += audio
audio_SRCS := fw/audio.c hal/wavsink.c hal/alsa.c dsp/convert.c dsp/tone.c fw/arena.c \
	fw/guard.c fw/log.c
audio_LIBS := $(shell $(PKG_CONFIG) --libs alsa 2>/dev/null)
