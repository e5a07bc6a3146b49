#!/bin/sh
# initramfs.sh ARCH MODDIR BINARY BOARDFILE OUT.cpio.gz [EXTRA...]
# Build the emulator's initramfs (cpio newc, gzip): busybox, BINARY as
# /sbin/slipmat with its shared libraries, ALSA's config, the board profile
# at /etc/slipmat/board, a trimmed module tree and tools/emu/init.sh as /init.
#   ARCH     x86_64 | aarch64
#   MODDIR   lib/modules/<version> of a kernel unpacked by kernel.sh
#   EXTRA    SRC[:DEST] more files; DEST defaults to /extra/<basename>.
#            Dynamic ELF extras get their libraries too.
# Skips the work when OUT is newer than every input and the arguments match.
# The trimmed module tree and the arm64 busybox are cached under
# build/emu/cache (EMU_CACHE overrides).
set -eu

usage() { echo "usage: $0 x86_64|aarch64 MODDIR BINARY BOARDFILE OUT.cpio.gz [SRC[:DEST]...]" >&2; exit 2; }
[ $# -ge 5 ] || usage
arch=$1 moddir=$2 binary=$3 board=$4 out=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
kver=$(basename "$moddir")
cache=${EMU_CACHE:-$(cd "$here/../.." && pwd)/build/emu/cache}

# Modules /init loads, in order. The crc/crypto ones are soft or runtime
# (request_module) dependencies that busybox modprobe does not follow.
modules="virtio_pci virtio-gpu xhci-pci snd-usb-audio usbhid hid-generic evdev
uinput snd-aloop usb-storage crc32c_generic crc64_rocksoft_generic sd_mod vfat
exfat ext4 nls_cp437 nls_ascii nls_utf8 virtio_blk"
case $arch in
    x86_64)
        # cirrus: the emulator's 16-bit (RGB565) display, boot.sh --gpu cirrus
        modules="$modules cirrus"
        triplet=x86_64-linux-gnu readelf=readelf machine=X86-64
        libdirs="/lib/$triplet /usr/lib/$triplet" ;;
    aarch64)
        triplet=aarch64-linux-gnu readelf=aarch64-linux-gnu-readelf machine=AArch64
        libdirs="/usr/lib/$triplet /lib/$triplet /usr/$triplet/lib"
        modules="$modules xhci-plat-hcd" ;;
    *) echo "initramfs.sh: unknown arch '$arch'" >&2; usage ;;
esac
for f in "$binary" "$board" "$moddir/modules.dep"; do
    [ -r "$f" ] || { echo "initramfs.sh: cannot read $f" >&2; exit 1; }
done

# --- up-to-date check: same arguments and no input newer than OUT --------
# newer FILE...: true when a FILE is newer than OUT.
newer() {
    for f in "$@"; do
        [ -n "$(find "${f%%:*}" -newer "$out")" ] && return 0
    done
    return 1
}
args="$arch $moddir $binary $board $*"
if [ -f "$out" ] && [ "$(cat "$out.args" 2>/dev/null)" = "$args" ] &&
    ! newer "$binary" "$board" "$here/init.sh" "$0" "$moddir/modules.dep" "$@"; then
    echo "$out"
    exit 0
fi

