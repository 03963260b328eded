#!/usr/bin/env bash
# Compile the hash-pinned lock files the Dockerfile installs (requirements/slim.lock for the
# gateway/auth image, requirements/cad.lock for generator/printability) from pyproject.toml.
# Run after changing a dependency; needs uv (`pip install uv`) and PyPI. uv resolves for the
# image's platform (CPython 3.11 on Debian bookworm: glibc 2.36), not for the machine it runs on.
# The build backend (pyproject's build-system) is locked too, so `pip install --no-build-isolation`
# of the project itself also uses only pinned, hashed packages.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-uv}
command -v "$uv" >/dev/null || uv=.venv/bin/uv
build_requires=$(python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')
for image in slim cad; do
  extra=()
  [ "$image" = cad ] && extra=(--extra cad)
  echo "$build_requires" | "$uv" pip compile --quiet pyproject.toml - "${extra[@]}" \
    --python-version 3.11 --python-platform x86_64-manylinux_2_36 --generate-hashes \
    --custom-compile-command "scripts/lock_requirements.sh" -o "requirements/$image.lock"
done
