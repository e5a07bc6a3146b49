# dsp/tempo: BPM, beat grid and first downbeat on generated tracks (tools/gen).
TESTS += tempo
tempo_SRCS := dsp/tempo.c dsp/wavesum.c tools/gen/gentrack.c fw/grid.c
tempo_LIBS :=
