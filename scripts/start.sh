#!/usr/bin/env bash
# Starts everything on the embedded defaults, with nothing else running: the local GitOps repository
# (created on first start), the local Argo CD stand-in reconciling it, and Backstage (app on
# http://localhost:3000, backend on http://localhost:7007, guest sign-in). Ctrl-C stops all of it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/setup.sh
. scripts/env.sh

export BLUEBERRY_GITOPS_DIR="${BLUEBERRY_GITOPS_DIR:-$root/.local/gitops}"
export ARGOCD_STANDIN_PORT="${ARGOCD_STANDIN_PORT:-7080}"
# A fresh token per start: the stand-in accepts it and the backend sends it; it is never written down.
ARGOCD_TOKEN="$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')"
export ARGOCD_TOKEN

transform=(--require @backstage/cli/config/nodeTransform.cjs)

# The local GitOps repository: a real git repository with the bootstrap files, made once.
node "${transform[@]}" plugins/blueberry-node/src/cli/initGitops.ts --path "$BLUEBERRY_GITOPS_DIR" \
  --source-repo http://127.0.0.1:7081

# The Argo CD stand-in (a test double of Argo CD's API), reconciling that repository, and the example
# charts as a Helm chart repository on 127.0.0.1:7081 (the template's defaults name it).
ARGOCD_STANDIN_TOKEN="$ARGOCD_TOKEN" node "${transform[@]}" packages/argocd-standin/src/cli.ts \
  --repo "$BLUEBERRY_GITOPS_DIR" --port "$ARGOCD_STANDIN_PORT" \
  --chart-repository-port 7081 &
standin=$!
# The OCI registry the example shop's blueprint names (127.0.0.1:7082), holding the shop's images:
# shop/backend tagged with this repository's current commit, shop/storefront:1.8.0.
node "${transform[@]}" plugins/blueberry-node/src/cli/localRegistry.ts --port 7082 &
registry=$!
trap 'kill $standin $registry 2>/dev/null || true' EXIT

yarn backstage-cli repo start
