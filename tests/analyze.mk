# fw/analyze: the sliced analysis job over a track that is still being decoded.
TESTS += analyze
analyze_SRCS := fw/analyze.c fw/arena.c fw/log.c fw/guard.c fw/deck.c fw/grid.c dsp/resample.c \
	dsp/tempo.c dsp/key.c dsp/loudness.c dsp/wavesum.c dsp/biquad.c dsp/meter.c tools/gen/gentrack.c
analyze_LIBS :=
