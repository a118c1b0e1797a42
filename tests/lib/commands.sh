# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ts_commands BIN: every command the binary offers, one a line, as its
# --help lists them; a command with subcommands of its own (db) is one line
# per subcommand ("db init", "db prune"), from its own --help. The docs
# tests check each against the man page and the completion, so a new
# command cannot be left out of either.
ts_commands() {
	local bin=$1 cmd sub
	for cmd in $("$bin" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
		sub=$("$bin" "$cmd" --help | awk '/^usage:/ { next } /^  [a-z]+  / { print $1 }')
		if [ -n "$sub" ] && ! "$bin" "$cmd" --help | grep -q -- '^ *-'; then
			for s in $sub; do echo "$cmd $s"; done
		else
			echo "$cmd"
		fi
	done
}
