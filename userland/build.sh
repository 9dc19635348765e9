#!/usr/bin/env bash
# userland/build.sh: reproducible build of the committed guest images.
#
#   userland/build.sh           rebuild every image and userland/images/MANIFEST
#   userland/build.sh --check   rebuild into a temporary directory and compare byte for byte
#
# Sources → images (one static riscv64 ELF per C file, named after the file):
#   userland/src/tests/<name>.c → userland/images/tests/<name>
#   bench/cpu/<name>.c          → userland/images/bench/<name>
#   bench/mm/<name>.c           → userland/images/bench-mm/<name>
# and the default guest image (see userland/README.md), one program per directory:
#   userland/src/init/*.c       → userland/images/rootfs/init
#   userland/src/sh/*.c         → userland/images/rootfs/bin/sh
#   userland/src/tools/*.c      → userland/images/rootfs/bin/umbox, plus bin/<tool> → umbox
#   userland/src/selftests/     → userland/images/rootfs/usr/lib/kselftest/: the multi-call
#                                 kselftest (main.c and every ksft_<name>.c built with
#                                 -Dmain=ksft_<name>_main), <name> → kselftest for each,
#                                 run_kselftest.sh and kselftest-list.txt (the names, sorted)
#   userland/src/rootfs/...     → copied as is (etc/rc, etc/passwd, etc/group)
#   rootfs + mkcpio.mjs         → userland/images/initramfs.cpio (newc, packed by node)
#
# The images are committed so that a machine without the cross compiler can still run them.
# They must be reproducible: the same sources, this script and the same toolchain give the
# same bytes. Everything that could leak the build machine into the output is pinned: the
# flags, the source paths (compiled as relative paths, with -ffile-prefix-map for the rest),
# the locale, the time zone, SOURCE_DATE_EPOCH, the input order, and no build id. Symbols are
# stripped to keep the repository small.
#
# MANIFEST records the toolchain and the sha256 of this script, of every source and of every
# image. --check always verifies the manifest (stale images or edited sources without a
# rebuild fail even without the compiler), then rebuilds if it can. A different toolchain
# version cannot reproduce the bytes, so that case is reported and the byte comparison skipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export LC_ALL=C
export TZ=UTC
export SOURCE_DATE_EPOCH=1735689600 # 2025-01-01T00:00:00Z; nothing should embed it, pinned anyway
umask 022

tmp="" # scratch build directory, removed on exit
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT

cc=riscv64-linux-gnu-gcc
strip=riscv64-linux-gnu-strip
manifest=userland/images/MANIFEST

# Fixed flags for every program. -lm is harmless for programs that do not use libm: a static
# link only pulls in the archive members that are referenced.
cflags=(-static -O2 -march=rv64gc -mabi=lp64d -std=gnu11 -Wall -Wextra -Werror
	"-ffile-prefix-map=$root=." -fno-ident)
ldflags=(-Wl,--build-id=none -Wl,--hash-style=gnu -lm)

