#!/usr/bin/env bash
# contrib/prometheus: the alert rules are valid and their unit tests pass
# (promtool test rules: each alert fires when it must and not before).
set -euo pipefail
cd "$(dirname "$0")/../../contrib/prometheus"
promtool check rules xdp-telescope.rules.yml
promtool test rules xdp-telescope.rules.test.yml
