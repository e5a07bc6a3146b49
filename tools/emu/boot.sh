#!/bin/sh
# boot.sh --arch ARCH --kernel KERNEL --initrd INITRD --dir RUNDIR
#         [--window] [--res WxH] [--audio-channels N] [--append ARGS]
#         [--gpu virtio|cirrus]
#         [-- QEMU_ARGS...]
# Start the emulated appliance in the background (TCG: KVM hangs on the
# nested hosts we run on) and return once QEMU listens on its sockets.
# KERNEL is the first line kernel.sh prints. RUNDIR (no commas) gets
# qmp.sock, serial.sock, serial.log, audio.wav, vnc0.sock and vnc1.sock
# (one VNC server per head, no password), qemu.pid and qemu.log.
# Prints QEMU's pid. Stop it with `emuctl quit RUNDIR/qmp.sock`.
#   --window   show the screens in a GTK window (default: headless)
#   --res WxH  preferred mode of both heads (default 1280x800)
#   --audio-channels N  2 (default), 6 or 8: the channel count audio.wav
#              is written with. QEMU 7.2 records a stream exactly only
#              when the guest plays 2 channels; see README.md.
#   --gpu      virtio (default: virtio-gpu, two heads, XRGB8888) or, on
#              x86_64, cirrus (one VGA head whose DRM driver scans out
#              RGB565: the 16-bit panel path)
#   --append   more kernel command line
#   -- ...     more QEMU arguments (e.g. a USB stick, see README.md)
set -eu

usage() { sed -n '2,4p' "$0" | sed 's/^# //' >&2; exit 2; }
arch=x86_64 kernel='' initrd='' dir='' display=none res=1280x800 append='' channels=2
while [ $# -gt 0 ]; do
    case $1 in
        --arch)   arch=${2?}; shift 2 ;;
        --kernel) kernel=${2?}; shift 2 ;;
        --initrd) initrd=${2?}; shift 2 ;;
        --dir)    dir=${2?}; shift 2 ;;
        --res)    res=${2?}; shift 2 ;;
        --append) append=${2?}; shift 2 ;;
        --audio-channels) channels=${2?}; shift 2 ;;
        --gpu)    gpu=${2?}; shift 2 ;;
        --window) display=gtk; shift ;;
        --) shift; break ;;
        *) usage ;;
    esac
done
if [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$dir" ]; then usage; fi
width=${res%x*} height=${res#*x}
case "$width,$height" in
    *[!0-9,]* | ,* | *,) width='' ;;
esac
if [ -z "$width" ] || [ "$res" != "${width}x$height" ]; then
    echo "boot.sh: --res wants WxH, got '$res'" >&2; exit 2
fi
case $channels in
    2 | 6 | 8) ;;
    *) echo "boot.sh: --audio-channels is 2, 6 or 8 (the device's altsets)" >&2; exit 2 ;;
esac
for f in "$kernel" "$initrd"; do
    [ -r "$f" ] || { echo "boot.sh: cannot read $f" >&2; exit 1; }
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# emuctl drives QEMU's sockets; (re)build it when missing or stale.
top=$(cd "$(dirname "$0")/../.." && pwd)
emuctl=${EMUCTL:-$top/build/emu/emuctl}
if [ ! -x "$emuctl" ] || [ -n "$(find "$top/tools/emu/emuctl.c" -newer "$emuctl")" ]; then
    mkdir -p "$(dirname "$emuctl")"
    ${CC:-cc} -O2 -o "$emuctl" "$top/tools/emu/emuctl.c"
fi

# running PID: true while the process exists and is not a zombie (an
# exited QEMU stays one until its parent, maybe not us, reaps it).
running() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }

# One emulator per RUNDIR: a second one would steal the sockets.
if [ -f "$dir/qemu.pid" ] && running "$(cat "$dir/qemu.pid")"; then
    echo "boot.sh: QEMU $(cat "$dir/qemu.pid") still runs in $dir" >&2; exit 1
fi
# Fresh files: waits on serial.log must not match an earlier run.
rm -f "$dir/qmp.sock" "$dir/serial.sock" "$dir"/vnc?.sock "$dir/serial.log" "$dir/audio.wav" \
    "$dir/qemu.pid" "$dir/qemu.log"