# --- helpers -------------------------------------------------------------
# fetch_deb PKG DIR: unpack an :arm64 package into DIR once per version.
fetch_deb() {
    ver=$(apt-cache show "$1" | sed -n 's/^Version: //p' | head -n 1)
    [ -n "$ver" ] || { echo "initramfs.sh: no package $1 (apt-get update?)" >&2; exit 1; }
    stamp="$2/.version"
    [ "$(cat "$stamp" 2>/dev/null)" = "$ver" ] && return 0
    rm -rf "$2"; mkdir -p "$2/dl"; chmod 777 "$2/dl"
    (cd "$2/dl" && apt-get -q download "$1=$ver") >&2
    dpkg -x "$2"/dl/*.deb "$2/root"
    rm -rf "$2/dl"
    echo "$ver" > "$stamp"
}

# is_dynamic FILE: true for an ELF with a program interpreter.
is_dynamic() { $readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; }

# find_lib NAME: first match in the arch's library directories.
find_lib() {
    for d in $libdirs; do
        [ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
    done
    echo "initramfs.sh: library $1 not found in $libdirs" >&2; exit 1
}

# add_libs ELF: copy its loader and, recursively, its DT_NEEDED libraries.
add_libs() {
    if ! $readelf -h "$1" | grep -q "Machine:.*$machine"; then
        echo "initramfs.sh: $1 is not an $arch binary" >&2; exit 1
    fi
    interp=$($readelf -l "$1" | sed -n 's/.*program interpreter: \(.*\)]/\1/p')
    if [ ! -e "$stage$interp" ]; then
        mkdir -p "$stage$(dirname "$interp")"
        cp -L "$(find_lib "$(basename "$interp")")" "$stage$interp"
    fi
    todo=$($readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    while [ -n "$todo" ]; do
        next=
        for lib in $todo; do
            # libc names the loader too; it is already at its own path.
            [ "$lib" = "$(basename "$interp")" ] && continue
            [ -e "$stage/lib/$triplet/$lib" ] && continue
            src=$(find_lib "$lib")
            cp -L "$src" "$stage/lib/$triplet/$lib"
            next="$next $($readelf -d "$src" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
        done
        todo=$next
    done
}

# trimmed_modules: print a cached module tree holding $modules, their
# dependencies (uncompressed: busybox modprobe may not read .ko.xz/.zst)
# and a modules.dep made by depmod for that tree.
trimmed_modules() {
    kroot=$(cd "$moddir/../../.." && pwd)
    key=$(echo "$kroot $modules" | cksum | cut -d ' ' -f 1)
    tree=$cache/modules-$arch-$kver-$key
    if [ ! -f "$tree/.done" ] || [ -n "$(find "$moddir/modules.dep" -newer "$tree/.done")" ]; then
        rm -rf "$tree"
        mkdir -p "$tree/lib/modules/$kver"
        # show-depends lists each module after its dependencies and softdeps.
        # shellcheck disable=SC2086 # $modules is a list of words
        modprobe -d "$kroot" -S "$kver" --show-depends -a $modules |
        sed -n "s|^insmod $kroot/lib/modules/$kver/\([^ ]*\).*|\1|p" | sort -u |
        while read -r rel; do
            dst=$tree/lib/modules/$kver/$rel
            mkdir -p "$(dirname "$dst")"
            case $rel in
                *.ko.xz)  xz -dc "$moddir/$rel" > "${dst%.xz}" ;;
                *.ko.zst) zstd -qdc "$moddir/$rel" > "${dst%.zst}" ;;
                *.ko.gz)  gzip -dc "$moddir/$rel" > "${dst%.gz}" ;;
                *)        cp "$moddir/$rel" "$dst" ;;
            esac
        done
        cp "$moddir/modules.order" "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$tree/lib/modules/$kver/"
        depmod -b "$tree" "$kver"
        touch "$tree/.done"
    fi
    echo "$tree"
}

# --- assemble ------------------------------------------------------------
mkdir -p "$(dirname "$out")"
stage=$out.stage
rm -rf "$stage"
trap 'rm -rf "$stage" "$out.tmp"' EXIT
mkdir -p "$stage/bin" "$stage/sbin" "$stage/lib/$triplet" "$stage/etc/slipmat" \
    "$stage/etc/emu" "$stage/usr/share" "$stage/proc" "$stage/sys" "$stage/dev" \
    "$stage/tmp" "$stage/run" "$stage/mnt" "$stage/root" "$stage/usr/bin" \
    "$stage/usr/sbin" "$stage/etc/modprobe.d"

if [ "$arch" = aarch64 ]; then
    fetch_deb busybox-static:arm64 "$cache/busybox-aarch64"
    cp "$cache/busybox-aarch64/root/bin/busybox" "$stage/bin/busybox"
else
    cp "$(command -v busybox)" "$stage/bin/busybox"
fi
is_dynamic "$stage/bin/busybox" && { echo "initramfs.sh: busybox is not static (install busybox-static)" >&2; exit 1; }

cp "$here/init.sh" "$stage/init"
chmod 755 "$stage/init"
cp "$binary" "$stage/sbin/slipmat"
chmod 755 "$stage/sbin/slipmat"
is_dynamic "$binary" && add_libs "$binary"
cp "$board" "$stage/etc/slipmat/board"
cp -r /usr/share/alsa "$stage/usr/share/alsa"
# Card numbers follow probe order (the USB card appears late): pin them so
# the USB interface is always card 0 and the loopback card 1.
printf 'options snd-usb-audio index=0\noptions snd-aloop index=1\n' \
    > "$stage/etc/modprobe.d/emu.conf"

tree=$(trimmed_modules)
cp -r "$tree/lib/modules" "$stage/lib/modules"
# /init loads only what is a module here (a builtin needs no modprobe).
for m in $modules; do
    if grep -q "/$(echo "$m" | sed 's/[-_]/[-_]/g')\.ko:" "$tree/lib/modules/$kver/modules.dep"; then
        echo "$m"
    fi
done > "$stage/etc/emu/modules"

for e in "$@"; do
    src=${e%%:*}
    dst=${e#"$src"}; dst=${dst#:}
    [ -n "$dst" ] || dst=/extra/$(basename "$src")
    [ -r "$src" ] || { echo "initramfs.sh: cannot read extra file $src" >&2; exit 1; }
    mkdir -p "$stage$(dirname "$dst")"
    cp "$src" "$stage$dst"
    is_dynamic "$src" && add_libs "$src"
done

# Sorted names and root ownership keep the archive reproducible.
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
    gzip -6 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$args" > "$out.args"
echo "$out"
