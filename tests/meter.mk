# dsp/meter: peak and RMS meters (also under qemu-aarch64).
TESTS += meter
NEON_TESTS += meter
meter_SRCS := dsp/meter.c tests/signals.c
meter_LIBS :=
