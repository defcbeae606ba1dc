// Store detection: a directory or file is matched against each kind's tell-tale files and tables. The message for
// an unknown store lists what was found, so a user can tell a wrong path from an unsupported format.
#include "mnemo/agentmem/StoreKind.hpp"

#include "Sqlite.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace mnemo::agentmem {

const char *storeKindName(StoreKind kind) {
    switch (kind) {
    case StoreKind::Mnemo: return "mnemo";
    case StoreKind::Mem0: return "mem0";
    case StoreKind::Chroma: return "chroma";
    case StoreKind::LangGraph: return "langgraph";
    case StoreKind::Letta: return "letta";
    case StoreKind::McpMemory: return "mcp-memory";
    case StoreKind::Unknown: break;
    }
    return "unknown";
}

StoreKind storeKindFromName(const std::string &name) {
    for (StoreKind k : {StoreKind::Mnemo, StoreKind::Mem0, StoreKind::Chroma, StoreKind::LangGraph, StoreKind::Letta,
                        StoreKind::McpMemory}) {
        if (name == storeKindName(k)) return k;
    }
    return StoreKind::Unknown;
}

namespace {

bool isSqliteFile(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    char header[16] = {};
    in.read(header, 16);
    return in.gcount() == 16 && std::string(header, 15) == "SQLite format 3";
}

// Tables of a SQLite file, read through an immutable connection (no locks, no journal, no -shm).
Result<std::vector<std::string>> sqliteTables(const fs::path &p) {
    auto db = sql::Db::open("file:" + p.string() + "?immutable=1", SQLITE_OPEN_READONLY, p.string());
    if (!db.ok()) return db.status();
    sql::Stmt q(db.value(), "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    if (!q.ok()) return Status(StatusCode::InvalidArgument, "'" + p.string() + "' is not a readable SQLite database: " +
                                                              q.status().message());
    return out;
}

bool has(const std::vector<std::string> &v, const char *name) { return std::find(v.begin(), v.end(), name) != v.end(); }

void addWithSidecars(std::vector<std::string> &files, const fs::path &db) {
    files.push_back(db.string());
    for (const char *suffix : {"-wal", "-journal"}) {
        fs::path side = db.string() + suffix;
        std::error_code ec;
        if (fs::exists(side, ec)) files.push_back(side.string());
    }
}

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "none" : s;
}

// Classifies one SQLite file by its tables.
StoreKind kindFromTables(const std::vector<std::string> &t, std::string &variant) {
    if (has(t, "meta") && has(t, "items") && has(t, "events")) return StoreKind::Mnemo;
    if (has(t, "collections") && has(t, "segments") && has(t, "embeddings")) return StoreKind::Chroma;
    if (has(t, "checkpoints") && has(t, "writes")) { variant = "checkpointer"; return StoreKind::LangGraph; }
    if (has(t, "store") && has(t, "store_migrations")) { variant = "store"; return StoreKind::LangGraph; }
    if (has(t, "block") && has(t, "agents")) return StoreKind::Letta;
    if (has(t, "memory_history")) { variant = "ts"; return StoreKind::Mem0; }
    if (has(t, "history") && has(t, "messages")) { variant = "python"; return StoreKind::Mem0; }
    if (has(t, "memories") && has(t, "apps") && has(t, "memory_access_logs")) { variant = "openmemory"; return StoreKind::Mem0; }
    if (has(t, "vectors")) { variant = "ts"; return StoreKind::Mem0; } // a Mem0 TS vector store on its own
    return StoreKind::Unknown;
}

bool looksLikeMcpMemory(const fs::path &p) {
    std::ifstream in(p);
    std::string line;
    for (int i = 0; i < 5 && std::getline(in, line); ++i) {
        if (line.find("\"type\"") != std::string::npos &&
            (line.find("\"entity\"") != std::string::npos || line.find("\"relation\"") != std::string::npos)) {
            return true;
        }
    }
    return false;
}

