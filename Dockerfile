# Two images of printforge from one file (docs/deploy.md, "Build the images"):
#   --target slim  gateway and auth: the core dependencies only, no CAD stack, no OpenGL libraries;
#   --target cad   generator and printability: CadQuery/OCCT and the Debian libraries they load, and
#                  prusa-slicer, whose CLI gives print-prep its print time and filament estimate.
# Every pod runs `printforge serve <service>`; docs/deploy.md explains the runtime contract. Each
# image installs a hash-pinned lock file (requirements/*.lock, made by scripts/lock_requirements.sh
# from pyproject.toml), so a rebuild installs the same packages; tests/k8s/test_dockerfile.py keeps
# this file, the lock files and scripts/setup.sh in step. The images run as an unprivileged user
# and work with a read-only root filesystem (scratch and caches live under /tmp and the data dir).
#
# The base image is pinned by digest: python:3.11-slim-bookworm as it is published, the same digest
# found in independent public Dockerfiles (this machine reaches no image registry, so it was not
# pulled here). Refresh it with `docker buildx imagetools inspect python:3.11-slim-bookworm`.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/app/.venv/bin:$PATH \
    PRINTFORGE_DATA_DIR=/var/lib/printforge \
    XDG_CACHE_HOME=/tmp/.cache \
    MPLCONFIGDIR=/tmp/matplotlib
RUN groupadd --system --gid 10001 printforge \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/printforge --create-home \
      --shell /usr/sbin/nologin printforge \
 && mkdir -p /var/lib/printforge \
 && chown printforge:printforge /var/lib/printforge
WORKDIR /app
EXPOSE 8080 9090 50051 50052 50053
ENTRYPOINT ["printforge"]
CMD ["--help"]

# The application's files, byte-compiled now: the root filesystem is read-only at run time and
# imports must be quick. Both images copy them after their dependencies, so editing code does not
# reinstall those.
FROM base AS source
COPY pyproject.toml setup.py ./
COPY printforge/ printforge/
COPY printforge_cli/ printforge_cli/
COPY services/ services/
RUN python3.11 -m compileall -q printforge printforge_cli services

FROM base AS slim
COPY requirements/slim.lock requirements/
RUN python3.11 -m venv .venv \
 && .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements/slim.lock
COPY --from=source /app/ ./
RUN .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
USER 10001:10001

FROM base AS cad
# setup.sh's Debian packages minus python3-venv and python3-dev: this image's own Python has both.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgl1 libglu1-mesa libxrender1 libxext6 libsm6 libxi6 libxxf86vm1 libusb-1.0-0 libgomp1 prusa-slicer \
 && rm -rf /var/lib/apt/lists/*
COPY requirements/cad.lock requirements/
RUN python3.11 -m venv .venv \
 && .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements/cad.lock
COPY --from=source /app/ ./
RUN .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
USER 10001:10001
