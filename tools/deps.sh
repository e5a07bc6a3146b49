#!/bin/sh
# Install the Debian packages that building, running and testing slipmat
# need, and only those that are missing (a no-op on a ready machine).
set -eu

pkgs="build-essential pkg-config libasound2-dev libdrm-dev libevdev-dev libcmocka-dev
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
libasound2-dev:arm64 libdrm-dev:arm64 libevdev-dev:arm64 libcmocka-dev:arm64
libsodium-dev libsodium-dev:arm64 e2fsprogs
libfreetype-dev fonts-dejavu-core
libmpg123-dev libmpg123-dev:arm64 clang libfuzzer-14-dev
qemu-system-x86 qemu-system-arm busybox-static cpio kmod xz-utils zstd
mtools dosfstools exfatprogs"
# Only the benchmarks' reference libraries and tools (make bench).
if [ "${1:-}" = bench ]; then
	pkgs="$pkgs libsamplerate0-dev libpixman-1-dev flac mpg123 valgrind
aubio-tools bpm-tools sox ffmpeg"
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
