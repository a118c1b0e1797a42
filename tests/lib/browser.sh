# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Headless Chromium for the report tests that load the HTML themselves
# (screenshots, the DOM): in a network namespace of its own (only lo,
# down), as every test process keeps off the network, with the browser's
# own services switched off. Source this file, then
#   browse PROFILE LOG ARGS...
# runs chromium with a throw-away profile directory and its messages
# appended to LOG.

browse() {
	local profile=$1 log=$2
	shift 2
	timeout 120 unshare -n chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-features=NetworkTimeServiceQuerying,OptimizationGuideModelDownloading,OptimizationHints \
		--optimization-guide-manifest-override=/nonexistent \
		--user-data-dir="$profile" "$@" 2>>"$log"
}
