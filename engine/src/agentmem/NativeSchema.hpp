#pragma once
// The native store's DDL (schema version kNativeSchemaVersion) and its meta table reader. The catalogue that
// foreign stores are imported into uses the same schema, so every view and query has one shape to read.

#include "Sqlite.hpp"
#include "mnemo/agentmem/NativeStore.hpp"

#include <string>

namespace mnemo::agentmem {

inline constexpr const char *kNativeSchemaSql = R"SQL(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE principals(id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT);
CREATE TABLE items(
    item_seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'memory',
    text TEXT NOT NULL DEFAULT '',
    user_id TEXT, agent_id TEXT, app_id TEXT, thread_id TEXT,
    tier TEXT,
    scope TEXT NOT NULL DEFAULT 'private',
    parent_id TEXT,
    created_us INTEGER NOT NULL,
    updated_us INTEGER NOT NULL,
    deleted_us INTEGER,
    metadata TEXT NOT NULL DEFAULT '{}');
CREATE INDEX items_deleted ON items(deleted_us);
CREATE INDEX items_created ON items(created_us);
CREATE INDEX items_user ON items(user_id);
CREATE INDEX items_agent ON items(agent_id);
CREATE INDEX items_parent ON items(parent_id);
CREATE INDEX items_thread ON items(thread_id);
CREATE INDEX items_kind ON items(kind);
CREATE VIRTUAL TABLE items_fts USING fts5(text, content='items', content_rowid='item_seq');
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts(rowid, text) VALUES (new.item_seq, new.text);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, text) VALUES ('delete', old.item_seq, old.text);
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF text ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, text) VALUES ('delete', old.item_seq, old.text);
    INSERT INTO items_fts(rowid, text) VALUES (new.item_seq, new.text);
END;
CREATE TABLE vectors(item_seq INTEGER PRIMARY KEY, dim INTEGER NOT NULL, embedding BLOB NOT NULL);
CREATE INDEX vectors_dim ON vectors(dim);
CREATE TABLE events(
    seq INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL,
    action TEXT NOT NULL,
    time_us INTEGER NOT NULL,
    actor_id TEXT, old_text TEXT, new_text TEXT,
    detail TEXT NOT NULL DEFAULT '{}');
CREATE INDEX events_item ON events(item_id, time_us);
CREATE INDEX events_time ON events(time_us);
CREATE INDEX events_action ON events(action);
CREATE TABLE relations(
    id INTEGER PRIMARY KEY, src TEXT NOT NULL, dst TEXT NOT NULL, kind TEXT NOT NULL, label TEXT,
    created_us INTEGER NOT NULL DEFAULT 0, deleted_us INTEGER);
CREATE INDEX relations_src ON relations(src);
CREATE INDEX relations_dst ON relations(dst);
CREATE TABLE provenance(item_id TEXT NOT NULL, principal_id TEXT NOT NULL, role TEXT NOT NULL,
                        time_us INTEGER NOT NULL, detail TEXT);
CREATE INDEX provenance_item ON provenance(item_id);
CREATE TABLE access_log(seq INTEGER PRIMARY KEY, item_id TEXT, principal_id TEXT, query TEXT, score REAL,
                        rank INTEGER, time_us INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'search');
CREATE INDEX access_item ON access_log(item_id);
CREATE INDEX access_time ON access_log(time_us);
CREATE TABLE policies(seq INTEGER PRIMARY KEY, subject_id TEXT NOT NULL, object_kind TEXT NOT NULL,
                      object_id TEXT NOT NULL, effect TEXT NOT NULL CHECK(effect IN ('allow','deny')),
                      valid_from_us INTEGER NOT NULL, valid_to_us INTEGER);
CREATE TABLE vector_index_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE vector_index_centroids(list INTEGER PRIMARY KEY, centroid BLOB NOT NULL);
CREATE TABLE vector_index_lists(list INTEGER PRIMARY KEY, item_seqs BLOB NOT NULL, codes BLOB NOT NULL,
                                scales BLOB NOT NULL);
)SQL";

struct NativeMeta {
    int schemaVersion = 0;
    int embeddingDim = 0;
    std::string embedder;
    std::string sourceKind = "mnemo";
    std::string sourcePath;
};

// Refuses files that are not native stores (naming what is missing) and stores from a newer schema.
inline Result<NativeMeta> readNativeMeta(const sql::Db &db) {
    if (!db.hasTable("meta")) {
        return Status(StatusCode::InvalidArgument, "'" + db.label() + "' is not a Mnemo agent memory store (no 'meta' table)");
    }
    NativeMeta m;
    std::string format;
    sql::Stmt q(db, "SELECT key, value FROM meta");
    while (q.step()) {
        std::string k = q.text(0), v = q.text(1);
        if (k == "format") format = v;
        else if (k == "schema_version") m.schemaVersion = std::atoi(v.c_str());
        else if (k == "embedding_dim") m.embeddingDim = std::atoi(v.c_str());
        else if (k == "embedder") m.embedder = v;
        else if (k == "source_kind") m.sourceKind = v;
        else if (k == "source_path") m.sourcePath = v;
    }
    if (!q.ok()) return q.status();
    if (format != kNativeFormatName) {
        return Status(StatusCode::InvalidArgument,
                      "'" + db.label() + "': meta.format is '" + format + "', expected '" + kNativeFormatName + "'");
    }
    if (m.schemaVersion > kNativeSchemaVersion) {
        return Status(StatusCode::Unsupported, "'" + db.label() + "' has schema version " +
                                                   std::to_string(m.schemaVersion) + "; this build reads up to " +
                                                   std::to_string(kNativeSchemaVersion) + " (written by a newer Mnemo)");
    }
    if (m.schemaVersion < 1) {
        return Status(StatusCode::InvalidArgument, "'" + db.label() + "': meta.schema_version is missing or invalid");
    }
    for (const char *t : {"items", "events", "relations", "provenance", "access_log", "policies", "principals"}) {
        if (!db.hasTable(t)) {
            return Status(StatusCode::InvalidArgument, "'" + db.label() + "': table '" + std::string(t) + "' is missing");
        }
    }
    return m;
}

} // namespace mnemo::agentmem
