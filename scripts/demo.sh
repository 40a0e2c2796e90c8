#!/usr/bin/env bash
# Installs what is missing, builds clasp, and runs `clasp demo`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
scripts/build.sh
exec build/clasp demo "$@"
