# fw/offer: releases found on a stick, refused or offered, installed a
# slice at a time; a temporary folder is the stick.
TESTS += offer
offer_SRCS := fw/offer.c fw/update.c fw/ed25519.c fw/sha512.c fw/log.c fw/guard.c tests/releases.c
offer_LIBS := $(SODIUM_LIBS)
