#!/usr/bin/env bash
# Sets up everything the project needs on a bare machine, idempotently:
#   - Node 22 from the npm registry's `node@22` package into .tools/ when the system Node is older
#     (the system Node is never touched), with its headers for native addons such as better-sqlite3;
#   - Yarn 4 through corepack, fetched from the same registry npm uses;
#   - from Debian's packages, when missing: Chromium (browser tests), PostgreSQL and Redis (the
#     production-path tests; scripts/services.sh starts them), docker-registry (a real OCI registry the
#     registry tests start on free ports) with htpasswd and openssl for its basic and token auth;
#   - pinned helm and kustomize, built with `go install` from the Go module proxy into .tools/bin (the
#     versions Argo CD's repo-server runs; see the README), skipped when those versions are there;
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

# Debian's packages the project needs, each installed only when its command is missing. One
# `apt-get update` per run, and only when something is to be installed.
ensure_debian_packages() {
  local missing=() command package
  for pair in /usr/bin/chromium:chromium /usr/bin/pg_createcluster:postgresql \
    /usr/bin/redis-server:redis-server /usr/bin/docker-registry:docker-registry \
    /usr/bin/htpasswd:apache2-utils /usr/bin/openssl:openssl; do
    command="${pair%%:*}" package="${pair#*:}"
    [ -e "$command" ] || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages and this is not root: apt-get install ${missing[*]}"
    return
  fi
  log "installing Debian's ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
}

# helm and kustomize at the versions in scripts/tool-versions.sh, built from the Go module proxy. A
# machine without Go keeps working; what needs the tools then fails with this message.
ensure_go_tools() {
  # shellcheck source=tool-versions.sh
  . "$here/tool-versions.sh"
  local bin="$BLUEBERRY_TOOLS/bin"
  if [ "$("$bin/helm" version --template '{{.Version}}' 2>/dev/null)" = "$HELM_VERSION" ] &&
    [ "$("$bin/kustomize" version 2>/dev/null)" = "$KUSTOMIZE_VERSION" ]; then
    return
  fi
  if ! command -v go >/dev/null; then
    log "Go is missing: helm $HELM_VERSION and kustomize $KUSTOMIZE_VERSION are built with 'go install'"
    log "from the Go module proxy; install Go 1.24 or newer (Debian 12's golang-go is 1.19, too old; a Go"
    log "from 1.21 on fetches the toolchain it needs from the proxy by itself), then run scripts/setup.sh again"
    return
  fi
  mkdir -p "$bin"
  log "building helm $HELM_VERSION and kustomize $KUSTOMIZE_VERSION with go install (a few minutes, once)"
  # helm reads its version from ldflags, as its own Makefile sets them; kustomize from Go's build info.
  GOBIN="$bin" GOFLAGS=-buildvcs=false go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
  GOBIN="$bin" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
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
ensure_debian_packages
ensure_go_tools
ensure_dependencies
log "ready: node $(node --version), yarn $(cd "$BLUEBERRY_ROOT" && yarn --version)"
