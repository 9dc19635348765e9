#!/bin/sh
# tests/softfloat/gen_vectors.sh — regenerates vectors.txt.gz, the expected results for
# softfloat.test.ts, from the RISC-V FPU itself: fpvec.c cross-compiled and run under QEMU.
# Needs riscv64-linux-gnu-gcc and qemu-riscv64-static; the test itself needs neither.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
riscv64-linux-gnu-gcc -static -O2 -march=rv64gc -mabi=lp64d -Wall -Wextra -o "$tmp/fpvec" "$dir/fpvec.c"
qemu-riscv64-static "$tmp/fpvec" > "$tmp/vectors.txt"
gzip -9 -n < "$tmp/vectors.txt" > "$dir/vectors.txt.gz"
echo "$(wc -l < "$tmp/vectors.txt") vectors, $(wc -c < "$dir/vectors.txt.gz") bytes gzipped"
