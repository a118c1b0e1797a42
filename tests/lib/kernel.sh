# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Kernel features a test or the benchmark relies on, asked of the kernel
# up front (tests/tools/kfeature.c, tests/lib/kfeature.h: bpf btf bpffs
# live-frames xdp-fanout syncookie), so that a missing one is one line at
# the start rather than a failure deep inside. Source this file; KFEATURE
# is the probe (default: build/tests/tools/kfeature).
#
#   need_kernel FEATURE...   fail (exit 1) with one line per missing
#                            feature: what the sensor itself needs
#   skip_without FEATURE...  skip (exit 77, "skipped: kernel: ..."): what
#                            only some tests need
#   kernel_has FEATURE...    true or false, quietly; when false,
#                            KERNEL_MISSING holds the lines

KFEATURE=${KFEATURE:-${TS_TOOLS:-$PWD/build/tests/tools}/kfeature}

kernel_has() {
	[ -x "$KFEATURE" ] || { KERNEL_MISSING="no $KFEATURE (make test-build builds it)"; return 1; }
	KERNEL_MISSING=$("$KFEATURE" "$@" 2>&1) && return 0
	return 1
}

need_kernel() {
	kernel_has "$@" && return 0
	echo "FAIL: $KERNEL_MISSING" >&2
	exit 1
}

skip_without() {
	kernel_has "$@" && return 0
	echo "skipped: $KERNEL_MISSING"
	exit 77
}
