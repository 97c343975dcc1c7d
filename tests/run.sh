#!/usr/bin/env bash
# The test command (README.md): makes sure the programs the tests drive are
# there, then runs `cargo test --release` (extra arguments are passed on).
#
# The tests need Debian's chromium (browser and search tests), Node.js 20
# or newer with npm (search tests), poppler-utils (pamphlet and print
# tests), qpdf (the pamphlet's PDF structure), zbar-tools (reads the
# pamphlet's QR code) and strace (the interrupted-build test). As root with apt-get, a
# missing one is installed; otherwise the script names the packages to
# install and stops, before any test runs.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have chromium || [ -x /usr/bin/chromium ] || missing+=(chromium)
have pdftotext || missing+=(poppler-utils)
have qpdf || missing+=(qpdf)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have strace || missing+=(strace)
have zbarimg || missing+=(zbar-tools)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "tests/run.sh: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
  else
    echo "tests/run.sh: the tests need these Debian packages: ${missing[*]}" >&2
    echo "  install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "tests/run.sh: the search tests need Node.js 20 or newer; this is $(node --version)" >&2
  exit 1
fi

exec cargo test --release "$@"