# Kernel: console on the serial port, printk timestamps (boot timing),
# warnings and worse on the console, unthrottled /dev/kmsg for our own
# timestamped lines, and an immediate reboot on panic, which -no-reboot
# turns into QEMU exiting (also when slipmat, PID 1, dies).
# No fbdev emulation: slipmat is the display's only client, and the
# kernel's own framebuffer would cost modesets and damage work under TCG.
cmdline="loglevel=5 printk.time=1 printk.devkmsg=on panic=-1"
cmdline="$cmdline drm_kms_helper.fbdev_emulation=0"
case $arch in
    x86_64)
        # Fixed PCI slots keep the DRM card, xHCI and USB paths stable.
        # No PS/2 controller: the box has none, and its keyboard took event0.
        if [ "${gpu:-virtio}" = cirrus ]; then
            gpudev="cirrus-vga,id=video0,addr=0x2" heads=1
        else
            gpudev="virtio-gpu-pci,id=video0,max_outputs=2,addr=0x2,xres=$width,yres=$height"
        fi
        set -- qemu-system-x86_64 -M pc,i8042=off -cpu max -vga none \
            -device "$gpudev" \
            -device qemu-xhci,id=xhci,addr=0x3 "$@"
        cmdline="console=ttyS0 $cmdline" ;;
    aarch64)
        set -- qemu-system-aarch64 -M virt -cpu cortex-a76 \
            -device virtio-gpu-pci,id=video0,max_outputs=2,addr=0x2,xres="$width",yres="$height" \
            -device qemu-xhci,id=xhci,addr=0x3 "$@"
        cmdline="console=ttyAMA0 $cmdline" ;;
    *) echo "boot.sh: unknown arch '$arch' (x86_64 or aarch64)" >&2; exit 2 ;;
esac

# USB ports are pinned: the tablets' input phys strings (which the board
# profile uses to pair touch devices with screens) depend on them. Each
# tablet is bound to its head, so input-send-event for a head reaches it.
"$@" -accel tcg -smp 2 -m 1G -nodefaults -no-user-config -no-reboot \
    -kernel "$kernel" -initrd "$initrd" -append "$cmdline $append" \
    -device usb-tablet,id=touch0,bus=xhci.0,port=1,display=video0,head=0 \
    -device usb-tablet,id=touch1,bus=xhci.0,port=2,display=video0,head=$((${heads:-2} - 1)) \
    -audiodev "wav,id=snd0,path=$dir/audio.wav,out.frequency=48000,out.channels=$channels" \
    -device usb-audio,id=audio0,audiodev=snd0,multi=on,bus=xhci.0,port=3 \
    -chardev "socket,id=ser0,path=$dir/serial.sock,server=on,wait=off,logfile=$dir/serial.log" \
    -serial chardev:ser0 \
    -qmp unix:"$dir/qmp.sock",server=on,wait=off \
    -vnc unix:"$dir/vnc0.sock",id=vnc0,display=video0,head=0 \
    -vnc unix:"$dir/vnc1.sock",id=vnc1,display=video0,head=$((${heads:-2} - 1)) \
    -display "$display" \
    </dev/null >"$dir/qemu.log" 2>&1 &
pid=$!
echo "$pid" > "$dir/qemu.pid"

# QEMU creates its sockets before the guest starts: go on when they all
# exist (polling, at most 10 s), or report why QEMU stopped.
i=0
until [ -S "$dir/qmp.sock" ] && [ -S "$dir/serial.sock" ] && [ -S "$dir/vnc0.sock" ] &&
    [ -S "$dir/vnc1.sock" ]; do
    if ! running "$pid" || [ $i -ge 200 ]; then
        echo "boot.sh: QEMU did not start, see $dir/qemu.log:" >&2
        cat "$dir/qemu.log" >&2
        exit 1
    fi
    sleep 0.05
    i=$((i + 1))
done
# virtio-gpu starts with only its first output enabled; a viewer window
# enables an output. Play that viewer on each head's VNC socket so the
# guest finds both connectors connected, with WxH as preferred mode.
for head in 0 1; do
    [ "${gpu:-virtio}" = virtio ] || break # the Cirrus VGA has its one head on already
    "$emuctl" display-size "$dir/vnc$head.sock" "$width" "$height" ||
        { kill "$pid"; exit 1; }
done
echo "$pid"
