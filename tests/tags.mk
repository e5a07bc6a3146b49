# fw/tags: title, artist, album, comment, key and BPM from each format's tags.
TESTS += tags
NEON_TESTS += tags
tags_SRCS := fw/tags.c
tags_LIBS :=
