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

constexpr size_t kSniffBytes = 64 * 1024; // enough for the first lines of a JSONL store

std::string readHead(const fs::path &p, size_t bytes) {
    std::ifstream in(p, std::ios::binary);
    std::string head(bytes, '\0');
    in.read(head.data(), std::streamsize(bytes));
    head.resize(size_t(std::max<std::streamsize>(in.gcount(), 0)));
    return head;
}

bool isSqliteHeader(const std::string &head) { return head.size() >= 16 && head.compare(0, 16, std::string("SQLite format 3\0", 16)) == 0; }

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

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (const auto &x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "none" : s;
}

// Mem0 TS writes memories and graph entities to two files of the same schema (vectors: id, vector, payload); an
// entity's payload carries its type and the memories that mention it.
bool vectorsHoldEntities(const fs::path &p) {
    auto db = sql::Db::open("file:" + p.string() + "?immutable=1", SQLITE_OPEN_READONLY, p.string());
    if (!db.ok()) return false;
    sql::Stmt q(db.value(), "SELECT payload FROM vectors LIMIT 16");
    while (q.step()) {
        std::string payload = q.text(0);
        if (payload.find("\"linkedMemoryIds\"") != std::string::npos || payload.find("\"entityType\"") != std::string::npos)
            return true;
    }
    return false;
}

// Classifies one SQLite file by its tables.
FileRole roleFromTables(const fs::path &p, const std::vector<std::string> &t) {
    if (has(t, "meta") && has(t, "items") && has(t, "events")) return {StoreKind::Mnemo, "mnemo", {}};
    if (has(t, "collections") && has(t, "segments") && has(t, "embeddings")) return {StoreKind::Chroma, "chroma", {}};
    if (has(t, "checkpoints") && has(t, "writes")) return {StoreKind::LangGraph, "langgraph-checkpointer", {}};
    if (has(t, "store") && has(t, "store_migrations")) return {StoreKind::LangGraph, "langgraph-store", {}};
    if (has(t, "block") && has(t, "agents")) return {StoreKind::Letta, "letta", {}};
    if (has(t, "memory_history")) return {StoreKind::Mem0, "mem0-ts-history", {}};
    if (has(t, "history") && has(t, "messages")) return {StoreKind::Mem0, "mem0-python-history", {}};
    if (has(t, "memories") && has(t, "apps") && has(t, "memory_access_logs")) return {StoreKind::Mem0, "openmemory", {}};
    if (has(t, "vectors")) return {StoreKind::Mem0, vectorsHoldEntities(p) ? "mem0-entities" : "mem0-vectors", {}};
    return {StoreKind::Unknown, {}, "SQLite with tables " + join(t)};
}

// The MCP memory server's knowledge graph: JSON objects, one a line, typed "entity" or "relation".
bool looksLikeMcpMemory(const std::string &head) {
    size_t pos = 0;
    for (int lines = 0; lines < 5 && pos < head.size();) {
        size_t end = head.find('\n', pos);
        std::string line = head.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? head.size() : end + 1;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        ++lines;
        if (line.front() != '{') return false;
        if (line.find("\"type\"") != std::string::npos &&
            (line.find("\"entity\"") != std::string::npos || line.find("\"relation\"") != std::string::npos)) {
            return true;
        }
    }
    return false;
}

void addWithSidecars(DetectedStore &d, const fs::path &db, const std::string &role) {
    d.files.push_back(db.string());
    d.roles.push_back(role);
    for (const char *suffix : {"-wal", "-journal"}) {
        fs::path side = db.string() + suffix;
        std::error_code ec;
        if (fs::exists(side, ec)) {
            d.files.push_back(side.string());
            d.roles.emplace_back();
        }
    }
}

bool isSidecar(const std::string &name) {
    return name.ends_with("-wal") || name.ends_with("-shm") || name.ends_with("-journal");
}

std::string variantOf(const DetectedStore &d) {
    std::string v;
    for (const std::string &role : d.roles) {
        std::string part;
        if (role == "langgraph-checkpointer") part = "checkpointer";
        else if (role == "langgraph-store") part = "store";
        else if (role == "mem0-python-history") part = "python";
        else if (role == "openmemory") part = "openmemory";
        else if (role.starts_with("mem0-")) part = "ts";
        if (part.empty() || v.find(part) != std::string::npos) continue;
        v += (v.empty() ? "" : "+") + part;
    }
    return v;
}

// Chroma keeps one folder per vector segment beside its database; every file in them belongs to the store.
void addChromaSegments(DetectedStore &d, const fs::path &dir) {
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_directory(ec)) continue;
        for (const auto &f : fs::directory_iterator(entry.path(), ec)) {
            if (!f.is_regular_file(ec)) continue;
            d.files.push_back(f.path().string());
            d.roles.emplace_back();
        }
    }
}

struct Classified {
    fs::path path;
    FileRole role;
};

