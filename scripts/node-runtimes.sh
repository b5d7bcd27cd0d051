#!/usr/bin/env bash
# Node.js runtimes for the bundle's end-to-end test. The deployed bundle must run on every
# runtime fc may offer, Node 16 (the one JD documents) to 24 (issue 12); this machine has one
# Node, so the others come from the npm registry: the
# `node` package ships the official binaries (its preinstall fetches node-<os>-<arch>, another
# registry package, and links <prefix>/node_modules/node/bin/node to it).
#
#   scripts/node-runtimes.sh install   install Node 16, 18, 20, 22 and 24 into the cache; print one binary path per line
#   scripts/node-runtimes.sh smoke     install, then run the bundled handler end-to-end (local OSS +
#                                      VM emulator) on this machine's node and on each of them
#
# NODE_RUNTIMES_CACHE   where binaries are kept (default ~/.cache/oss-image-import/node-runtimes)
# NODE_RUNTIME_MAJORS   which majors to install (default "16 18 20 22 24")
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${NODE_RUNTIMES_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/oss-image-import/node-runtimes}"
majors="${NODE_RUNTIME_MAJORS:-16 18 20 22 24}"

# Installs node@<major> unless a working binary of that major is already cached; prints its path.
install_major() {
  local major="$1"
  local prefix="${cache}/node${major}"
  local binary="${prefix}/node_modules/node/bin/node"
  if [[ -x "${binary}" ]] && [[ "$("${binary}" --version 2>/dev/null)" == "v${major}."* ]]; then
    echo "${binary}"
    return
  fi
  rm -rf "${prefix}"
  mkdir -p "${prefix}"
  echo "node-runtimes: installing node@${major} into ${prefix}" >&2
  npm install --prefix "${prefix}" --no-audit --no-fund --no-save --loglevel=error "node@${major}" >&2
  local version
  version="$("${binary}" --version 2>/dev/null || true)"
  if [[ "${version}" != "v${major}."* ]]; then
    echo "node-runtimes: ${binary} is not a Node ${major} binary (got '${version}'); the node package's preinstall may have been skipped" >&2
    exit 1
  fi
  echo "node-runtimes: ${binary} is ${version}" >&2
  echo "${binary}"
}

install_all() {
  local major
  for major in ${majors}; do install_major "${major}"; done
}

case "${1:-}" in
  install)
    install_all
    ;;
  smoke)
    binaries="$(install_all | paste -sd: -)"
    cd "${repo_root}"
    OSS_IMAGE_IMPORT_NODE_BINARIES="${binaries}" node --import tsx --test test/plugins/node-runtimes.test.ts
    ;;
  *)
    echo "usage: scripts/node-runtimes.sh install|smoke" >&2
    exit 2
    ;;
esac
