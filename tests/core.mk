# Core modules of fw/: each test links only its module and what it needs.
TESTS += arena loop guard board ctl
arena_SRCS := fw/arena.c fw/guard.c fw/log.c
loop_SRCS := fw/loop.c fw/arena.c fw/guard.c fw/log.c
guard_SRCS := fw/guard.c
board_SRCS := fw/board.c
ctl_SRCS := fw/ctl.c fw/loop.c fw/arena.c fw/guard.c fw/log.c
# Single-threaded, so they also run under qemu-aarch64 (where this
# host's qemu-user hangs on pthread_create).
NEON_TESTS += arena loop board
