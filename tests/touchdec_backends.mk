# The touch backends on a real loop: the sim script player, and the evdev
# backend's open/hotplug/close with whatever /dev/input holds.
TESTS += touchdec_backends
touchdec_backends_SRCS := hal/touchsim.c hal/evdev.c hal/touchdec.c fw/loop.c fw/arena.c \
	fw/log.c fw/guard.c
touchdec_backends_LIBS := $(shell $(PKG_CONFIG) --libs libevdev 2>/dev/null)
