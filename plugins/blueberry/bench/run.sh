#!/usr/bin/env bash
# Bundles the benchmark with esbuild (TSX, MUI's ESM, image imports) and runs it in plain Node.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .out
esbuild renderCard.tsx --bundle --platform=node --format=cjs --jsx=automatic \
  --outfile=.out/renderCard.cjs --external:jsdom --log-level=warning \
  --loader:.svg=dataurl --loader:.png=dataurl --loader:.woff=empty --loader:.woff2=empty \
  --define:process.env.NODE_ENV='"production"'
esbuild setupDom.ts --bundle --platform=node --format=cjs --outfile=.out/setupDom.cjs \
  --external:jsdom --log-level=warning
node -r ./.out/setupDom.cjs .out/renderCard.cjs
