#!/usr/bin/env bash
# Lists functions longer than a limit (default 80 lines) in engine/, ui/ and app/, longest first, as
# "LINES FILE:LINE FUNCTION". Tests and generated code are not measured. Exits 1 when any function is over the limit.
# The measuring is tools/function-lengths.py (brace matching; pmccabe 2.8 cannot parse nested namespaces).
# Usage: tools/function-lengths.sh [LIMIT] [FOLDER...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
limit="${1:-80}"
shift || true
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(engine ui app)
cd "$root"
mapfile -t files < <(find "${folders[@]}" -name '*.cpp' -o -name '*.hpp' | sort)
if /usr/bin/python3 tools/function-lengths.py "$limit" "${files[@]}"; then
  echo "no function over $limit lines in ${folders[*]} (${#files[@]} files)" >&2
else
  echo "functions over $limit lines: see above" >&2
  exit 1
fi
