# fw/audiodev: unplugging and replugging the interface, against a fake PCM
# whose plug the test pulls; linked with what the audio thread needs.
TESTS += audiodev
audiodev_SRCS := fw/audiodev.c $(audio_SRCS)
audiodev_LIBS := $(audio_LIBS)
