// The catalogue behind an AgentStore: a native store opened in place, or a foreign store's files copied to a
// snapshot and imported into a temporary native catalogue.
#include "AgentStoreInternal.hpp"
#include "Catalogue.hpp"
#include "NativeSchema.hpp"
#include "Sqlite.hpp"
#include "StoreImport.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace fs = std::filesystem;

namespace mnemo::agentmem {

FileStamps stampFiles(const std::vector<std::string> &files) {
    FileStamps out;
    for (const std::string &f : files) {
        struct stat st {};
        if (::stat(f.c_str(), &st) == 0) {
            out[f] = {int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, int64_t(st.st_size)};
        }
    }
    return out;
}

Catalogue::~Catalogue() {
    if (!workDir.empty()) {
        std::error_code ec;
        fs::remove_all(workDir, ec);
    }
}

namespace {

std::string uriPath(const std::string &path) {
    std::string out;
    for (char c : path) {
        if (c == '?' || c == '#' || c == '%') {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

bool fileExists(const std::string &p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

} // namespace

std::string catalogueUri(const Catalogue &c) {
    if (c.nativeInPlace && !fileExists(c.dbPath + "-wal")) return "file:" + uriPath(c.dbPath) + "?immutable=1";
    return "file:" + uriPath(c.dbPath) + "?mode=ro";
}

std::vector<std::string> stampedFiles(const Catalogue &c) {
    std::vector<std::string> files = c.detected.files;
    if (c.nativeInPlace) files.push_back(c.dbPath + "-wal");
    // A Mem0/Letta/LangGraph writer may create a WAL later: watch for it too.
    for (size_t i = 0; i < c.detected.files.size() && i < c.detected.roles.size(); ++i) {
        const std::string &role = c.detected.roles[i];
        if (!role.empty() && role != "mcp-memory") files.push_back(c.detected.files[i] + "-wal");
    }
    return files;
}

namespace {

Result<fs::path> makeWorkDir(const std::string &base) {
    static std::atomic<int> counter{0};
    std::error_code ec;
    fs::path root = base.empty() ? fs::temp_directory_path(ec) : fs::path(base);
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path dir = root / ("mnemo-inspect-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        if (fs::create_directories(dir, ec)) return dir;
    }
    return Status(StatusCode::Internal, "cannot create a working directory under '" + root.string() + "'");
}

// Copies the store's files into the snapshot directory. The user's files are only ever opened for reading, and
// SQLite never sees them, so no lock, journal, -shm or checkpoint can touch them.
Result<std::vector<std::string>> snapshotFiles(const DetectedStore &d, const fs::path &snapshotDir, std::string &root) {
    std::error_code ec;
    fs::path base = fs::is_directory(d.root, ec) ? fs::path(d.root) : fs::path(d.root).parent_path();
    std::vector<std::string> copies;
    for (const std::string &f : d.files) {
        fs::path rel = fs::relative(f, base, ec);
        if (ec || rel.empty()) rel = fs::path(f).filename();
        fs::path dst = snapshotDir / rel;
        fs::create_directories(dst.parent_path(), ec);
        if (!fs::copy_file(f, dst, fs::copy_options::overwrite_existing, ec)) {
            return Status(StatusCode::NotFound, "cannot read '" + f + "': " + ec.message());
        }
        copies.push_back(dst.string());
    }
    root = (fs::is_directory(d.root, ec) ? snapshotDir : snapshotDir / fs::path(d.root).filename()).string();
    return copies;
}

// A Mnemo store is read where it is: only its embedder is needed up front.
Status openNativeInPlace(Catalogue &cat) {
    cat.nativeInPlace = true;
    cat.dbPath = cat.detected.root;
    auto db = sql::Db::open(catalogueUri(cat), SQLITE_OPEN_READONLY, cat.dbPath);
    if (!db.ok()) return db.status();
    auto meta = readNativeMeta(db.value());
    if (!meta.ok()) return meta.status();
    cat.embedder = meta->embedder;
    cat.stamps = stampFiles(stampedFiles(cat));
    return {};
}

Status runImporter(StoreKind kind, ImportContext &ctx) {
    switch (kind) {
    case StoreKind::Mem0: return importMem0(ctx);
    case StoreKind::Chroma: return importChroma(ctx);
    case StoreKind::LangGraph: return importLangGraph(ctx);
    case StoreKind::Letta: return importLetta(ctx);
    case StoreKind::McpMemory: return importMcpMemory(ctx);
    default: return Status(StatusCode::Unsupported, "no reader for this store kind");
    }
}

// A foreign store: its files are copied to a snapshot, which is imported into a temporary native catalogue in one
// transaction.
Status importForeignStore(Catalogue &cat, const std::string &path, const std::string &workBase) {
    auto work = makeWorkDir(workBase);
    if (!work.ok()) return work.status();
    cat.workDir = work.value();
    cat.stamps = stampFiles(stampedFiles(cat));
    std::string snapRoot;
    auto copies = snapshotFiles(cat.detected, cat.workDir / "snapshot", snapRoot);
    if (!copies.ok()) return copies.status();

    cat.dbPath = (cat.workDir / "catalogue.db").string();
    NativeStoreWriter::Options wo;
    wo.durable = false;
    wo.sourceKind = storeKindName(cat.detected.kind);
    wo.sourcePath = path;
    auto writer = NativeStoreWriter::create(cat.dbPath, wo);
    if (!writer.ok()) return writer.status();
    ImportContext ctx{snapRoot, path, copies.value(), *writer.value(), cat};
    if (Status s = writer.value()->begin(); !s.ok()) return s;
    if (Status imported = runImporter(cat.detected.kind, ctx); !imported.ok()) {
        return imported.withContext(std::string("reading the ") + storeKindName(cat.detected.kind) + " store '" +
                                    path + "'");
    }
    if (Status s = writer.value()->setMeta("embedder", cat.embedder); !s.ok()) return s;
    if (Status s = writer.value()->commit(); !s.ok()) return s;
    writer.value().reset();
    // The snapshot has served its purpose; large stores should not sit twice on disk.
    std::error_code ec;
    fs::remove_all(cat.workDir / "snapshot", ec);
    return {};
}

} // namespace

Result<std::shared_ptr<Catalogue>> buildCatalogue(const std::string &path, const AgentStore::OpenOptions &options) {
    auto detected = detectStore(path);
    if (!detected.ok()) return detected.status();
    auto cat = std::make_shared<Catalogue>();
    cat->detected = detected.value();
    if (options.kind != StoreKind::Unknown && options.kind != cat->detected.kind) {
        return Status(StatusCode::InvalidArgument, "'" + path + "' looks like a " +
                                                       std::string(storeKindName(cat->detected.kind)) +
                                                       " store, not " + storeKindName(options.kind));
    }
    cat->sourcePath = path;
    cat->variant = cat->detected.variant;
    Status opened = cat->detected.kind == StoreKind::Mnemo ? openNativeInPlace(*cat)
                                                           : importForeignStore(*cat, path, options.workDir);
    if (!opened.ok()) return opened;
    return cat;
}

} // namespace mnemo::agentmem