# One line per image: "<kind> <source>", sorted so the build order never depends on readdir.
list_sources() {
	local f
	for f in userland/src/tests/*.c; do [ -e "$f" ] && echo "tests $f"; done
	for f in bench/cpu/*.c; do [ -e "$f" ] && echo "bench $f"; done | sort
	for f in bench/mm/*.c; do [ -e "$f" ] && echo "bench-mm $f"; done | sort
}

# The default image. Tools are every tools/*.c except the dispatcher and the shared helpers.
rootfs_programs=("init userland/src/init" "bin/sh userland/src/sh" "bin/umbox userland/src/tools")
rootfs_dirs=(--dir dev:0755 --dir mnt:0755 --dir proc:0555 --dir root:0700 --dir sys:0555 --dir tmp:1777
	--cnod dev/console:0600:5:1)

list_tools() {
	local f
	for f in userland/src/tools/*.c; do
		f="$(basename "$f" .c)"
		case "$f" in main | common) ;; *) echo "$f" ;; esac
	done | sort
}

# One line per file the default image is built from, sorted.
list_rootfs_sources() {
	{
		echo userland/mkcpio.mjs
		find userland/src/init userland/src/sh userland/src/tools userland/src/selftests \
			userland/src/rootfs -type f
	} | sort
}

list_selftests() {
	local f
	for f in userland/src/selftests/ksft_*.c; do basename "$f" .c; done | sort
}

# build_selftests OUTDIR: the guest selftest programs in OUTDIR/rootfs/usr/lib/kselftest. One
# static libc for all of them keeps the initramfs small.
build_selftests() {
	local out="$1" dir="$1/rootfs/usr/lib/kselftest" objs="$1/selftest-objs" name
	mkdir -p "$dir" "$objs"
	for name in $(list_selftests); do
		"$cc" "${cflags[@]}" "-frandom-seed=$name" "-Dmain=${name}_main" -c \
			-o "$objs/$name.o" "userland/src/selftests/$name.c"
		ln -s kselftest "$dir/$name"
	done
	"$cc" "${cflags[@]}" -frandom-seed=kselftest -o "$dir/kselftest" \
		userland/src/selftests/main.c $(for name in $(list_selftests); do echo "$objs/$name.o"; done) \
		"${ldflags[@]}"
	"$strip" --strip-all "$dir/kselftest"
	chmod 755 "$dir/kselftest"
	rm -rf "$objs"
	install -m 755 userland/src/selftests/run_kselftest.sh "$dir/run_kselftest.sh"
	list_selftests > "$dir/kselftest-list.txt"
	chmod 644 "$dir/kselftest-list.txt"
}

# build_rootfs OUTDIR: the guest tree in OUTDIR/rootfs and its archive OUTDIR/initramfs.cpio.
build_rootfs() {
	local out="$1" entry dst dir name tool
	rm -rf "$out/rootfs"
	mkdir -p "$out/rootfs/bin"
	for entry in "${rootfs_programs[@]}"; do
		dst="${entry%% *}"
		dir="${entry#* }"
		name="$(basename "$dst")"
		# shellcheck disable=SC2046 # the sorted source list is meant to split into arguments
		"$cc" "${cflags[@]}" "-frandom-seed=$name" -o "$out/rootfs/$dst" \
			$(find "$dir" -name '*.c' | sort) "${ldflags[@]}"
		"$strip" --strip-all "$out/rootfs/$dst"
		chmod 755 "$out/rootfs/$dst"
	done
	for tool in $(list_tools); do
		ln -s umbox "$out/rootfs/bin/$tool"
	done
	build_selftests "$out"
	cp -R userland/src/rootfs/. "$out/rootfs/"
	SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" node userland/mkcpio.mjs "$out/rootfs" \
		"$out/initramfs.cpio" "${rootfs_dirs[@]}"
}

# rootfs_images: the default image's files, relative to userland/images, sorted.
rootfs_images() {
	(cd "$1" && find rootfs -type f && echo initramfs.cpio) | sort
}

toolchain_id() {
	echo "$("$cc" --version | head -n 1); $("$strip" --version | head -n 1)"
}

# build_all OUTDIR: compiles every source into OUTDIR/{tests,bench,bench-mm}/<name>.
build_all() {
	local out="$1" kind src name
	mkdir -p "$out/tests" "$out/bench" "$out/bench-mm"
	while read -r kind src; do
		name="$(basename "$src" .c)"
		# -frandom-seed pins the names GCC would otherwise derive from a random number.
		"$cc" "${cflags[@]}" "-frandom-seed=$name" -o "$out/$kind/$name" "$src" "${ldflags[@]}"
		"$strip" --strip-all "$out/$kind/$name"
		chmod 755 "$out/$kind/$name"
	done < <(list_sources | sort)
}

# write_manifest IMAGEDIR: prints the manifest for the sources and the images in IMAGEDIR.
write_manifest() {
	local dir="$1" kind src name
	echo "# Generated by userland/build.sh. Do not edit."
	echo "toolchain $(toolchain_id)"
	echo "flags ${cflags[*]/$root/<root>} ${ldflags[*]}"
	sha256sum userland/build.sh
	while read -r kind src; do
		name="$(basename "$src" .c)"
		sha256sum "$src"
		(cd "$dir" && sha256sum "$kind/$name") | sed "s|  |  userland/images/|"
	done < <(list_sources | sort)
	list_rootfs_sources | while read -r src; do sha256sum "$src"; done
	rootfs_images "$dir" | while read -r name; do
		(cd "$dir" && sha256sum "$name") | sed "s|  |  userland/images/|"
	done
	# Symbolic links have no content to hash; list them so a missing one is noticed.
	(cd "$dir" && find rootfs -type l | sort | while read -r l; do
		echo "symlink userland/images/$l -> $(readlink "$l")"; done)
}

# check_manifest: the committed images and sources must still hash to what MANIFEST says.
check_manifest() {
	local bad=0 expected_files actual_files
	if [ ! -f "$manifest" ]; then
		echo "userland/build.sh --check: $manifest is missing; run userland/build.sh" >&2
		return 1
	fi
	if ! grep -E '^[0-9a-f]{64}  ' "$manifest" | sha256sum --check --quiet --strict - >&2; then
		bad=1
	fi
	expected_files="$(grep -E '^[0-9a-f]{64}  ' "$manifest" | sed 's/^[0-9a-f]*  //' | sort)"
	actual_files="$( { echo userland/build.sh; list_sources | while read -r kind src; do
		echo "$src"; echo "userland/images/$kind/$(basename "$src" .c)"; done;
		list_rootfs_sources;
		find userland/images -type f ! -name MANIFEST ! -name '.*'; } | sort -u)"
	if [ "$expected_files" != "$actual_files" ]; then
		echo "files not matching the manifest (added, removed or renamed):" >&2
		diff <(echo "$expected_files") <(echo "$actual_files") | grep '^[<>]' >&2 || true
		bad=1
	fi
	local expected_links actual_links
	expected_links="$(grep '^symlink ' "$manifest" || true)"
	actual_links="$(find userland/images/rootfs -type l 2>/dev/null | sort | while read -r l; do
		echo "symlink $l -> $(readlink "$l")"; done)"
	if [ "$expected_links" != "$actual_links" ]; then
		echo "symbolic links in userland/images/rootfs do not match the manifest:" >&2
		diff <(echo "$expected_links") <(echo "$actual_links") | grep '^[<>]' >&2 || true
		bad=1
	fi
	if [ "$bad" != 0 ]; then
		echo "userland/build.sh --check: FAILED: sources or images changed without a rebuild;" \
			"run userland/build.sh and commit userland/images" >&2
		return 1
	fi
}

check() {
	check_manifest
	echo "manifest: ok"
	if ! command -v "$cc" >/dev/null 2>&1; then
		echo "skipped: $cc not installed"
		exit 0
	fi
	local committed here
	committed="$(sed -n 's/^toolchain //p' "$manifest")"
	here="$(toolchain_id)"
	if [ "$committed" != "$here" ]; then
		echo "skipped: byte comparison needs the toolchain the images were built with"
		echo "  images: $committed"
		echo "  here:   $here"
		exit 0
	fi
	local kind src name differ=()
	tmp="$(mktemp -d)"
	build_all "$tmp"
	while read -r kind src; do
		name="$(basename "$src" .c)"
		if ! cmp -s "$tmp/$kind/$name" "userland/images/$kind/$name"; then
			differ+=("userland/images/$kind/$name")
		fi
	done < <(list_sources | sort)
	if ! command -v node >/dev/null 2>&1; then
		echo "skipped: the default image needs node to pack initramfs.cpio"
	else
		build_rootfs "$tmp"
		while read -r name; do
			if ! cmp -s "$tmp/$name" "userland/images/$name"; then
				differ+=("userland/images/$name")
			fi
		done < <(rootfs_images "$tmp")
		if ! diff -r --no-dereference "$tmp/rootfs" userland/images/rootfs >/dev/null 2>&1; then
			differ+=("userland/images/rootfs (tree differs)")
		fi
	fi
	if [ ${#differ[@]} -gt 0 ]; then
		echo "userland/build.sh --check: FAILED: rebuilt images differ from the committed ones:" >&2
		printf '  %s\n' "${differ[@]}" >&2
		echo "run userland/build.sh and commit userland/images (or find the nondeterminism)" >&2
		exit 1
	fi
	echo "userland/build.sh --check: ok ($(list_sources | wc -l) images and the default image" \
		"reproduce byte for byte)"
}

build() {
	if ! command -v "$cc" >/dev/null 2>&1; then
		echo "userland/build.sh: $cc not installed (apt-get install gcc-riscv64-linux-gnu)" >&2
		exit 1
	fi
	if ! command -v node >/dev/null 2>&1; then
		echo "userland/build.sh: node not installed (it packs initramfs.cpio)" >&2
		exit 1
	fi
	tmp="$(mktemp -d)"
	build_all "$tmp"
	build_rootfs "$tmp"
	# Replace whole directories so images of deleted sources disappear too.
	rm -rf userland/images/tests userland/images/bench userland/images/bench-mm userland/images/rootfs
	mkdir -p userland/images
	cp -a "$tmp/tests" "$tmp/bench" "$tmp/bench-mm" "$tmp/rootfs" "$tmp/initramfs.cpio" userland/images/
	write_manifest userland/images > "$manifest"
	echo "built $(list_sources | wc -l) images and the default image into userland/images" \
		"(see $manifest)"
}

case "${1:-}" in
--check) check ;;
"") build ;;
*)
	echo "usage: userland/build.sh [--check]" >&2
	exit 2
	;;
esac
