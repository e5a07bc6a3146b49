# dsp/wavesum: the three-band waveform summary and its zoom levels (also under qemu-aarch64).
TESTS += wavesum
NEON_TESTS += wavesum
wavesum_SRCS := dsp/wavesum.c
wavesum_LIBS :=
