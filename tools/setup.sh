#!/usr/bin/env bash
# Installs the host tools Triad needs and fetches the pinned guest artefacts (deps.lock)
# into .cache/. Idempotent: a second run only checks what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache
QEMU_VERSION="1:10.0.2+ds-2+deb13u1~bpo12+1"
HOST_PKGS=(qemu-system-arm qemu-utils e2fsprogs gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
	device-tree-compiler libcmocka-dev python3-pytest clang libclang-rt-14-dev gnuplot-nox
	xz-utils make gcc gdb-multiarch dosfstools mtools)

die() { echo "setup: error: $*" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

# ---- host tools (system-wide) ----
installed_version() { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null | sed -n 's/^install ok installed //p'; }
need_install=()
[ "$(installed_version qemu-system-arm)" = "$QEMU_VERSION" ] || need_install+=(qemu-system-arm)
for p in "${HOST_PKGS[@]:1}"; do
	[ -n "$(installed_version "$p")" ] || need_install+=("$p")
done
if [ ${#need_install[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "run as root to install: ${need_install[*]}"
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		echo "deb http://deb.debian.org/debian bookworm-backports main" \
			>/etc/apt/sources.list.d/bookworm-backports.list
	fi
	echo "setup: installing ${need_install[*]}"
	apt-get update -qq || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		"qemu-system-arm=$QEMU_VERSION" "qemu-system-data=$QEMU_VERSION" qemu-utils \
		>/dev/null || die "cannot install QEMU $QEMU_VERSION from bookworm-backports"
	apt-get install -y -qq --no-install-recommends "${HOST_PKGS[@]:1}" >/dev/null ||
		die "cannot install host packages"
fi

check_hash() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

# ---- analyzers (make analyze, make verify): host packages pinned in deps.lock ----
# Kind "host": that version of the package, its .deb checked against the SHA-256 there, then
# installed from the file (its dependencies from the archive).
host_debs=()
while read -r kind pkg ver arch sha; do
	[ "$kind" = host ] || continue
	[ "$(installed_version "$pkg")" = "$ver" ] && continue
	[ "$(id -u)" = 0 ] || die "run as root to install $pkg $ver"
	dir=$CACHE/downloads/host
	mkdir -p "$dir"
	deb=$dir/${pkg}_${ver//:/%3a}_$arch.deb
	if ! check_hash "$deb" "$sha"; then
		[ ${#host_debs[@]} -gt 0 ] || apt-get update -qq || die "apt-get update failed"
		(cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$ver") ||
			die "cannot download $pkg $ver"
		check_hash "$deb" "$sha" || die "$pkg $ver: $deb does not have sha256 $sha"
	fi
	host_debs+=("$deb")
done <deps.lock
if [ ${#host_debs[@]} -gt 0 ]; then
	echo "setup: installing ${host_debs[*]##*/}"
	apt-get update -qq || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends "${host_debs[@]}" >/dev/null ||
		die "cannot install ${host_debs[*]##*/}"
fi

# ---- arm64 artefacts through a private apt configuration ----
APT=$CACHE/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$CACHE/downloads"
cat >"$APT/sources.list" <<SRC
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
SRC
touch "$APT/status"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "Dir::State::Status=$APT/status"
	-o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Dir::Etc::Preferences=/dev/null
	-o Dir::Etc::PreferencesParts=/dev/null -o APT::Sandbox::User=root)
lists_fresh=0
apt_update() {
	[ $lists_fresh = 1 ] && return
	apt-get "${APT_OPTS[@]}" update -qq || die "private apt update failed"
	lists_fresh=1
}

fetch() { # kind package version sha256 -> path of the verified file
	local kind=$1 pkg=$2 ver=$3 sha=$4 f
	f=$(ls "$CACHE/downloads/" 2>/dev/null | grep -F "${pkg}_" | head -n 20 || true)
	for cand in $f; do
		if check_hash "$CACHE/downloads/$cand" "$sha"; then echo "$CACHE/downloads/$cand"; return; fi
	done
	apt_update
	(
		cd "$CACHE/downloads"
		if [ "$kind" = deb ]; then
			apt-get "${APT_OPTS[@]}" download -qq "$pkg:arm64=$ver" >&2 ||
				die "cannot download $pkg $ver (arm64)"
		else
			# Only the upstream tarball is needed (and the mirror may lack the rest).
			apt-get "${APT_OPTS[@]}" source --download-only --tar-only -qq "$pkg=$ver" >&2 || true
		fi
	)
	for cand in $(ls "$CACHE/downloads/" | grep -F "${pkg}_"); do
		if check_hash "$CACHE/downloads/$cand" "$sha"; then echo "$CACHE/downloads/$cand"; return; fi
	done
	die "$pkg $ver: no download with sha256 $sha"
}

stamp=$CACHE/.setup-$(sha256sum deps.lock tools/setup.sh | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
	rm -rf "$CACHE/pkgs/tee-rootfs"
	while read -r kind pkg ver arch sha; do
		case "$kind" in ''|'#'* | host) continue ;; esac
		file=$(fetch "$kind" "$pkg" "$ver" "$sha")
		echo "setup: $pkg $ver ok"
		case "$pkg" in
		linux-image-6.1*)
			rm -rf "$CACHE/pkgs/linux-6.1" && mkdir -p "$CACHE/pkgs/linux-6.1"
			dpkg-deb -x "$file" "$CACHE/pkgs/linux-6.1"
			mkdir -p "$CACHE/guest/linux-6.1"
			img=$(ls "$CACHE"/pkgs/linux-6.1/boot/vmlinuz-*)
			if [ "$(head -c2 "$img" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
				gunzip -c "$img" >"$CACHE/guest/linux-6.1/Image"
			else
				cp "$img" "$CACHE/guest/linux-6.1/Image"
			fi
			[ "$(dd if="$CACHE/guest/linux-6.1/Image" bs=1 skip=56 count=4 2>/dev/null)" = $'ARM\x64' ] ||
				die "linux-6.1 Image has no arm64 magic"
			ln -sfn "$(ls -d "$CACHE"/pkgs/linux-6.1/lib/modules/*)" "$CACHE/guest/linux-6.1/modules"
			;;
		linux-binary-7.3*)
			# Linux 7.3 (trixie-backports): a Realm guest (RSI, arm-cca-guest, configfs-tsm).
			rm -rf "$CACHE/pkgs/linux-7.3" && mkdir -p "$CACHE/pkgs/linux-7.3" "$CACHE/guest/linux-7.3"
			dpkg-deb -x "$file" "$CACHE/pkgs/linux-7.3"
			img=$(ls "$CACHE"/pkgs/linux-7.3/usr/lib/modules/*/vmlinuz)
			cp "$img" "$CACHE/guest/linux-7.3/Image"
			[ "$(dd if="$CACHE/guest/linux-7.3/Image" bs=1 skip=56 count=4 2>/dev/null)" = $'ARM\x64' ] ||
				die "linux-7.3 Image has no arm64 magic"
			;;
		linux-modules-7.3*)
			rm -rf "$CACHE/pkgs/linux-7.3-modules" && mkdir -p "$CACHE/pkgs/linux-7.3-modules" \
				"$CACHE/guest/linux-7.3"
			dpkg-deb -x "$file" "$CACHE/pkgs/linux-7.3-modules"
			ln -sfn "$(ls -d "$CACHE"/pkgs/linux-7.3-modules/usr/lib/modules/*)" \
				"$CACHE/guest/linux-7.3/modules"
			;;
		u-boot-qemu)
			rm -rf "$CACHE/pkgs/u-boot" && mkdir -p "$CACHE/pkgs/u-boot" "$CACHE/guest/u-boot"
			dpkg-deb -x "$file" "$CACHE/pkgs/u-boot"
			cp "$CACHE/pkgs/u-boot/usr/lib/u-boot/qemu_arm64/u-boot.bin" "$CACHE/guest/u-boot/" ||
				die "u-boot-qemu: qemu_arm64/u-boot.bin missing"
			;;
		qemu-efi-aarch64)
			rm -rf "$CACHE/pkgs/edk2" && mkdir -p "$CACHE/pkgs/edk2" "$CACHE/guest/edk2"
			dpkg-deb -x "$file" "$CACHE/pkgs/edk2"
			# ArmVirtQemu's code flash image, unpadded (the AAVMF_CODE files are it padded
			# to QEMU's 64 MiB bank).
			cp "$CACHE/pkgs/edk2/usr/share/qemu-efi-aarch64/QEMU_EFI.fd" "$CACHE/guest/edk2/" ||
				die "qemu-efi-aarch64: QEMU_EFI.fd missing"
			;;
		busybox-static)
			rm -rf "$CACHE/pkgs/busybox" && mkdir -p "$CACHE/pkgs/busybox" "$CACHE/guest"
			dpkg-deb -x "$file" "$CACHE/pkgs/busybox"
			cp "$CACHE/pkgs/busybox/bin/busybox" "$CACHE/guest/busybox"
			;;
		optee-os)
			# OP-TEE OS for QEMU's virt (vexpress-qemu_armv8a): plain and -virtualized builds.
			rm -rf "$CACHE/pkgs/optee-os" "$CACHE/optee" && mkdir -p "$CACHE/pkgs/optee-os"
			dpkg-deb -x "$file" "$CACHE/pkgs/optee-os"
			for flavour in vexpress-qemu_armv8a vexpress-qemu_armv8a-virtualized; do
				src=$CACHE/pkgs/optee-os/usr/lib/optee/$flavour/tee-pager_v2.bin
				[ -s "$src" ] || die "optee-os: $flavour/tee-pager_v2.bin missing"
				mkdir -p "$CACHE/optee/$flavour"
				cp "$src" "$CACHE/optee/$flavour/"
			done
			;;
		optee-test-qemu | tee-supplicant | libteec2 | libckteec0t64 | libc6 | libgcc-s1 | libssl3t64 | \
			libzstd1 | zlib1g)
			# The userland of the OP-TEE test guest (make's initramfs-tee), all in one tree.
			mkdir -p "$CACHE/pkgs/tee-rootfs"
			dpkg-deb -x "$file" "$CACHE/pkgs/tee-rootfs"
			;;
		device-tree-compiler)
			rm -rf "$CACHE/src/dtc" "$CACHE/src/dtc-"* && mkdir -p "$CACHE/src"
			tar -xf "$file" -C "$CACHE/src"
			mv "$CACHE"/src/dtc-* "$CACHE/src/dtc"
			;;
		mbedtls)
			# The RMM's hashes (and later its signatures), built freestanding.
			rm -rf "$CACHE/src/mbedtls" "$CACHE/src/mbedtls-"* && mkdir -p "$CACHE/src"
			tar -xf "$file" -C "$CACHE/src"
			mv "$CACHE"/src/mbedtls-* "$CACHE/src/mbedtls"
			[ -f "$CACHE/src/mbedtls/library/sha256.c" ] || die "mbedtls: library/sha256.c missing"
			;;
		esac
	done <deps.lock
	rm -f "$CACHE"/.setup-*
	touch "$stamp"
fi
echo "setup: done (host tools installed, artefacts in .cache/)"
