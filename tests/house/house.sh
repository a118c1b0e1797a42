#!/usr/bin/env bash
# The rules of the house (docs/architecture.md): what may include what, no
# circle between objects, no file over 600 lines, no two files of user/ of
# one name, each unit test named after the file it tests. tests/house/house.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 tests/house/house.py
