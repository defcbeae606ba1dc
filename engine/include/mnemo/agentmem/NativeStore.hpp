#pragma once
// Mnemo's own agent-memory store: one SQLite file whose schema is the common model (docs/agent-memory-store.md).
// A user's agent writes it through this API or `mnemo-cli memstore`; the inspector reads it live, read-only.
// The same writer builds the temporary catalogue that foreign stores are imported into.

#include "mnemo/agentmem/AgentMemoryModel.hpp"
#include "mnemo/core/Status.hpp"

#include <functional>
#include <memory>
#include <string>

namespace mnemo::agentmem {

class HashingEmbedder;
namespace sql { class Db; }

// Schema history: 1 = items (+FTS5), events, relations, provenance, access_log, principals, policies, meta,
// vector index tables.
inline constexpr int kNativeSchemaVersion = 1;
inline constexpr const char *kNativeFormatName = "mnemo-agent-memory";

int64_t nowUs();

class NativeStoreWriter {
public:
    struct Options {
        int embeddingDim = 0;        // 0: items carry no embeddings unless given
        std::string embedder;        // e.g. "mnemo-hash-384"; set with embeddingDim to embed text automatically
        std::string sourceKind = "mnemo";
        std::string sourcePath;
        bool durable = true;         // WAL + synchronous=NORMAL for a live store; off for a throwaway catalogue
    };

    // Creates a new store; refuses to overwrite an existing file.
    static Result<std::unique_ptr<NativeStoreWriter>> create(const std::string &path, const Options &options);
    // Opens an existing native store to append; refuses other files and newer schemas.
    static Result<std::unique_ptr<NativeStoreWriter>> openForAppend(const std::string &path);
    ~NativeStoreWriter();

    const std::string &path() const { return m_path; }
    int embeddingDim() const { return m_dim; }

    // Batches: everything between begin() and commit() lands in one transaction (one fsync).
    Status begin();
    Status commit();

    Status setMeta(const std::string &key, const std::string &value);
    Status putItem(const MemoryItem &item);   // inserts, or replaces the item with the same id
    Status putEvent(const MemoryEvent &event);
    Status putRelation(const Relation &relation);
    Status putProvenance(const Provenance &provenance);
    Status putAccess(const AccessRecord &access);
    Status putPrincipal(const Principal &principal);
    Status putPolicy(const Policy &policy);

    // The agent-facing API: each call records the item change and its history event together.
    Result<std::string> add(MemoryItem item, const std::string &actorId = {});
    Status update(const std::string &id, const std::string &newText, const std::string &actorId = {},
                  int64_t timeUs = 0);
    Status remove(const std::string &id, const std::string &actorId = {}, int64_t timeUs = 0);

    // Builds (or rebuilds) the IVF vector index over every item with an embedding. progress(done, total).
    Status buildVectorIndex(int lists = 0, const std::function<void(int64_t, int64_t)> &progress = {});

private:
    NativeStoreWriter() = default;
    Status prepare();
    Status putVector(int64_t itemSeq, const std::vector<float> &embedding);
    Result<std::pair<std::string, bool>> lookup(const std::string &id); // (text, deleted)
    Status fail(const std::string &what) const;

    std::unique_ptr<sql::Db> m_db;
    std::string m_path;
    int m_dim = 0;
    std::unique_ptr<HashingEmbedder> m_embedder;
    struct Statements;
    std::unique_ptr<Statements> m_stmts;
};

} // namespace mnemo::agentmem
