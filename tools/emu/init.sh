#!/bin/busybox sh
# shellcheck shell=dash
# /init of the emulator's initramfs (initramfs.sh copies this file in).
# Loads the drivers the emulated appliance needs (there is no udev to do
# it), opens a technician shell on the serial port, then hands PID 1 to
# slipmat, which mounts anything else it needs and reaps children.
# No `set -e`: a module that fails to load must not stop slipmat's start.
set -u
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root TERM=vt100

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
# The initramfs has no /dev/console node, so the kernel could not give us
# stdio: take it now that devtmpfs provides it.
exec </dev/console >/dev/console 2>&1
# Applet links (/sbin/modprobe is also what the kernel runs for
# request_module, e.g. crypto modules and filesystems at mount time).
/bin/busybox --install -s

# Lines go through /dev/kmsg so they carry the kernel's timestamps.
while read -r m; do
    modprobe "$m" || echo "emu: modprobe $m failed" > /dev/kmsg
done < /etc/emu/modules
echo "emu: modules loaded" > /dev/kmsg

# Technician shell on the serial port, in its own session with the port
# as controlling tty (job control, ^C). Echo is off so that waiting on
# serial.log for a command's output never matches the command itself.
# The port is the kernel's console (ttyS0 on x86_64, ttyAMA0 on aarch64);
# /dev/ttyS0 exists on aarch64 too, without a UART behind it.
tty=$(cat /sys/class/tty/console/active 2>/dev/null || echo ttyS0)
tty=${tty##* }
PS1='emu# ' setsid -c sh -c 'stty -echo; exec sh' <>"/dev/$tty" >&0 2>&0 &

exec /sbin/slipmat
