#!/usr/bin/env bash
# The README's first command: install, start the local stack and the pipeline, feed sample trap mail, show the evidence.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-system-deps.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
echo "== local stack (Kafka, Elasticsearch, Redis)"
npx spamtrap stack up
eval "$(npx spamtrap stack env)"
echo "== pipeline (smtp-sink, parser, enricher, nominator, demo DNS zone)"
npx spamtrap pipeline up --demo
echo "== feeding sample mail through SMTP on 127.0.0.1:2525"
npx spamtrap demo