Result<DetectedStore> detectFile(const fs::path &p) {
    DetectedStore d;
    d.root = p.string();
    if (p.extension() == ".jsonl" || p.extension() == ".json") {
        if (looksLikeMcpMemory(p)) {
            d.kind = StoreKind::McpMemory;
            d.files.push_back(p.string());
            return d;
        }
        return Status(StatusCode::InvalidArgument,
                      "'" + p.string() + "': not an MCP memory knowledge graph (no line with \"type\": \"entity\" or "
                                         "\"relation\" among the first five)");
    }
    if (!isSqliteFile(p)) {
        return Status(StatusCode::InvalidArgument,
                      "'" + p.string() + "' is neither a SQLite database (bad header: truncated or not SQLite) nor "
                                         "an MCP memory .jsonl file");
    }
    auto tables = sqliteTables(p);
    if (!tables.ok()) return tables.status();
    d.kind = kindFromTables(tables.value(), d.variant);
    if (d.kind == StoreKind::Unknown) {
        return Status(StatusCode::InvalidArgument,
                      "'" + p.string() + "': no agent memory store we know has these tables: " + join(tables.value()) +
                          " (expected e.g. Mem0 memory_history/vectors, Chroma collections+segments+embeddings, "
                          "LangGraph checkpoints+writes, Letta block+agents, Mnemo meta+items+events)");
    }
    // A Chroma or Mem0 file stands for its whole directory: the sibling files belong to the same store.
    if (d.kind == StoreKind::Chroma || d.kind == StoreKind::Mem0) {
        auto dir = detectStore(p.parent_path().string());
        if (dir.ok() && dir->kind == d.kind) return dir;
    }
    addWithSidecars(d.files, p);
    return d;
}

} // namespace

Result<DetectedStore> detectStore(const std::string &path) {
    std::error_code ec;
    fs::path p(path);
    if (!fs::exists(p, ec)) return Status(StatusCode::NotFound, "'" + path + "' does not exist");
    if (fs::is_regular_file(p, ec)) return detectFile(p);
    if (!fs::is_directory(p, ec)) return Status(StatusCode::InvalidArgument, "'" + path + "' is not a file or directory");

    DetectedStore d;
    d.root = p.string();
    if (fs::exists(p / "chroma.sqlite3", ec)) {
        d.kind = StoreKind::Chroma;
        addWithSidecars(d.files, p / "chroma.sqlite3");
        for (const auto &entry : fs::directory_iterator(p, ec)) {
            if (!entry.is_directory()) continue;
            for (const auto &f : fs::directory_iterator(entry.path(), ec)) {
                if (f.is_regular_file()) d.files.push_back(f.path().string());
            }
        }
        return d;
    }
    // Mem0 keeps up to four SQLite files side by side; take every one that is present.
    static const char *mem0Files[] = {"memory.db", "history.db", "vector_store.db", "vector_store_entities.db",
                                      "openmemory.db"};
    for (const char *name : mem0Files) {
        if (fs::exists(p / name, ec)) addWithSidecars(d.files, p / name);
    }
    if (!d.files.empty()) {
        d.kind = StoreKind::Mem0;
        return d;
    }
    // Otherwise: exactly one recognisable file in the directory.
    std::vector<std::string> seen;
    for (const auto &entry : fs::directory_iterator(p, ec)) {
        if (!entry.is_regular_file()) continue;
        std::string name = entry.path().filename().string();
        if (name.ends_with("-wal") || name.ends_with("-shm") || name.ends_with("-journal")) continue;
        seen.push_back(name);
        auto one = detectFile(entry.path());
        if (one.ok()) return one;
    }
    std::sort(seen.begin(), seen.end());
    return Status(StatusCode::InvalidArgument,
                  "'" + path + "': no agent memory store found in this directory (files: " + join(seen) +
                      "; expected e.g. chroma.sqlite3, Mem0's memory.db/history.db/vector_store.db, a LangGraph "
                      "checkpoints database, Letta's sqlite.db, an MCP memory.jsonl or a Mnemo .mnemem store)");
}

} // namespace mnemo::agentmem
