#pragma once
// The SQL that reads LangGraph's PostgresSaver schema, and the rows turned into the common model. Kept apart from
// the store so the queries can be read in one place.

#include "Pg.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

#include <string>
#include <vector>

namespace mnemo::agentmem::pgsql {

using Params = std::vector<std::optional<std::string>>;

inline constexpr const char *kTables[] = {"checkpoints", "checkpoint_blobs", "checkpoint_writes"};
// The three tables as found through the search path (null when absent), and the path, for the error message.
inline constexpr const char *kFindTables =
    "SELECT to_regclass('checkpoints'), to_regclass('checkpoint_blobs'), to_regclass('checkpoint_writes'),"
    " current_schemas(false)::text";
// A PostgresStore's namespace column (JS: namespace_path, Python: prefix) when its store table is there, else null.
inline constexpr const char *kFindStore =
    "SELECT (SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass('store') AND attname IN"
    " ('namespace_path', 'prefix') AND NOT attisdropped ORDER BY attname LIMIT 1)";
// Columns the reader needs that the checkpoints table lacks (none: a schema it knows).
inline constexpr const char *kMissingColumns =
    "SELECT need FROM unnest(ARRAY['thread_id', 'checkpoint_ns', 'checkpoint_id', 'parent_checkpoint_id',"
    " 'checkpoint', 'metadata']) AS need WHERE need NOT IN (SELECT attname::text FROM pg_attribute"
    " WHERE attrelid = to_regclass('checkpoints') AND attnum > 0 AND NOT attisdropped)";
// Checkpoints with their channel values kept as blobs (the versions channel_versions names, each found by the blob
// table's whole primary key), hex-encoded. `%PAGE%`
// is the page's own query over "checkpoints c" (filter, order, limit): the blobs are looked up for its rows only,
// after the limit, not for every row the sort passes over.
inline constexpr const char *kItemPage =
    "SELECT c.thread_id, c.checkpoint_ns, c.checkpoint_id, c.parent_checkpoint_id, c.checkpoint::text AS cp,"
    " c.metadata::text AS meta, (SELECT json_agg(json_build_array(b.channel, b.type, encode(b.blob, 'hex')))"
    " FROM jsonb_each_text(c.checkpoint->'channel_versions') v JOIN checkpoint_blobs b ON b.thread_id = c.thread_id"
    " AND b.checkpoint_ns = c.checkpoint_ns AND b.channel = v.key AND b.version = v.value)::text AS blobs"
    " FROM (%PAGE%) c";
// Every event with a sequence number: each checkpoint, then its writes (by task and index; LangGraph's special writes
// have negative indexes), in a total order, so the numbers repeat from query to query while the data stays. A
// checkpoint or write added later than others of an older checkpoint shifts the numbers after it (see the note in
// PgCheckpointStore.hpp).
inline constexpr const char *kEvents =
    "SELECT * FROM (SELECT row_number() OVER (ORDER BY e.checkpoint_id, e.thread_id, e.ns, e.is_write, e.task,"
    " e.idx) AS seq, e.* FROM ("
    " SELECT c.checkpoint_id, c.thread_id, c.checkpoint_ns AS ns, 0 AS is_write, '' AS task, 0 AS idx,"
    " 'checkpoint' AS action, c.checkpoint->>'ts' AS ts, c.thread_id AS actor,"
    " c.metadata::text AS detail, NULL::text AS type, NULL::text AS value FROM checkpoints c"
    " UNION ALL SELECT w.checkpoint_id, w.thread_id, w.checkpoint_ns, 1, w.task_id, w.idx, 'write',"
    " c.checkpoint->>'ts', w.task_id,"
    " json_build_object('channel', w.channel, 'task_id', w.task_id, 'idx', w.idx)::text, w.type,"
    " encode(w.blob, 'hex') FROM checkpoint_writes w JOIN checkpoints c ON c.thread_id = w.thread_id"
    " AND c.checkpoint_ns = w.checkpoint_ns AND c.checkpoint_id = w.checkpoint_id) e) numbered";

// Whether an index leads with checkpoint_id (README's recommended one): then pages go newest first across threads;
// without it, in the saver's primary key order (thread by thread, newest first in each), which its index serves.
inline constexpr const char *kHasNewestIndex =
    "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
    " AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass('checkpoints') AND a.attname = 'checkpoint_id')";

// The live tail's watermark: the server's own row-change counters for the two tables, so no scan however large they
// are (PostgreSQL updates them when a writer's transaction ends, within about a second).
inline constexpr const char *kWatermark =
    "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text FROM pg_stat_user_tables"
    " WHERE relid IN (to_regclass('checkpoints'), to_regclass('checkpoint_writes'))";

// A text search, as two conditions on "c": the checkpoint's JSON or its metadata (what trigram indexes serve), and a
// channel value kept as a blob (the version the checkpoint names, its bytes as encode(..., 'escape') shows them).
// A page takes the newest matches of each apart and merges them: an OR of the two would keep the planner from using
// either the indexes or an early stop in key order.
struct TextSearch {
    std::string row, blob;
};
// Appends the patterns to `w`'s parameters.
TextSearch textSearch(const std::string &text, pg::Where &w);

// The filters but text search as a WHERE over "c".
pg::Where whereFor(const ItemFilter &filter);


// One row of kItemPage; `where` names the database in messages.
Result<MemoryItem> itemFromRow(const pg::Rows &rows, int row, const std::string &where);
// One row of kEvents.
MemoryEvent eventFromRow(const pg::Rows &rows, int row, const std::string &where);
// A PostgreSQL text[] literal.
std::string textArray(const std::vector<std::string> &values);

} // namespace mnemo::agentmem::pgsql
