#!/usr/bin/env bash
# tests/userland/native.sh: the default image's programs, built for the host with gcc, against
# the host's coreutils/procps (tools) and bash (shell), then a smoke test of the riscv64 builds
# under qemu-riscv64-static. Skips (exit 0) with a note when gcc is missing; the qemu part is
# skipped when qemu or the cross compiler is missing.
#
#   tests/userland/native.sh        prints one line per case; exit status 1 if any failed
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LC_ALL=C TZ=UTC
if ! command -v gcc >/dev/null 2>&1; then
	echo "skipped: gcc not installed"
	exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bin="$tmp/bin"
mkdir -p "$bin" "$tmp/work"
cflags=(-O2 -std=gnu11 -Wall -Wextra -Werror)
gcc "${cflags[@]}" -o "$bin/sh" "$root"/userland/src/sh/*.c || exit 1
gcc "${cflags[@]}" -o "$bin/umbox" "$root"/userland/src/tools/*.c || exit 1
tools=$(cd "$root/userland/src/tools" && ls *.c | sed 's/\.c$//' | grep -v -e '^main$' -e '^common$')
for t in $tools; do ln -s umbox "$bin/$t"; done
fail=0 pass=0

# same CASE-NAME CMD...: our tool (from $bin) and the host's must print the same and exit alike.
same() {
	local name="$1"
	shift
	local ours theirs
	# Through env, so that neither side runs a bash builtin (echo, printf, kill, true...).
	ours="$(cd "$tmp/work" && PATH="$bin" "$bin/env" "$@" 2>&1; echo "status $?")"
	theirs="$(cd "$tmp/work" && PATH=/usr/bin:/bin /usr/bin/env "$@" 2>&1; echo "status $?")"
	if [ "$ours" == "$theirs" ]; then
		pass=$((pass + 1))
	else
		fail=1
		echo "FAIL $name"
		diff <(echo "$theirs") <(echo "$ours") | head -20 | sed 's/^/    /'
	fi
}

# expect CASE-NAME EXPECTED SCRIPT: our shell's combined output of SCRIPT.
expect() {
	local out
	out="$(cd "$tmp/work" && PATH="$bin" "$bin/sh" -c "$3" 2>&1; echo "status $?")"
	if [ "$out" == "$2" ]; then
		pass=$((pass + 1))
	else
		fail=1
		echo "FAIL sh: $1"
		diff <(echo "$2") <(echo "$out") | head -20 | sed 's/^/    /'
	fi
}

# like_bash CASE-NAME SCRIPT: our shell and bash --posix must agree (output and status).
like_bash() {
	local ours theirs
	ours="$(cd "$tmp/work" && PATH="$bin" "$bin/sh" -c "$2" 2>&1; echo "status $?")"
	theirs="$(cd "$tmp/work" && PATH="$bin" /bin/bash --posix -c "$2" 2>&1; echo "status $?")"
	if [ "$ours" == "$theirs" ]; then
		pass=$((pass + 1))
	else
		fail=1
		echo "FAIL sh like bash: $1"
		diff <(echo "$theirs") <(echo "$ours") | head -20 | sed 's/^/    /'
	fi
}

w="$tmp/work"
mkdir -p "$w/d/e" && echo hello > "$w/d/a" && printf 'x\ny\nz\n' > "$w/b" && ln -s b "$w/lnk"
touch -d '2024-03-01 12:00' "$w/d/a" "$w/b" "$w/d/e" "$w/d"
touch -h -d '2024-03-01 12:00' "$w/lnk"

same "ls" ls
same "ls -l" ls -l
same "ls -la d" ls -la d
same "ls -1 -a" ls -1 -a
same "ls -d" ls -ld d b lnk
same "ls dirs" ls d d/e b
same "ls missing" ls nonexistent
same "ls /dev nodes" ls -l /dev/null /dev/zero
same "cat" cat b d/a
same "cat missing" cat nope
same "cat -n" cat -n b
same "echo -n" echo -n a b
same "echo -e" echo -e 'a\tb\n\0101'
same "printf" printf '%5s|%-3d|%x|%o|%c|%.2f|%%\n' ab 7 255 8 z 3.14159
same "printf reuse" printf '%s-%s\n' a b c
same "head" head -n 2 b
same "head -N" head -1 b
same "head files" head -n 1 b d/a
same "tail" tail -n 2 b
same "tail +N" tail -n +2 b
same "tail -c" tail -c 4 b
same "wc" wc b
same "wc -l" wc -l b
same "wc files" wc b d/a
same "wc -w stdin" sh -c 'wc -w < b'
same "grep -n" grep -n y b
same "grep -v -c" grep -v -c y b
same "grep -i files" grep -i X b d/a
same "grep -E" grep -E 'x|z' b
same "grep none" grep q b
same "grep missing" grep x nofile
same "uname -a" uname -a
same "uname -srm" uname -s -r -m
same "kill missing pid" kill 999999
same "kill -l" kill -l
same "mkdir exists" mkdir d
same "rm dir" rm d
same "rm missing" rm nofile
same "rm -f missing" rm -f nofile
same "cp dir" cp d x
same "env -i" env -i A=1 B=2
same "true" true
same "false" false
same "sleep bad" sh -c 'sleep x 2>/dev/null'
same "mkdir -p, touch, ls -R" sh -c 'mkdir -p m/n/o && touch m/n/f && ls -R m && rm -r m && ls'
same "cp -r, mv, ln -s" sh -c 'cp -r d d2 && mv d2 d3 && ln -s d3 l3 && ls -1 d3 l3/ && rm -rf d3 l3'

like_bash "pipeline" 'echo hi | wc -c; printf "a\nb\n" | grep b | cat'
like_bash "and/or" 'true && echo a || echo b; false && echo c || echo d; false; echo $?'
like_bash "variables" 'x=1 y="a b"; echo "$x $y ${z:-def} ${#y} ${y#a} ${y%b}"; unset x; echo "[${x}]"'
like_bash "positional" 'set -- a "b c" d; echo $#; for a in "$@"; do echo "<$a>"; done; shift; echo "$1"'
like_bash "arith" 'echo $((1+2*3)) $((7/2)) $((7%3)) $(( (1+2)*3 )) $((1<2)) $((2>=3)) $((x=4)) $x'
like_bash "command subst" 'echo "$(echo a $(echo b))" `echo c`; x=$(false); echo $?'
like_bash "if/elif" 'for v in 1 2 3; do if [ $v = 1 ]; then echo one; elif [ $v = 2 ]; then echo two; else echo other; fi; done'
like_bash "while/until/break" 'i=0; while [ $i -lt 5 ]; do i=$((i+1)); [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done; until [ $i = 0 ]; do i=$((i-1)); done; echo $i'
like_bash "case" 'for w in abc x.c zz; do case $w in a*) echo A;; *.c|*.h) echo C;; *) echo other;; esac; done'
like_bash "functions" 'f() { echo "f $# $1"; return 3; }; f x y; echo $?'
like_bash "redirections" 'echo one > o; echo two >> o; cat < o; ls nofile 2>/dev/null; echo $?; ls nofile 2>&1 | wc -l; rm o'
like_bash "here-document" 'x=5; cat <<EOF
a $x
EOF
cat <<'"'"'E'"'"'
b $x
E'
like_bash "quoting" "echo 'a  b' \"c  \$HOME\" d\\ e \"\\\$x\" '\"'"
like_bash "glob" 'echo d/*; echo "d/*"; echo nomatch*'
like_bash "subshell and group" '(cd d; ls); { echo g1; echo g2; } | wc -l; ls'
like_bash "set -e" 'set -e; true; false || echo ok; false; echo notreached'
like_bash "exit status" 'sh -c "exit 3"; echo $?'
like_bash "background and wait" 'sleep 0.1 & wait; echo done $?'
like_bash "read" 'printf "1 2 3\n" | { read a b; echo "$a/$b"; }'
like_bash "test" '[ -d d ] && [ ! -f d ] && [ -n "x" ] && [ -z "" ] && [ 1 -lt 2 -a 3 -ge 3 ] && echo yes'
like_bash "script file" 'printf "echo \$0 \$1 \$#\n" > s.sh; sh s.sh arg; rm s.sh'
like_bash "eval, export, env" 'export V=1; eval "echo \$V"; env | grep "^V="'
like_bash "exit code of missing command" 'nosuchcmd 2>/dev/null; echo $?'

expect "not found" "sh: nosuchcmd: not found
status 127" 'nosuchcmd'
expect "syntax error" "sh: syntax error: unexpected 'fi'
status 2" 'fi'
expect "incomplete" "sh: syntax error: unexpected end of file
status 2" 'if true; then'
expect "set -x" "+ echo hi
hi
status 0" 'set -x; echo hi'

if command -v qemu-riscv64-static >/dev/null 2>&1 && command -v riscv64-linux-gnu-gcc >/dev/null 2>&1; then
	rv="$tmp/rv"
	mkdir -p "$rv"
	rvflags=(-static -O2 -march=rv64gc -mabi=lp64d "${cflags[@]}")
	riscv64-linux-gnu-gcc "${rvflags[@]}" -o "$rv/sh" "$root"/userland/src/sh/*.c -lm &&
		riscv64-linux-gnu-gcc "${rvflags[@]}" -o "$rv/umbox" "$root"/userland/src/tools/*.c -lm ||
		exit 1
	# qemu-user cannot exec a riscv64 binary from a riscv64 one without binfmt_misc, so the
	# shell runs each tool through qemu explicitly.
	q="qemu-riscv64-static"
	out="$(cd "$w" && $q "$rv/sh" -c "echo hi | $q $rv/umbox wc -c; $q $rv/umbox ls d;
		x=\$($q $rv/umbox echo sub); echo \"\$x \$((6*7))\"; $q $rv/umbox ps -e | $q $rv/umbox head -1;
		$q $rv/umbox uname -m; $q $rv/umbox sleep 0.05 & wait; echo \$?" 2>&1)"
	want="$(printf '3\na\ne\nsub 42\n    PID TTY          TIME CMD\nriscv64\n0')"
	want_alt="$(printf '3\na\ne\nsub 42\n  PID TTY          TIME CMD\nriscv64\n0')"
	if [ "$out" == "$want" ] || [ "$out" == "$want_alt" ]; then
		pass=$((pass + 1))
	else
		fail=1
		echo "FAIL qemu smoke test"
		diff <(echo "$want") <(echo "$out") | sed 's/^/    /'
	fi
else
	echo "skipped: qemu smoke test (qemu-riscv64-static or riscv64-linux-gnu-gcc missing)"
fi

echo "userland native tests: $pass passed$([ $fail = 0 ] || echo ', some FAILED')"
exit $fail
