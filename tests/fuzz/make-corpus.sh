#!/usr/bin/env bash
# Rebuilds the committed seed corpora in tests/fuzz/corpus/ from the test fixtures: the same generators the tests
# use, each store cut to a few rows per table and repacked with 512-byte pages so a seed stays a few KiB.
#
#   tests/fuzz/make-corpus.sh BUILD_DIR [NPM_FIXTURES_DIR]
#
# BUILD_DIR holds a normal build (mnemo-cli, mnemo_agent_store_gen); NPM_FIXTURES_DIR is tools/agent-fixtures.sh's
# output (Mem0 TS, LangGraph JS, MCP memory written by their own npm packages), left out when not given.
set -euo pipefail
build=$(cd "$1" && pwd)
npm=${2:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
corpus="$here/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cli="$build/bin/mnemo-cli"
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json | head -1)}

# shrink SRC DST: a few rows per table, small pages.
shrink() {
  cp "$1" "$2"
  local tables
  # Full-text shadow tables follow their virtual table; everything else keeps four rows.
  tables=$(sqlite3 "$2" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT GLOB 'sqlite_*'
                         AND name NOT GLOB '*_data' AND name NOT GLOB '*_idx' AND name NOT GLOB '*_content'
                         AND name NOT GLOB '*_docsize' AND name NOT GLOB '*_config'
                         AND name NOT IN ('meta', 'migrations', 'store_migrations', 'alembic_version')")
  for t in $tables; do
    sqlite3 "$2" "DELETE FROM \"$t\" WHERE rowid NOT IN (SELECT rowid FROM \"$t\" LIMIT 4)" 2>/dev/null || true
  done
  for v in $(sqlite3 "$2" "SELECT name FROM sqlite_master WHERE sql GLOB '*VIRTUAL*fts5*'"); do
    sqlite3 "$2" "INSERT INTO \"$v\"(\"$v\") VALUES('rebuild')" 2>/dev/null || true
  done
  sqlite3 "$2" "PRAGMA journal_mode=DELETE; PRAGMA page_size=512; VACUUM;" >/dev/null
}

rm -rf "$corpus"
mkdir -p "$corpus"/{video,image,agent_store,native_store,pickle,msgpack,session_db,memory_bank,camera_track}

# Videos: 32x32, three frames, the codecs and containers people hand over.
src="-f lavfi -i testsrc=size=32x32:rate=10:duration=0.3"
ffmpeg -loglevel error $src -c:v libx264 -pix_fmt yuv420p "$corpus/video/h264.mkv"
ffmpeg -loglevel error $src -c:v libx264 -pix_fmt yuv420p -movflags +faststart "$corpus/video/h264.mp4"
ffmpeg -loglevel error $src -c:v ffv1 "$corpus/video/ffv1.mkv"
ffmpeg -loglevel error $src -c:v mpeg4 "$corpus/video/mpeg4.avi"
ffmpeg -loglevel error $src -c:v mjpeg -pix_fmt yuvj420p "$corpus/video/mjpeg.mov"

# Stills: every format the frame sources read.
img="-f lavfi -i testsrc=size=8x8:rate=1:duration=1 -frames:v 1"
for ext in png jpg bmp gif tga; do ffmpeg -loglevel error $img "$corpus/image/still.$ext"; done

# Agent stores: the schema-built generator, and the npm-written stores where given.
"$build/bin/mnemo_agent_store_gen" all "$tmp/gen" >/dev/null
shrink "$tmp/gen/chroma/chroma.sqlite3" "$corpus/agent_store/chroma.sqlite3"
shrink "$tmp/gen/letta/sqlite.db" "$corpus/agent_store/letta.db"
shrink "$tmp/gen/openmemory/openmemory.db" "$corpus/agent_store/openmemory.db"
shrink "$tmp/gen/mem0py/history.db" "$corpus/agent_store/mem0-python-history.db"
shrink "$tmp/gen/langgraph-store/store.db" "$corpus/agent_store/langgraph-store.db"
if [ -n "$npm" ]; then
  shrink "$npm/mem0/memory.db" "$corpus/agent_store/mem0-ts-history.db"
  shrink "$npm/mem0/vector_store.db" "$corpus/agent_store/mem0-vectors.db"
  shrink "$npm/mem0/vector_store_entities.db" "$corpus/agent_store/mem0-entities.db"
  shrink "$npm/langgraph/checkpoints.db" "$corpus/agent_store/langgraph-checkpoints.db"
  head -c 2048 "$npm/mcp/memory.jsonl" >"$corpus/agent_store/mcp-memory.jsonl"
fi

# Mnemo's own store: every table with rows, and an IVF index.
m="$tmp/native.mnemem"
"$cli" memstore create "$m" >/dev/null
"$cli" memstore add "$m" --id a --text "Alice prefers window seats" --user alice --agent travel --tier LTM >/dev/null
"$cli" memstore add "$m" --id b --text "Bob is allergic to peanuts" --user bob --agent chef --tier STM >/dev/null
"$cli" memstore add "$m" --id c --text "The offsite is in Lisbon" --user carol --agent travel >/dev/null
"$cli" memstore update "$m" a --text "Alice prefers aisle seats" >/dev/null
"$cli" memstore delete "$m" b >/dev/null
"$cli" memstore relate "$m" a c --label "same trip" >/dev/null
"$cli" memstore policy "$m" --subject dave --object-kind user --object alice --effect allow >/dev/null
"$cli" memstore access "$m" a --principal travel --query "seat" --score 0.9 >/dev/null
"$cli" memstore index "$m" >/dev/null
shrink "$m" "$corpus/native_store/native.mnemem"
shrink "$build/assets/agent-memory/sample.mnemem" "$corpus/native_store/sample.mnemem"

# Chroma's label map pickle (protocol 4) and a few plain-data shapes.
/usr/bin/python3 - "$corpus/pickle" <<'PY'
import pickle, sys
d = sys.argv[1]
meta = {"dimensionality": 4, "total_elements_added": 2, "max_seq_id": 7,
        "id_to_label": {"a": 1, "b": 2}, "label_to_id": {1: "a", 2: "b"}, "id_to_seq_id": {"a": 3, "b": 7}}
for proto in (2, 4, 5):
    open(f"{d}/index_metadata.p{proto}.pickle", "wb").write(pickle.dumps(meta, protocol=proto))
open(f"{d}/shapes.pickle", "wb").write(pickle.dumps([None, True, 1.5, -3, 2**40, "é", b"\x00\xff", (1, 2), {1, 2}], protocol=4))
PY

# LangGraph values: first byte picks the type (0 msgpack, 1 json, 2 bytes, 3 null); msgpack written by hand since
# Debian's python3-msgpack is not a build dependency: a map with a string, an array and an ext type holding msgpack.
printf '\x00\x83\xa1v\xa5hello\xa1a\x93\x01\xa2hi\xc0\xa1e\xc7\x04\x05\x92\x01\x02\x03' >"$corpus/msgpack/ext.bin"
printf '\x01{"v":1,"channel_values":{"messages":[{"lc":1,"kwargs":{"content":"hi"}}]}}' >"$corpus/msgpack/checkpoint.json"
printf '\x02\x00\x01\x02' >"$corpus/msgpack/bytes.bin"

# A recorded session and a memory bank, tiny frames.
"$cli" run --engine null-world --pattern walk --frames 4 --size 32x32 --record "$tmp/session" \
  --memory-out "$tmp/bank.mnemo-memory" >/dev/null
shrink "$tmp/session/session.sqlite" "$corpus/session_db/session.sqlite"
shrink "$tmp/bank.mnemo-memory" "$corpus/memory_bank/bank.mnemo-memory"

# Camera tracks: scripted patterns, cut to three frames.
for p in walk turn out-and-back; do
  "$cli" track --pattern "$p" --frames 3 --size 32x32 --out "$corpus/camera_track/$p.json" >/dev/null
done

du -sh "$corpus"/* | sed 's|'"$corpus"'/||'
