#!/usr/bin/env bash
# contrib/bash-completion/xdp-telescope completes what the binary offers:
# the subcommands, each one's options as its --help lists them, option
# values, and interface names.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-$PWD/build/xdp-telescope}
. contrib/bash-completion/xdp-telescope
. tests/lib/commands.sh

complete_words() { # WORDS...: print what completes the last word
	COMP_WORDS=("$@")
	COMP_CWORD=$(( $# - 1 ))
	_xdp_telescope
	printf '%s\n' "${COMPREPLY[@]}"
}
# (the completions into a variable first: grep -q in a pipe would leave
# early, and pipefail would take that for a failure)
expect() { # WANT WORDS...: WANT (a word) is among the completions
	local want=$1 got
	shift
	got=$(complete_words "$@")
	grep -qx -- "$want" <<<"$got" ||
		{ echo "FAIL: '$*' does not complete to '$want': $(tr '\n' ' ' <<<"$got")"; exit 1; }
}
expect_not() {
	local unwanted=$1 got
	shift
	got=$(complete_words "$@")
	if grep -qx -- "$unwanted" <<<"$got"; then
		echo "FAIL: '$*' completes to '$unwanted'"; exit 1
	fi
}

expect run "$BIN" r
expect report "$BIN" rep
expect --version "$BIN" --v
while read -r cmd; do
	read -ra words <<<"$cmd"	# "db init" is two words
	expect "${words[-1]}" "$BIN" "${words[@]:0:${#words[@]}-1}" "${words[-1]:0:2}"
	for opt in $("$BIN" "${words[@]}" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		expect "$opt" "$BIN" "${words[@]}" "${opt:0:4}"
	done
done < <(ts_commands "$BIN")
expect ship "$BIN" sh
expect prune "$BIN" db p
expect_not prune "$BIN" ship p
expect --max-backscatter "$BIN" run eth0 --max-b
expect_not --quarter "$BIN" run --q
expect skb "$BIN" run lo --mode s
expect ja "$BIN" report --lang j
expect csv "$BIN" report --format c
expect Asia/Tokyo "$BIN" report --tz Asia/Tok
expect_not Asia "$BIN" report --tz As
expect lo "$BIN" status l
expect lo "$BIN" run l
expect_not lo "$BIN" report l
echo "completion: ok"
