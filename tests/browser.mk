# fw/browser: the library on the DJ's screens, by touch, as pixels: on
# 1024x600 and 1280x800, one display and two. Single-threaded: also
# under qemu-aarch64.
TESTS += browser
NEON_TESTS += browser
browser_SRCS = fw/browser.c fw/library.c fw/arena.c $(ui_SRCS)
browser_LIBS :=
