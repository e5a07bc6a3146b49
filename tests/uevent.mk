# uevent_parse() on kernel-shaped and broken messages, and the socket's
# refusal of messages that do not come from the kernel.
TESTS += uevent
uevent_SRCS := hal/uevent.c fw/loop.c fw/arena.c fw/log.c fw/guard.c
uevent_LIBS :=
NEON_TESTS += uevent
