#!/usr/bin/env bash
# contrib/bash-completion/xdp-telescope completes what the binary offers:
# the subcommands, each one's options as its --help lists them, option
# values, and interface names.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-$PWD/build/xdp-telescope}
. contrib/bash-completion/xdp-telescope

complete_words() { # WORDS...: print what completes the last word
	COMP_WORDS=("$@")
	COMP_CWORD=$(( $# - 1 ))
	_xdp_telescope
	printf '%s\n' "${COMPREPLY[@]}"
}
expect() { # WANT WORDS...: WANT (a word) is among the completions
	local want=$1
	shift
	complete_words "$@" | grep -qx -- "$want" ||
		{ echo "FAIL: '$*' does not complete to '$want': $(complete_words "$@" | tr '\n' ' ')"; exit 1; }
}
expect_not() {
	local unwanted=$1
	shift
	if complete_words "$@" | grep -qx -- "$unwanted"; then
		echo "FAIL: '$*' completes to '$unwanted'"; exit 1
	fi
}

expect run "$BIN" r
expect report "$BIN" rep
expect --version "$BIN" --v
for cmd in run status detach report synth; do
	for opt in $("$BIN" "$cmd" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		expect "$opt" "$BIN" "$cmd" "${opt:0:4}"
	done
done
expect --max-backscatter "$BIN" run eth0 --max-b
expect_not --quarter "$BIN" run --q
expect skb "$BIN" run lo --mode s
expect ja "$BIN" report --lang j
expect csv "$BIN" report --format c
expect lo "$BIN" status l
expect lo "$BIN" run l
expect_not lo "$BIN" report l
echo "completion: ok"
