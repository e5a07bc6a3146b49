# slipmat: one GNU make build for the host and for aarch64.
#
#   make                      build/<arch>/slipmat (debug: guards abort)
#   make CROSS_COMPILE=aarch64-linux-gnu-
#   make run                  boot the appliance in the emulator
#   make test [SAN=address|undefined|thread]
#   make format               apply .clang-format
#
# Start reading at fw/main.c.

.DEFAULT_GOAL := all
CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
TRIPLET := $(shell $(CC) -dumpmachine 2>/dev/null)
ARCH := $(firstword $(subst -, ,$(TRIPLET)))
SAN ?=
BUILD ?= debug
OUT := build/$(ARCH)$(if $(SAN),-$(SAN))$(if $(filter release,$(BUILD)),-release)

ifneq ($(CROSS_COMPILE),)
PKG_CONFIG := PKG_CONFIG_LIBDIR=/usr/lib/$(TRIPLET)/pkgconfig:/usr/share/pkgconfig pkg-config
else
PKG_CONFIG := pkg-config
endif
PKGS := alsa libdrm libevdev libmpg123
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla -Werror=implicit-function-declaration
ifeq ($(WERROR),1)
WARN += -Werror
endif

OPT := -O2 -g
ifeq ($(BUILD),release)
DEFS := -DSLIPMAT_GUARD_ABORT=0
else
DEFS := -DSLIPMAT_GUARD_ABORT=1
endif
ifneq ($(SAN),)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SAN)
ifeq ($(SAN),undefined)
OPT += -fno-sanitize-recover=undefined
endif
endif

CFLAGS := -std=c11 -D_GNU_SOURCE -ffp-contract=off $(OPT) $(WARN) $(DEFS) -I. $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(OPT) $(EXTRA_LDFLAGS)
# Ed25519 and SHA-512 for signed releases: libsodium, linked statically.
SODIUM_LIBS := -l:libsodium.a
LIBS := $(PKG_LIBS) $(SODIUM_LIBS) -lpthread -lm
# The MP3 decoder's library, for the tests that link fw/mp3.c.
MPG123_LIBS := $(shell $(PKG_CONFIG) --libs libmpg123 2>/dev/null)

