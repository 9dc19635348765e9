#!/bin/sh
# /usr/lib/kselftest/run_kselftest.sh [names...]: runs the guest selftest programs (all those
# in kselftest-list.txt, or the names given) and prints one KTAP document: a plan, then each
# program's own TAP indented four spaces as a subtest, then its result line. A program exiting
# 0 is ok, 4 (KSFT_SKIP) is ok # SKIP, anything else is not ok with the status. `umwasm
# selftest` boots the image with this script as init's program and parses what it prints;
# so does Linux's tools/testing/kunit/kunit.py parse.
cd /usr/lib/kselftest || exit 1
if [ $# -eq 0 ]; then
	set -- $(cat kselftest-list.txt)
fi
echo "KTAP version 1"
echo "1..$#"
n=0
for t in "$@"; do
	n=$((n + 1))
	if [ ! -x "./$t" ]; then
		echo "not ok $n $t # no such test program"
		continue
	fi
	"./$t" > /tmp/kselftest.out 2>&1
	rc=$?
	# Indented four spaces, the program's TAP is a KTAP subtest; the "# Subtest:" line after
	# its version line names it, as kunit.py expects.
	first=1
	while IFS= read -r line; do
		echo "    $line"
		if [ $first -eq 1 ]; then
			first=0
			case "$line" in
			"TAP version "* | "KTAP version "*) echo "    # Subtest: $t" ;;
			esac
		fi
	done < /tmp/kselftest.out
	rm -f /tmp/kselftest.out
	if [ $rc -eq 0 ]; then
		echo "ok $n $t"
	elif [ $rc -eq 4 ]; then
		echo "ok $n $t # SKIP"
	else
		echo "not ok $n $t # exit=$rc"
	fi
done
