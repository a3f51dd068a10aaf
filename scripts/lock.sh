#!/usr/bin/env bash
# Write requirements.lock: the exact versions, with their hashes, of everything `make` installs
# (the handbook's dependencies, its test extra and its lint extra), for every platform and
# Python 3.11 or newer.
# Run it after changing a dependency in pyproject.toml; tests/test_packaging.py checks that the
# lock still satisfies pyproject.toml. uv is installed from PyPI into .tools/uv for the purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .tools/uv/bin/uv ]; then
  python3 -m venv .tools/uv && .tools/uv/bin/pip install --quiet "uv>=0.5,<1"
fi
.tools/uv/bin/uv pip compile pyproject.toml --extra test --extra lint --universal --python-version 3.11 --generate-hashes \
  --no-header --quiet --output-file requirements.lock
echo "wrote requirements.lock"
