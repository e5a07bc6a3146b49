# Frame pacing under audio load and heat; frame time statistics.
TESTS += pacer
pacer_SRCS := fw/pacer.c
pacer_LIBS :=
NEON_TESTS += pacer
