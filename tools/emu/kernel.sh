#!/bin/sh
# kernel.sh ARCH OUTDIR
# Fetch and unpack Debian's current kernel image for the emulator.
#   ARCH   x86_64 (PREEMPT_RT build, linux-image-rt-amd64) or aarch64
#          (linux-image-arm64:arm64)
#   OUTDIR cache directory, e.g. build/emu/kernel-x86_64
# The versioned package (linux-image-6.1.0-NN-...) changes with every
# security update, so it is resolved through the metapackage, never written
# down. The .deb is only unpacked (dpkg -x), never installed. A second call
# for the same package version does nothing.
# Prints two lines: the kernel to boot (x86_64: the uncompressed vmlinux
# taken out of the vmlinuz, see unpack_bzimage; aarch64: the vmlinuz) and
# the module directory.
set -eu

# unpack_bzimage BZIMAGE OUT: write the uncompressed ELF kernel inside an
# x86 bzImage to OUT. QEMU boots that ELF through its PVH entry, which
# skips the firmware's real-mode setup and the in-guest decompression:
# about 3 s less per boot under TCG. No OUT for an unknown compression.
unpack_bzimage() {
    # Boot protocol: setup_sects at 0x1f1, payload_offset at 0x248.
    setup=$(od -An -tu1 -j 497 -N 1 "$1" | tr -d ' ')
    payload=$(od -An -tu4 -j 584 -N 4 "$1" | tr -d ' ')
    skip=$(( (setup + 1) * 512 + payload ))
    magic=$(od -An -tx1 -j "$skip" -N 4 "$1" | tr -d ' ')
    case $magic in
        fd377a58) unpack="xz -dc --single-stream" ;;
        28b52ffd) unpack="zstd -dcq" ;;
        1f8b*)    unpack="gzip -dc" ;;
        *) echo "kernel.sh: $1: unknown payload $magic, booting it as is" >&2; return 0 ;;
    esac
    # Trailing bytes after the stream are expected; gzip warns about them.
    tail -c +$((skip + 1)) "$1" | $unpack > "$2.tmp" 2>/dev/null || [ -s "$2.tmp" ]
    mv "$2.tmp" "$2"
}

[ $# -eq 2 ] || { echo "usage: $0 x86_64|aarch64 OUTDIR" >&2; exit 2; }
arch=$1
out=$2
case $arch in
    x86_64)  meta=linux-image-rt-amd64; qual= ;;
    aarch64) meta=linux-image-arm64:arm64; qual=:arm64 ;;
    *) echo "kernel.sh: unknown arch '$arch' (x86_64 or aarch64)" >&2; exit 2 ;;
esac

# The metapackage's candidate depends on exactly one versioned image
# package, at an exact version: "Depends: linux-image-6.1.0-NN-... (= V)".
dep=$(apt-cache show --no-all-versions "$meta" 2>/dev/null |
    sed -n 's/^Depends: \(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p' | head -n 1)
pkg=${dep% *}
ver=${dep#* }
[ -n "$dep" ] || { echo "kernel.sh: cannot resolve $meta (apt-get update?)" >&2; exit 1; }
kver=${pkg#linux-image-}          # 6.1.0-NN-rt-amd64: the uname -r
root=$out/${pkg}_$ver             # the unpacked package tree

mkdir -p "$out"
if [ ! -f "$root/.done" ]; then
    # A new version replaces every older tree: they are ~400 MB each.
    rm -rf "$out"/linux-image-* "$out/dl"
    mkdir -p "$out/dl"
    # Let apt's unprivileged downloader write here (it warns otherwise).
    chmod 777 "$out/dl"
    # apt-get download writes into the current directory.
    (cd "$out/dl" && apt-get -q download "$pkg$qual=$ver") >&2
    dpkg -x "$out"/dl/*.deb "$root"
    rm -rf "$out/dl"
    # The package ships no modules.dep (postinst makes it); initramfs.sh
    # resolves module dependencies with modprobe -d against this tree.
    depmod -b "$root" "$kver"
    if [ "$arch" = x86_64 ]; then
        unpack_bzimage "$root/boot/vmlinuz-$kver" "$root/boot/vmlinux-$kver"
    fi
    touch "$root/.done"
fi

if [ -f "$root/boot/vmlinux-$kver" ]; then
    echo "$root/boot/vmlinux-$kver"
else
    echo "$root/boot/vmlinuz-$kver"
fi
echo "$root/lib/modules/$kver"
