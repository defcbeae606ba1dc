#pragma once
// Helpers shared by the importers.

#include "../Sqlite.hpp"
#include "../StoreImport.hpp"
#include "mnemo/agentmem/TimeText.hpp"

#include <nlohmann/json.hpp>
#include "mnemo/core/JsonText.hpp"

#include <filesystem>
#include <string>

namespace mnemo::agentmem {

// Opens a snapshot copy (ours, so read-write: SQLite may replay the copied WAL into it).
Result<sql::Db> openSnapshot(const std::string &path, const std::string &label);

// The snapshot file whose name is `name`, or empty.
// A LangGraph checkpoint, metadata or write value by its serialisation type ("json", "msgpack", "bytes", "null"),
// Python's msgpack extension types decoded recursively. `where` names the row in messages.
Result<nlohmann::json> decodeLangGraphValue(const std::string &type, const void *data, size_t bytes,
                                            const std::string &where);

// What a person reads of a LangGraph checkpoint in a list: its step and each user channel's latest value (shared by
// the SQLite importer and the PostgreSQL reader). `compactJson` cuts a value's JSON text to about maxChars.
std::string summariseCheckpoint(const nlohmann::json &values, const nlohmann::json &meta);
std::string compactJson(const nlohmann::json &j, size_t maxChars = 4000);

// The snapshot copy of the store file that detection gave `role` (see classifyStoreFile), or empty.
std::string snapshotFileWithRole(const ImportContext &ctx, const std::string &role);
// The user's path of a snapshot copy, for messages.
std::string originalLabel(const ImportContext &ctx, const std::string &snapshotPath);

// Parses JSON, returning a null json on malformed input (the caller decides whether that is an error).
nlohmann::json parseJson(const std::string &text);
std::string jsonString(const nlohmann::json &j, std::initializer_list<const char *> keys);
int64_t jsonTimeUs(const nlohmann::json &j, std::initializer_list<const char *> keys, int64_t fallback);
int64_t textTimeUs(const std::string &text, int64_t fallback);

// Records a principal once per import.
Status notePrincipal(ImportContext &ctx, const std::string &id, const char *kind, const std::string &name = {});

} // namespace mnemo::agentmem
