#!/usr/bin/env bash
# Runs the whole suite: lint, then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
.venv/bin/ruff check --output-format concise .
.venv/bin/python -m pytest -q -rs --durations=15 "$@"
