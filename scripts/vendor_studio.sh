#!/usr/bin/env bash
# Rebuilds the studio's vendored three.js bundle from the npm registry (build time only:
# `./dev up` serves the committed output and needs no npm). Versions are pinned in
# scripts/studio_vendor/package.json and its lock file; bump them there and re-run this.
set -euo pipefail
cd "$(dirname "$0")/studio_vendor"
npm ci --silent --no-audit --no-fund
out=../../services/gateway/studio/vendor
mkdir -p "$out"
node_modules/.bin/esbuild three_entry.js --bundle --format=esm --minify --target=es2020 \
  --legal-comments=eof --outfile="$out/three.bundle.min.js"
cp node_modules/three/LICENSE "$out/three.LICENSE"
version=$(node -p 'require("./node_modules/three/package.json").version')
echo "three.js $version (npm), bundled with esbuild $(node_modules/.bin/esbuild --version) by scripts/vendor_studio.sh" \
  > "$out/VERSION"
echo "vendor_studio: wrote $out/three.bundle.min.js (three $version)"