// Every regular file of a directory with its role, sorted by name so the choice among several is stable.
std::vector<Classified> classifyDirectory(const fs::path &dir) {
    std::vector<Classified> out;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file(ec) || isSidecar(entry.path().filename().string())) continue;
        out.push_back({entry.path(), classifyStoreFile(entry.path().string())});
    }
    std::sort(out.begin(), out.end(), [](const Classified &a, const Classified &b) { return a.path < b.path; });
    return out;
}

Result<DetectedStore> detectDirectory(const fs::path &p) {
    std::vector<Classified> files = classifyDirectory(p);
    DetectedStore d;
    d.root = p.string();
    auto first = [&](StoreKind kind) {
        return std::find_if(files.begin(), files.end(), [&](const Classified &c) { return c.role.kind == kind; });
    };
    if (auto chroma = first(StoreKind::Chroma); chroma != files.end()) {
        d.kind = StoreKind::Chroma;
        addWithSidecars(d, chroma->path, chroma->role.role);
        addChromaSegments(d, p);
    } else if (first(StoreKind::Mem0) != files.end()) {
        // Mem0 keeps up to five SQLite files side by side (memories, entities, history, OpenMemory): take them all.
        d.kind = StoreKind::Mem0;
        for (const Classified &c : files) {
            if (c.role.kind == StoreKind::Mem0) addWithSidecars(d, c.path, c.role.role);
        }
    } else if (auto any = std::find_if(files.begin(), files.end(), [](const Classified &c) { return c.role.kind != StoreKind::Unknown; });
               any != files.end()) {
        // A single-file store found in a directory is that file, as if it had been named.
        d.root = any->path.string();
        d.kind = any->role.kind;
        addWithSidecars(d, any->path, any->role.role);
    } else {
        std::vector<std::string> seen;
        for (const Classified &c : files) seen.push_back(c.path.filename().string() + " (" + c.role.what + ")");
        return Status(StatusCode::InvalidArgument,
                      "'" + p.string() + "': no agent memory store found in this directory (files: " + join(seen) +
                          "; expected e.g. a Chroma database, Mem0's SQLite files, a LangGraph checkpoints database, "
                          "a Letta database, an MCP memory knowledge graph or a Mnemo store)");
    }
    d.variant = variantOf(d);
    return d;
}

Result<DetectedStore> detectFile(const fs::path &p) {
    FileRole role = classifyStoreFile(p.string());
    if (role.kind == StoreKind::Unknown) {
        return Status(StatusCode::InvalidArgument,
                      "'" + p.string() + "': " + role.what +
                          " (expected e.g. Mem0 memory_history/vectors, Chroma collections+segments+embeddings, "
                          "LangGraph checkpoints+writes, Letta block+agents, Mnemo meta+items+events, or an MCP "
                          "memory knowledge graph: JSON lines of \"type\": \"entity\" or \"relation\")");
    }
    // A Chroma or Mem0 file stands for its whole directory: the sibling files belong to the same store.
    if (role.kind == StoreKind::Chroma || role.kind == StoreKind::Mem0) {
        auto dir = detectDirectory(p.parent_path().empty() ? fs::path(".") : p.parent_path());
        if (dir.ok() && dir->kind == role.kind) return dir;
    }
    DetectedStore d;
    d.root = p.string();
    d.kind = role.kind;
    addWithSidecars(d, p, role.role);
    d.variant = variantOf(d);
    return d;
}

} // namespace

FileRole classifyStoreFile(const std::string &path) {
    fs::path p(path);
    std::string head = readHead(p, kSniffBytes);
    if (head.empty()) return {StoreKind::Unknown, {}, "empty or unreadable"};
    if (isSqliteHeader(head)) {
        auto tables = sqliteTables(p);
        if (!tables.ok()) return {StoreKind::Unknown, {}, "a SQLite file that cannot be read (" + tables.message() + ")"};
        return roleFromTables(p, tables.value());
    }
    if (looksLikeMcpMemory(head)) return {StoreKind::McpMemory, "mcp-memory", {}};
    if (head.size() < 16 && std::string("SQLite format 3", 16).starts_with(head))
        return {StoreKind::Unknown, {}, "a SQLite header cut short (" + std::to_string(head.size()) + " bytes)"};
    return {StoreKind::Unknown, {}, "neither a SQLite database nor JSON lines of entities and relations"};
}

Result<DetectedStore> detectStore(const std::string &path) {
    std::error_code ec;
    fs::path p(path);
    if (!fs::exists(p, ec)) return Status(StatusCode::NotFound, "'" + path + "' does not exist");
    if (fs::is_regular_file(p, ec)) return detectFile(p);
    if (!fs::is_directory(p, ec)) return Status(StatusCode::InvalidArgument, "'" + path + "' is not a file or directory");
    return detectDirectory(p);
}

} // namespace mnemo::agentmem
