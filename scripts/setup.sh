#!/usr/bin/env bash
# Sets up everything the project needs on a bare machine, idempotently:
#   - Node 22 from the npm registry's `node@22` package into .tools/ when the system Node is older
#     (the system Node is never touched), with its headers for native addons such as better-sqlite3;
#   - Yarn 4 through corepack, fetched from the same registry npm uses;
#   - Debian's Chromium for the browser smoke and end-to-end tests;
#   - `yarn install --immutable`, skipped when yarn.lock, the manifests and Node are unchanged.
# A second run with nothing changed takes seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[setup] %s\n' "$*" >&2; }
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# shellcheck source=env.sh
. "$here/env.sh"

ensure_node() {
  if command -v node >/dev/null && [ "$(node_major node)" -ge 22 ]; then return; fi
  log "installing Node 22 and corepack from the npm registry into .tools/node"
  # corepack comes along because the registry's Node package ships the binary alone.
  npm install --no-save --no-audit --no-fund --prefix "$BLUEBERRY_TOOLS/node" node@22 corepack@0.34 >&2
  . "$here/env.sh"
  [ "$(node_major node)" -ge 22 ] || { log "Node 22 did not install"; exit 1; }
}

ensure_yarn() {
  mkdir -p "$BLUEBERRY_TOOLS/bin"
  if [ ! -x "$BLUEBERRY_TOOLS/bin/yarn" ]; then
    log "enabling Yarn through corepack"
    corepack enable --install-directory "$BLUEBERRY_TOOLS/bin" yarn >&2
  fi
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  if [ "$(id -u)" != 0 ]; then
    log "Chromium is missing and this is not root: install Debian's 'chromium' package"
    return
  fi
  log "installing Debian's Chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
}

# What decides whether an install is needed: Node's version, the lock and every manifest.
install_fingerprint() {
  {
    node --version
    cat "$BLUEBERRY_ROOT/yarn.lock" "$BLUEBERRY_ROOT/package.json"
    find "$BLUEBERRY_ROOT/packages" "$BLUEBERRY_ROOT/plugins" -mindepth 2 -maxdepth 2 \
      -name package.json -print0 | sort -z | xargs -0 cat
  } | sha256sum | cut -d' ' -f1
}

ensure_dependencies() {
  local stamp="$BLUEBERRY_ROOT/node_modules/.blueberry-install-fingerprint"
  local fingerprint
  fingerprint="$(install_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
    log "dependencies are up to date"
    return
  fi
  log "yarn install --immutable"
  (cd "$BLUEBERRY_ROOT" && yarn install --immutable) >&2
  echo "$fingerprint" >"$stamp"
}

ensure_node
ensure_yarn
ensure_chromium
ensure_dependencies
log "ready: node $(node --version), yarn $(cd "$BLUEBERRY_ROOT" && yarn --version)"
