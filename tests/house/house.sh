#!/usr/bin/env bash
# The rules of the house (docs/architecture.md): what may include what, no
# circle between objects, no file over 600 lines. tests/house/house.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 tests/house/house.py
