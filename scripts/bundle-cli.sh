#!/usr/bin/env bash
# Bundles the CLI's pure path (run, replay: spec validation, the simulator, the viz converters)
# into one file. Node 20 loads the ~550 small files of typebox and our own modules one by one,
# which made `mutexlab run` take over a second; one bundled file loads in a fraction of that.
# The service commands and the native engine stay separate modules (external), loaded only when
# used, from the same directory depth so their relative paths still resolve.
set -euo pipefail
cd "$(dirname "$0")/.."
node_modules/.bin/esbuild dist/src/cli.js --bundle --platform=node --format=esm \
  --outfile=dist/src/cli.bundle.js --log-level=warning \
  --external:./cli/api.js --external:./cli/worker.js --external:./cli/start.js --external:./native/engine.js --external:../native/engine.js
