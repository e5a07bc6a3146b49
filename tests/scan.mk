# fw/scan: the sliced folder walk over a real tree of files (with the
# file-name tags of fw/tags.c). Single-threaded: also under qemu-aarch64.
TESTS += scan
NEON_TESTS += scan
scan_SRCS := fw/scan.c fw/library.c fw/store.c fw/tags.c fw/arena.c fw/log.c fw/guard.c
scan_LIBS :=
