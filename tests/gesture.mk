# Gestures from raw touch points: tap, double tap, long press, drag,
# fling, pinch, several fingers on several controls.
TESTS += gesture
gesture_SRCS := fw/gesture.c
gesture_LIBS :=
NEON_TESTS += gesture
