# One image for every printforge service (`printforge serve auth|generator|printability|gateway`)
# and for the migration Job (`printforge migrate`); docs/deploy.md explains the runtime contract.
# It installs what the README's set-up (`scripts/setup.sh runtime`) installs, into /app/.venv;
# tests/k8s/test_dockerfile.py keeps the two in step. It runs as an unprivileged user and works
# with a read-only root filesystem (scratch and caches live under /tmp and the data dir).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# setup.sh's Debian packages minus python3-venv and python3-dev: this image's own Python has both.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgl1 libglu1-mesa libxrender1 libxext6 libsm6 libxi6 libxxf86vm1 libusb-1.0-0 libgomp1 prusa-slicer \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 printforge \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/printforge --create-home \
      --shell /usr/sbin/nologin printforge

WORKDIR /app
# Dependencies before sources, so editing code does not reinstall them. An editable install only
# needs the top-level packages to exist: setuptools maps each to its directory.
COPY pyproject.toml ./
RUN mkdir -p printforge services \
 && touch printforge/__init__.py services/__init__.py \
 && python3.11 -m venv .venv \
 && .venv/bin/python -m pip install -q --upgrade pip \
 && .venv/bin/python -m pip install -q -e '.[cad]'
COPY printforge/ printforge/
COPY services/ services/
# Byte-compile now: the root filesystem is read-only at run time and imports must be quick.
RUN .venv/bin/python -m compileall -q printforge services \
 && mkdir -p /var/lib/printforge \
 && chown printforge:printforge /var/lib/printforge

ENV PATH=/app/.venv/bin:$PATH \
    PRINTFORGE_DATA_DIR=/var/lib/printforge \
    XDG_CACHE_HOME=/tmp/.cache \
    MPLCONFIGDIR=/tmp/matplotlib

USER 10001:10001
EXPOSE 8080 9090 50051 50052 50053
ENTRYPOINT ["printforge"]
CMD ["--help"]
