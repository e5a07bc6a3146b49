# fw/playhead: the decks' positions between the engine's reports, moving
# smoothly with the audio clock at 60 frames a second.
TESTS += playhead
playhead_SRCS := fw/playhead.c tests/signals.c
playhead_LIBS :=
NEON_TESTS += playhead