SRCS := $(wildcard fw/*.c hal/*.c dsp/*.c gfx/*.c fonts/*.c)
OBJS := $(SRCS:%.c=$(OUT)/obj/%.o)

# Glyph atlases (fonts/face.h): tools/fontatlas.c renders Debian's DejaVu
# fonts with FreeType on the build machine into $(OUT)/gen/faces.c, which
# the firmware links; the box never parses a font.
FONT_DIR ?= /usr/share/fonts/truetype/dejavu
FONT_FACES := sans_13 DejaVuSans.ttf 13 sans_16 DejaVuSans.ttf 16 sans_20 DejaVuSans.ttf 20 \
	sans_22 DejaVuSans.ttf 22 sans_28 DejaVuSans.ttf 28 sans_bold_20 DejaVuSans-Bold.ttf 20 \
	sans_bold_28 DejaVuSans-Bold.ttf 28 sans_bold_38 DejaVuSans-Bold.ttf 38
FACES_C := $(OUT)/gen/faces.c
OBJS += $(OUT)/obj/$(OUT)/gen/faces.o
$(OUT)/gen/fontatlas: tools/fontatlas.c
	@mkdir -p $(dir $@)
	gcc -std=c11 -O2 -Wall -Wextra -o $@ $< $(shell pkg-config --cflags --libs freetype2)
$(FACES_C): $(OUT)/gen/fontatlas Makefile
	$< $(foreach w,$(FONT_FACES),$(if $(filter %.ttf,$(w)),$(FONT_DIR)/$(w),$(w))) >$@.tmp
	@mv $@.tmp $@

.PHONY: all deps run test check unit-tests neon-tests format clean bench fuzz fuzz-targets
all: $(OUT)/slipmat

$(OUT)/slipmat: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

# Unit tests: each tests/NAME.mk adds NAME to TESTS and says which sources
# (NAME_SRCS) and libraries (NAME_LIBS) tests/test_NAME.c links with; one
# binary per module, linked only with that module and its fakes.
# NEON_TESTS lists the ones also run under qemu-aarch64 on the cross build.
TESTS :=
NEON_TESTS :=
include $(sort $(wildcard tests/*.mk))

define test_rule
$(OUT)/tests/test_$(1): tests/test_$(1).c $$($(1)_SRCS:%.c=$(OUT)/obj/%.o)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$($(1)_LIBS) -lcmocka -lpthread -lm
endef
$(foreach t,$(TESTS),$(eval $(call test_rule,$(t))))

TEST_BINS := $(TESTS:%=$(OUT)/tests/test_%)
NEON_BINS := $(NEON_TESTS:%=$(OUT)/tests/test_%)
unit-tests: $(TEST_BINS) $(OUT)/e2e/check $(OUT)/e2e/capture

# The end-to-end test's eyes and ears: screendump and WAV checks.
CHECK_SRCS := gfx/gfx.c gfx/kernels.c gfx/text.c gfx/shapes.c fonts/font.c fonts/mono8x16.c fonts/face.c \
	hal/png.c fw/log.c fw/guard.c tests/signals.c $(FACES_C) fw/splash.c
$(OUT)/e2e/check: tests/e2e/check.c $(CHECK_SRCS:%.c=$(OUT)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lm

# Runs inside the emulated box: records the ALSA loopback card.
$(OUT)/e2e/capture: tests/e2e/capture.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
neon-tests: $(NEON_BINS) $(OUT)/e2e/check $(OUT)/e2e/capture

# Signed releases (fw/update.h). tools/release runs on the build host. A dev
# key pair is made once in build/keys (never committed); a production
# build passes RELEASE_PUB=its public key, and releases are signed on the
# machine that holds the secret (tools/release sign), not here.
HOSTCC ?= gcc
KEYDIR := build/keys
RELEASE_KEY ?= $(KEYDIR)/dev.key
RELEASE_PUB ?= $(KEYDIR)/dev.pub
VERSION := $(shell sed -n 's/^\#define SLIPMAT_VERSION "\(.*\)"/\1/p' fw/main.c)
RELEASE_SRCS := tools/release.c fw/update.c fw/ed25519.c fw/sha512.c fw/log.c fw/guard.c
RELEASE_TOOL := build/tools/release

$(RELEASE_TOOL): $(RELEASE_SRCS) $(wildcard fw/update.h fw/ed25519.h fw/sha512.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=c11 -D_GNU_SOURCE -O2 $(WARN) -I. -o $@ $(RELEASE_SRCS) -l:libsodium.a

$(KEYDIR)/dev.pub: | $(RELEASE_TOOL)
	@mkdir -p $(KEYDIR)
	rm -f $(KEYDIR)/dev.key $(KEYDIR)/dev.pub
	$(RELEASE_TOOL) keygen $(KEYDIR)/dev.key $(KEYDIR)/dev.pub

$(KEYDIR)/pubkey.h: $(RELEASE_PUB) $(RELEASE_TOOL)
	$(RELEASE_TOOL) header $(RELEASE_PUB) $@

$(OUT)/obj/fw/supervise.o: $(KEYDIR)/pubkey.h
$(OUT)/obj/fw/supervise.o: CFLAGS += -I$(KEYDIR)

# The release: the binary with its signed trailer (arch and board family
# are the build's, see fw/update.h). Signed here only with the dev key.
ifeq ($(RELEASE_PUB),$(KEYDIR)/dev.pub)
all: $(OUT)/slipmat.release
endif
$(OUT)/slipmat.release: $(OUT)/slipmat $(RELEASE_PUB) $(RELEASE_TOOL)
	$(RELEASE_TOOL) sign $(RELEASE_KEY) $< $@ --version $(VERSION) --arch $(ARCH) \
		--board $(if $(filter aarch64,$(ARCH)),rk3588,pc)

deps:
	@sh tools/deps.sh

# Fuzz targets (libFuzzer, clang, with ASan and UBSan): each tests/fuzz/NAME.mk
# adds NAME to FUZZ and lists the sources tests/fuzz/fuzz_NAME.c links
# (fuzz_NAME_SRCS, fuzz_NAME_LIBS); seeds in tests/fuzz/corpus/NAME.
# `make fuzz` runs each for FUZZ_SECONDS; `make test` for FUZZ_TEST_SECONDS.
# clang 14 does not define GCC's __SANITIZE_ADDRESS__, which tells fw/guard.c
# to watch allocations through the sanitizer's hooks instead of wrapping malloc.
FUZZ :=
include $(sort $(wildcard tests/fuzz/*.mk))
FUZZ_OUT := build/fuzz
FUZZ_SECONDS ?= 600
FUZZ_TEST_SECONDS ?= 4
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -D__SANITIZE_ADDRESS__=1 -DSLIPMAT_GUARD_ABORT=1 -I.
define fuzz_rule
$(FUZZ_OUT)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(fuzz_$(1)_SRCS) $$(wildcard tests/fuzz/*.h fw/*.h)
	@mkdir -p $$(dir $$@)
	clang $(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $$(fuzz_$(1)_SRCS) $$(fuzz_$(1)_LIBS)
endef
$(foreach f,$(FUZZ),$(eval $(call fuzz_rule,$(f))))
fuzz-targets: $(FUZZ:%=$(FUZZ_OUT)/fuzz_%)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-targets
	@sh tests/fuzz/run.sh $(FUZZ_OUT) $(FUZZ_SECONDS) $(FUZZ)

# make test: install what is missing, build everything warnings-clean,
# run the host unit tests, the NEON tests under qemu-aarch64 and the
# emulator end-to-end test, and close with "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory WERROR=1 check

# Sanitizer runs are host-only: the cross build and the emulator run the
# plain build.
check:
	@$(MAKE) --no-print-directory all unit-tests
ifeq ($(SAN),)
	@$(MAKE) --no-print-directory fuzz-targets
	@$(MAKE) --no-print-directory CROSS_COMPILE=aarch64-linux-gnu- all neon-tests
	@NEON_TESTS="$(NEON_TESTS)" FUZZ="$(FUZZ)" FUZZ_OUT=$(FUZZ_OUT) \
		FUZZ_SECONDS=$(FUZZ_TEST_SECONDS) sh tools/testrun.sh $(OUT) build/aarch64
else
	@sh tools/testrun.sh $(OUT)
endif

run: deps
	@$(MAKE) --no-print-directory all $(OUT)/e2e/check $(OUT)/e2e/capture
	@sh tools/emu/run.sh $(OUT)/slipmat

# Benchmarks: speed and memory figures for the README, measured side by
# side in one run (tools/bench/run.sh says what each figure is).
bench:
	@sh tools/deps.sh bench
	@$(MAKE) --no-print-directory all unit-tests
	@$(MAKE) --no-print-directory CROSS_COMPILE=aarch64-linux-gnu- all neon-tests
	@sh tools/bench/run.sh $(OUT) build/aarch64

format:
	clang-format -i $(SRCS) $(wildcard fw/*.h hal/*.h dsp/*.h gfx/*.h fonts/*.h tests/*.c tools/*.c tools/*/*.c)

clean:
	rm -rf build
