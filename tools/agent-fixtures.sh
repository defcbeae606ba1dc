#!/usr/bin/env bash
# Generate real agent-memory store fixtures (Mem0 TS, LangGraph JS, MCP memory server) with the real
# npm libraries pinned in tests/fixtures/agent-stores/package-lock.json.
#
#   tools/agent-fixtures.sh OUTDIR
#   tools/agent-fixtures.sh --postgres CONNECTION_STRING OUTFILE [store]
#                                     a LangGraph PostgresSaver (or with "store" a PostgresStore) written into that
#                                     database (generate-postgres.mjs); its manifest (JSON) in OUTFILE
#
# Writes OUTDIR/{mem0,langgraph,mcp}/ and OUTDIR/manifest.json (see generate.mjs). Idempotent.
# Optional for the build: exits 3 when Node.js/npm are missing, so callers can skip.
set -euo pipefail

postgres=""
postgres_kind=checkpointer
if [ "${1:-}" = "--postgres" ]; then
  [ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: $0 --postgres CONNECTION_STRING OUTFILE [store]" >&2; exit 2; }
  postgres=$2
  [ $# -eq 4 ] && postgres_kind=$4
  set -- "$3"
  touch -- "$1"
  set -- "$(cd -- "$(dirname -- "$1")" && pwd)/$(basename -- "$1")"
fi
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 OUTDIR | --postgres CONNECTION_STRING OUTFILE" >&2
  exit 2
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "agent-fixtures: node and npm are required (Node.js >= 20); not found, skipping fixture generation" >&2
  exit 3
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "agent-fixtures: Node.js >= 20 is required (found $(node --version)); skipping fixture generation" >&2
  exit 3
fi

if [ -z "$postgres" ]; then
  mkdir -p -- "$1"
  OUTDIR=$(cd -- "$1" && pwd)
else
  OUTFILE=$1
fi
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
PKG="$ROOT/tests/fixtures/agent-stores"
cd "$PKG"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_all=$(now)

# Several tests run this at once (ctest -j): one installs, the others wait for it and then find node_modules up to
# date. Two concurrent `npm ci` in one folder fail with ENOTEMPTY.
exec 9>"$PKG/node_modules.lock"
flock 9
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  t=$(now)
  echo "agent-fixtures: npm ci (pinned versions from package-lock.json)"
  # The registry is the one thing fetched; when it cannot be reached, say so and let callers skip (exit 3).
  if ! npm ci --no-audit --no-fund 2>&1 | tee /tmp/agent-fixtures-npm.$$.log; then
    if grep -qE "ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network" /tmp/agent-fixtures-npm.$$.log; then
      echo "agent-fixtures: the npm registry cannot be reached; skipping fixture generation" >&2
      rm -f /tmp/agent-fixtures-npm.$$.log
      exit 3
    fi
    rm -f /tmp/agent-fixtures-npm.$$.log
    echo "agent-fixtures: npm ci failed" >&2
    exit 1
  fi
  rm -f /tmp/agent-fixtures-npm.$$.log
  echo "agent-fixtures: npm ci took $(elapsed "$t") s"
else
  echo "agent-fixtures: node_modules up to date, skipping npm ci"
fi

# npm 11 skips install scripts, so better-sqlite3's native binding may not have been built.
if ! node -e "require('better-sqlite3')(':memory:').close()" >/dev/null 2>&1; then
  t=$(now)
  echo "agent-fixtures: building better-sqlite3's native binding (npm rebuild, about a minute)"
  npm rebuild better-sqlite3
  node -e "require('better-sqlite3')(':memory:').close()"
  echo "agent-fixtures: npm rebuild took $(elapsed "$t") s"
fi
flock -u 9

if [ -n "$postgres" ]; then
  t=$(now)
  node generate-postgres.mjs "$postgres" "$postgres_kind" >"$OUTFILE"
  echo "agent-fixtures: generate-postgres.mjs took $(elapsed "$t") s -> $OUTFILE"
  exit 0
fi

t=$(now)
node generate.mjs "$OUTDIR"
echo "agent-fixtures: generate.mjs took $(elapsed "$t") s"
echo "agent-fixtures: total $(elapsed "$t_all") s -> $OUTDIR"
