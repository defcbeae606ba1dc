// Chroma persistent directory: chroma.sqlite3 (collections, segments, embeddings + embedding_metadata, and the
// write-ahead log embeddings_queue) plus each vector segment's HNSW folder in Chroma's split layout (header.bin,
// data_level0.bin, length.bin, link_lists.bin, index_metadata.pickle). The HNSW files are read with hnswlib itself:
// the four files are reassembled into hnswlib's single-file format in our work directory and loaded with
// HierarchicalNSW::loadIndex, whose own checks reject a truncated or inconsistent index. Records still only in the
// write-ahead log are merged in, as Chroma does on its next flush.
#include "../NeighbourIndex.hpp"
#include "ImportCommon.hpp"
#include "PickleReader.hpp"

#include <hnswlib/hnswlib.h>

#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace mnemo::agentmem {
namespace {

constexpr const char *kDocumentKey = "chroma:document";

Result<std::vector<uint8_t>> readAll(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return Status(StatusCode::NotFound, "cannot read '" + p.string() + "'");
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Chroma's split files -> hnswlib's single file (header without the version int, level-0 data for the current
// elements, then each element's link-list size and upper-level links).
Status reassemble(const fs::path &dir, const fs::path &out, const std::string &label, size_t &elements) {
    auto header = readAll(dir / "header.bin");
    if (!header.ok()) return header.status();
    const auto &h = header.value();
    // int version; 6 size_t; int maxlevel; unsigned enterpoint; 3 size_t; double mult; size_t ef
    constexpr size_t kHeaderBytes = 4 + 6 * 8 + 4 + 4 + 3 * 8 + 8 + 8;
    if (h.size() < kHeaderBytes) {
        return {StatusCode::InvalidArgument, label + "/header.bin is " + std::to_string(h.size()) + " bytes; expected " +
                                                 std::to_string(kHeaderBytes) + " (truncated)"};
    }
    int32_t version;
    std::memcpy(&version, h.data(), 4);
    if (version != 1) {
        return {StatusCode::Unsupported, label + "/header.bin has persistence version " + std::to_string(version) +
                                             "; this build reads version 1"};
    }
    size_t field[6];
    std::memcpy(field, h.data() + 4, sizeof field);
    size_t curCount = field[2], sizePerElement = field[3];
    elements = curCount;
    auto level0 = readAll(dir / "data_level0.bin");
    if (!level0.ok()) return level0.status();
    if (level0->size() < curCount * sizePerElement) {
        return {StatusCode::InvalidArgument, label + "/data_level0.bin holds " + std::to_string(level0->size()) +
                                                 " bytes; " + std::to_string(curCount) + " elements need " +
                                                 std::to_string(curCount * sizePerElement) + " (truncated)"};
    }
    auto links = readAll(dir / "link_lists.bin");
    if (!links.ok()) return links.status();
    std::ofstream o(out, std::ios::binary);
    o.write(reinterpret_cast<const char *>(h.data() + 4), std::streamsize(kHeaderBytes - 4));
    o.write(reinterpret_cast<const char *>(level0->data()), std::streamsize(curCount * sizePerElement));
    // link_lists.bin already is [uint32 size][bytes] per element, exactly hnswlib's tail.
    o.write(reinterpret_cast<const char *>(links->data()), std::streamsize(links->size()));
    if (!o) return {StatusCode::Internal, "cannot write the reassembled index '" + out.string() + "'"};
    return {};
}

// Chroma's HNSW graph as Mnemo's neighbour index, plus the records the graph does not have yet (WAL-only).
class ChromaHnswIndex : public NeighbourIndex {
public:
    ChromaHnswIndex(std::unique_ptr<hnswlib::SpaceInterface<float>> space,
                    std::unique_ptr<hnswlib::HierarchicalNSW<float>> index, std::map<uint64_t, std::string> labelToId,
                    int dim, std::string collection)
        : m_space(std::move(space)), m_index(std::move(index)), m_labelToId(std::move(labelToId)), m_dim(dim),
          m_collection(std::move(collection)) {}

    void addPending(const std::string &id, std::vector<float> v) {
        normalise(v);
        m_pendingIds.push_back(id);
        m_pending.insert(m_pending.end(), v.begin(), v.end());
    }
    void dropPending(const std::set<std::string> &ids) {
        std::vector<std::string> keepIds;
        std::vector<float> keep;
        for (size_t i = 0; i < m_pendingIds.size(); ++i) {
            if (ids.count(m_pendingIds[i])) continue;
            keepIds.push_back(m_pendingIds[i]);
            keep.insert(keep.end(), m_pending.begin() + long(i) * m_dim, m_pending.begin() + long(i + 1) * m_dim);
        }
        m_pendingIds = std::move(keepIds);
        m_pending = std::move(keep);
    }

    Result<std::vector<Neighbour>> search(const std::vector<float> &query, int k) const override {
        if (int(query.size()) != m_dim) {
            return Status(StatusCode::InvalidArgument, "query has " + std::to_string(query.size()) +
                                                           " dimensions; the collection has " + std::to_string(m_dim));
        }
        std::vector<Neighbour> out;
        size_t live = m_index->cur_element_count - m_index->num_deleted_;
        size_t want = std::min(size_t(k), live);
        if (want > 0) {
            m_index->setEf(std::max<size_t>(size_t(k) * 4, 64));
            auto found = m_index->searchKnn(query.data(), want);
            while (!found.empty()) {
                uint64_t label = found.top().second;
                found.pop();
                auto id = m_labelToId.find(label);
                if (id == m_labelToId.end()) continue;
                std::vector<float> v = m_index->getDataByLabel<float>(label);
                normalise(v);
                out.push_back({0, id->second, dot(query.data(), v.data(), m_dim)});
            }
        }
        for (size_t i = 0; i < m_pendingIds.size(); ++i) {
            out.push_back({0, m_pendingIds[i], dot(query.data(), &m_pending[i * size_t(m_dim)], m_dim)});
        }
        std::sort(out.begin(), out.end(), [](auto &a, auto &b) { return a.score > b.score; });
        if (int(out.size()) > k) out.resize(size_t(k));
        return out;
    }
    std::string describe() const override {
        return "Chroma HNSW graph of '" + m_collection + "' (hnswlib, M=" + std::to_string(m_index->M_) + ", " +
               std::to_string(m_index->cur_element_count) + " elements) + " + std::to_string(m_pendingIds.size()) +
               " write-ahead-log records scored exactly";
    }

private:
    std::unique_ptr<hnswlib::SpaceInterface<float>> m_space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> m_index;
    std::map<uint64_t, std::string> m_labelToId;
    int m_dim;
    std::string m_collection;
    std::vector<std::string> m_pendingIds;
    std::vector<float> m_pending;
};

struct Record {
    MemoryItem item;
    bool fromLog = false;
};

nlohmann::json typedValue(const sql::Stmt &q, int first) {
    if (!q.isNull(first)) return q.text(first);
    if (!q.isNull(first + 1)) return q.i64(first + 1);
    if (!q.isNull(first + 2)) return q.f64(first + 2);
    if (!q.isNull(first + 3)) return q.i64(first + 3) != 0;
    return nullptr;
}

// A-MEM and others flatten lists into JSON strings: show them as lists.
nlohmann::json unflatten(const nlohmann::json &v) {
    if (v.is_string()) {
        const std::string &s = v.get_ref<const std::string &>();
        if (!s.empty() && (s.front() == '[' || s.front() == '{')) {
            auto j = parseJson(s);
            if (!j.is_null()) return j;
        }
    }
    return v;
}

void applyMetadata(MemoryItem &it, const nlohmann::json &meta) {
    nlohmann::json m = nlohmann::json::object();
    for (auto i = meta.begin(); i != meta.end(); ++i) {
        if (i.key() == kDocumentKey) {
            if (i->is_string()) it.text = i->get<std::string>();
            continue;
        }
        m[i.key()] = unflatten(*i);
    }
    it.userId = jsonString(m, {"user_id", "userId"});
    it.agentId = jsonString(m, {"agent_id", "agentId"});
    it.metadataJson = mnemo::toJson(m);
}


// One collection and the segments it owns (a metadata segment: the records; a vector segment: the HNSW files).
struct Collection {
    std::string id, name, space = "l2", metadataSegment, vectorSegment;
    int dim = 0;
};

// What one collection holds once its tables, its HNSW segment and its write-ahead log are read.
struct CollectionState {
    std::map<std::string, Record> records;             // by embedding id
    std::map<int64_t, std::string> rowToId;            // embeddings.id -> embedding id
    std::map<std::string, std::vector<float>> vectors; // by embedding id
    std::shared_ptr<ChromaHnswIndex> index;            // null when the collection has no HNSW files
    int64_t hnswMaxSeq = 0;                            // the last log record the HNSW segment holds
    std::vector<MemoryEvent> logEvents;                // changes found only in the write-ahead log
    std::set<std::string> deletedInLog;
    int64_t logOnly = 0;                               // adds and updates merged from the write-ahead log
};

Status requireChromaTables(const sql::Db &db) {
    if (Status s = db.requireColumns("collections", {"id", "name", "dimension"}); !s.ok()) return s;
    if (Status s = db.requireColumns("segments", {"id", "type", "scope", "collection"}); !s.ok()) return s;
    if (Status s = db.requireColumns("embeddings", {"id", "segment_id", "embedding_id", "seq_id", "created_at"}); !s.ok()) return s;
    if (Status s = db.requireColumns("embedding_metadata", {"id", "key", "string_value", "int_value", "float_value", "bool_value"}); !s.ok()) return s;
    return {};
}

// Collections with their distance space (from the configuration, or the older hnsw:space metadata) and segments.
Result<std::vector<Collection>> readCollections(const sql::Db &db) {
    std::vector<Collection> collections;
    sql::Stmt q(db, "SELECT id, name, dimension, config_json_str FROM collections ORDER BY name");
    while (q.step()) {
        Collection c{q.text(0), q.text(1)};
        c.dim = int(q.i64(2));
        nlohmann::json cfg = parseJson(q.text(3));
        std::string space = jsonString(cfg.is_object() && cfg.contains("hnsw") ? cfg["hnsw"] : nlohmann::json(), {"space"});
        if (!space.empty()) c.space = space;
        collections.push_back(std::move(c));
    }
    if (!q.ok()) return q.status();
    sql::Stmt m(db, "SELECT collection_id, str_value FROM collection_metadata WHERE key = 'hnsw:space'");
    while (m.step()) {
        for (auto &c : collections) if (c.id == m.text(0) && !m.text(1).empty()) c.space = m.text(1);
    }
    sql::Stmt s(db, "SELECT id, scope, collection FROM segments");
    while (s.step()) {
        for (auto &c : collections) {
            if (c.id != s.text(2)) continue;
            (s.text(1) == "VECTOR" ? c.vectorSegment : c.metadataSegment) = s.text(0);
        }
    }
    if (!s.ok()) return s.status();
    return collections;
}

// The metadata segment's records: one per embedding id, with its creation time.
Status readEmbeddings(const sql::Db &db, const Collection &c, CollectionState &st) {
    sql::Stmt q(db, "SELECT id, embedding_id, created_at FROM embeddings WHERE segment_id = ? ORDER BY id");
    q.bind(1, c.metadataSegment);
    while (q.step()) {
        Record r;
        r.item.id = q.text(1);
        r.item.tier = c.name;
        r.item.createdUs = r.item.updatedUs = textTimeUs(q.text(2), 0);
        st.rowToId[q.i64(0)] = r.item.id;
        st.records[r.item.id] = std::move(r);
    }
    return q.status();
}

// embedding_metadata: one typed key/value row each, gathered per record (the document becomes the item's text).
Status readMetadata(const sql::Db &db, const Collection &c, CollectionState &st) {
    std::map<std::string, nlohmann::json> metas;
    sql::Stmt q(db, "SELECT m.id, m.key, m.string_value, m.int_value, m.float_value, m.bool_value FROM"
                    " embedding_metadata m JOIN embeddings e ON e.id = m.id WHERE e.segment_id = ?");
    q.bind(1, c.metadataSegment);
    while (q.step()) {
        auto id = st.rowToId.find(q.i64(0));
        if (id == st.rowToId.end()) continue;
        metas[id->second][q.text(1)] = typedValue(q, 2);
    }
    if (!q.ok()) return q.status();
    for (auto &[id, meta] : metas) applyMetadata(st.records[id].item, meta);
    return {};
}

// index_metadata.pickle: which hnswlib label is which embedding id, and how far into the log the segment reaches.
struct IndexMetadata {
    std::map<uint64_t, std::string> labelToId;
    int64_t maxSeq = 0;
    int dim = 0;
};

Result<IndexMetadata> readIndexMetadata(const fs::path &segDir, const std::string &label, int collectionDim) {
    auto pickleBytes = readAll(segDir / "index_metadata.pickle");
    if (!pickleBytes.ok()) return pickleBytes.status();
    auto parsed = readPickle(pickleBytes.value());
    if (!parsed.ok()) return parsed.status().withContext(label + "/index_metadata.pickle");
    const nlohmann::json *meta = &parsed.value();
    if (!meta->is_object() || !meta->contains("label_to_id") || !(*meta)["label_to_id"].is_object()) {
        return Status(StatusCode::InvalidArgument, label + "/index_metadata.pickle has no label_to_id map");
    }
    IndexMetadata out;
    for (auto i = (*meta)["label_to_id"].begin(); i != (*meta)["label_to_id"].end(); ++i) {
        if (i->is_string()) out.labelToId[std::strtoull(i.key().c_str(), nullptr, 10)] = i->get<std::string>();
    }
    if (meta->contains("max_seq_id") && (*meta)["max_seq_id"].is_number()) out.maxSeq = (*meta)["max_seq_id"].get<int64_t>();
    out.dim = collectionDim;
    if (meta->contains("dimensionality") && (*meta)["dimensionality"].is_number()) out.dim = (*meta)["dimensionality"].get<int>();
    return out;
}

// Loads the split files with hnswlib itself, through a reassembled single file in the work directory.
Result<std::unique_ptr<hnswlib::HierarchicalNSW<float>>> loadHnsw(const fs::path &segDir, const fs::path &single,
                                                                  const std::string &label,
                                                                  hnswlib::SpaceInterface<float> *space, int dim) {
    size_t elements = 0;
    if (Status s = reassemble(segDir, single, label, elements); !s.ok()) return s;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
    try {
        hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(space, single.string());
    } catch (const std::exception &e) {
        return Status(StatusCode::InvalidArgument, label + ": hnswlib cannot load the index: " + e.what());
    }
    std::error_code rmEc;
    fs::remove(single, rmEc);
    if (hnsw->data_size_ != size_t(dim) * sizeof(float)) {
        return Status(StatusCode::InvalidArgument, label + ": index vectors are " + std::to_string(hnsw->data_size_) +
                                                       " bytes; dimension " + std::to_string(dim) + " needs " +
                                                       std::to_string(dim * 4));
    }
    return hnsw;
}

// The HNSW segment: vectors for the flushed records, and the graph for queries.
Status readHnswSegment(const ImportContext &ctx, const Collection &c, const fs::path &snapDir, CollectionState &st) {
    fs::path segDir = snapDir / c.vectorSegment;
    std::error_code ec;
    if (c.vectorSegment.empty() || !fs::exists(segDir / "header.bin", ec)) return {};
    std::string label = ctx.originalRoot + "/" + c.vectorSegment;
    auto meta = readIndexMetadata(segDir, label, c.dim);
    if (!meta.ok()) return meta.status();
    st.hnswMaxSeq = meta->maxSeq;
    const int dim = meta->dim;
    std::unique_ptr<hnswlib::SpaceInterface<float>> space;
    if (c.space == "l2") space = std::make_unique<hnswlib::L2Space>(size_t(dim));
    else space = std::make_unique<hnswlib::InnerProductSpace>(size_t(dim));
    auto hnsw = loadHnsw(segDir, ctx.catalogue.workDir / ("hnsw-" + c.vectorSegment + ".bin"), label, space.get(), dim);
    if (!hnsw.ok()) return hnsw.status();
    const auto &graph = hnsw.value();
    for (size_t i = 0; i < graph->cur_element_count; ++i) {
        if (graph->isMarkedDeleted(hnswlib::tableint(i))) continue;
        auto id = meta->labelToId.find(graph->getExternalLabel(hnswlib::tableint(i)));
        if (id == meta->labelToId.end()) continue;
        const float *v = reinterpret_cast<const float *>(graph->getDataByInternalId(hnswlib::tableint(i)));
        st.vectors[id->second] = std::vector<float>(v, v + dim);
    }
    st.index = std::make_shared<ChromaHnswIndex>(std::move(space), std::move(hnsw.value()), std::move(meta->labelToId),
                                                 dim, c.name);
    return {};
}

// The last log record the metadata segment holds (0 when the store does not say).
int64_t metadataMaxSeq(const sql::Db &db, const Collection &c) {
    int64_t metaMaxSeq = 0;
    if (db.hasTable("max_seq_id")) {
        sql::Stmt q(db, "SELECT seq_id FROM max_seq_id WHERE segment_id = ?");
        q.bind(1, c.metadataSegment);
        if (q.step()) metaMaxSeq = q.i64(0);
    }
    return metaMaxSeq;
}

// A log record's vector: none, or float32 values of the collection's dimension.
Result<std::vector<float>> logVector(const sql::Stmt &q, const ImportContext &ctx, const Collection &c, int64_t seq) {
    std::vector<float> vec;
    if (q.isNull(4)) return vec;
    if (q.text(5) != "FLOAT32" && !q.text(5).empty()) {
        return Status(StatusCode::Unsupported, "'" + ctx.originalRoot + "': embeddings_queue seq " +
                                                   std::to_string(seq) + " uses encoding '" + q.text(5) + "'");
    }
    auto f = sql::floatsFromBlob(q.blob(4), q.blobBytes(4));
    if (!f || (c.dim > 0 && int(f->size()) != c.dim)) {
        return Status(StatusCode::InvalidArgument, "'" + ctx.originalRoot + "': embeddings_queue seq " +
                                                       std::to_string(seq) + " has a malformed " +
                                                       std::to_string(q.blobBytes(4)) + "-byte vector");
    }
    return std::move(*f);
}

// A logged delete: marks the record deleted (a delete of an unknown id changes nothing, as in Chroma).
void applyLogDelete(CollectionState &st, MemoryEvent e, const std::string &id, int64_t t) {
    auto existing = st.records.find(id);
    if (existing == st.records.end()) return;
    e.action = "delete";
    e.oldText = existing->second.item.text;
    existing->second.item.deletedUs = t;
    st.deletedInLog.insert(id);
    st.logEvents.push_back(e);
}

// A logged add (op 0), update (1) or upsert (2), applied with Chroma's own rules.
void applyLogWrite(CollectionState &st, const Collection &c, int op, MemoryEvent e, const std::string &id, int64_t t,
                   const std::vector<float> &vec, const nlohmann::json &meta) {
    auto existing = st.records.find(id);
    bool exists = existing != st.records.end() && !existing->second.item.deletedUs;
    if (op == 0 && exists) return;  // Chroma ignores an add of an existing id
    if (op == 1 && !exists) return; // and an update of a missing one
    Record &r = st.records[id];
    std::string before = r.item.text;
    if (!exists) {
        r.item = MemoryItem{};
        r.item.id = id;
        r.item.tier = c.name;
        r.item.createdUs = t;
        r.fromLog = true;
    }
    if (meta.is_object()) applyMetadata(r.item, meta);
    r.item.updatedUs = t;
    if (!vec.empty()) {
        st.vectors[id] = vec;
        if (st.index) st.index->addPending(id, vec);
    }
    e.action = exists ? "update" : "add";
    e.oldText = exists ? before : std::string();
    e.newText = r.item.text;
    st.logEvents.push_back(e);
    ++st.logOnly;
}

// The write-ahead log: operations Chroma has not compacted into the segments yet, merged as its next flush would.
Status replayWriteAheadLog(const ImportContext &ctx, const sql::Db &db, const Collection &c, CollectionState &st) {
    int64_t metaMaxSeq = metadataMaxSeq(db, c);
    if (!db.hasTable("embeddings_queue")) return {};
    if (Status s = db.requireColumns("embeddings_queue", {"seq_id", "created_at", "operation", "topic", "id", "vector", "encoding", "metadata"}); !s.ok()) return s;
    sql::Stmt q(db, "SELECT seq_id, created_at, operation, id, vector, encoding, metadata FROM embeddings_queue"
                    " WHERE topic LIKE ? ORDER BY seq_id");
    q.bind(1, "%/" + c.id);
    while (q.step()) {
        int64_t seq = q.i64(0);
        if (seq <= std::min(metaMaxSeq, st.hnswMaxSeq)) continue; // already in both segments
        int op = int(q.i64(2));
        std::string id = q.text(3);
        int64_t t = textTimeUs(q.text(1), 0);
        auto vec = logVector(q, ctx, c, seq);
        if (!vec.ok()) return vec.status();
        nlohmann::json meta = parseJson(q.text(6));
        MemoryEvent e;
        e.itemId = id;
        e.timeUs = t;
        e.detailJson = nlohmann::json{{"source", "write-ahead log"}, {"seq_id", seq}, {"operation", op}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (op == 3) applyLogDelete(st, e, id, t);
        else if (op == 0 || op == 1 || op == 2) applyLogWrite(st, c, op, e, id, t, vec.value(), meta);
    }
    return q.status();
}

// Everything one collection holds: records, metadata, flushed vectors and graph, then the log on top.
Status readCollection(const ImportContext &ctx, const sql::Db &db, const Collection &c, const fs::path &snapDir,
                      CollectionState &st) {
    if (Status s = readEmbeddings(db, c, st); !s.ok()) return s;
    if (Status s = readMetadata(db, c, st); !s.ok()) return s;
    if (Status s = readHnswSegment(ctx, c, snapDir, st); !s.ok()) return s;
    if (Status s = replayWriteAheadLog(ctx, db, c, st); !s.ok()) return s;
    if (st.index && !st.deletedInLog.empty()) st.index->dropPending(st.deletedInLog);
    return {};
}

// One record as an item, its add event (unless the log supplies it) and the A-MEM links in its metadata.
Status writeRecord(ImportContext &ctx, const std::string &id, Record &r, int64_t &skippedVectors) {
    if (ctx.out.embeddingDim() > 0 && !r.item.embedding.empty() &&
        int(r.item.embedding.size()) != ctx.out.embeddingDim()) {
        r.item.embedding.clear(); // the catalogue holds one vector space: the first collection's
        ++skippedVectors;
    }
    if (Status s = ctx.out.putItem(r.item); !s.ok()) return s;
    if (!r.fromLog) {
        if (Status s = ctx.out.putEvent({0, id, "add", r.item.createdUs, {}, {}, r.item.text, "{}"}); !s.ok()) return s;
    }
    // A-MEM keeps links to other notes in its metadata.
    nlohmann::json meta = parseJson(r.item.metadataJson);
    if (meta.is_object() && meta.contains("links") && meta["links"].is_array()) {
        for (const auto &l : meta["links"]) {
            if (l.is_string()) {
                if (Status s = ctx.out.putRelation({id, l.get<std::string>(), "link", "A-MEM link", r.item.createdUs, std::nullopt}); !s.ok()) return s;
            }
        }
    }
    return {};
}

Status writeCollection(ImportContext &ctx, CollectionState &st, int64_t &skippedVectors) {
    for (auto &[id, r] : st.records) {
        auto v = st.vectors.find(id);
        if (v != st.vectors.end()) r.item.embedding = v->second;
        if (Status s = writeRecord(ctx, id, r, skippedVectors); !s.ok()) return s;
    }
    for (const MemoryEvent &e : st.logEvents) {
        if (Status s = ctx.out.putEvent(e); !s.ok()) return s;
    }
    return {};
}

} // namespace

Status importChroma(ImportContext &ctx) {
    std::string dbFile = snapshotFileWithRole(ctx, "chroma");
    if (dbFile.empty()) return {StatusCode::NotFound, "'" + ctx.originalRoot + "': no Chroma database (chroma.sqlite3)"};
    auto opened = openSnapshot(dbFile, originalLabel(ctx, dbFile));
    if (!opened.ok()) return opened.status();
    const sql::Db &db = opened.value();
    if (Status s = requireChromaTables(db); !s.ok()) return s;
    fs::path snapDir = fs::path(dbFile).parent_path();
    auto collections = readCollections(db);
    if (!collections.ok()) return collections.status();
    if (collections->empty()) ctx.catalogue.notes.push_back("the Chroma store has no collections");

    // Each collection is read and written in turn; the largest graph answers neighbour queries.
    std::shared_ptr<ChromaHnswIndex> largestIndex;
    size_t largestCount = 0;
    int64_t logOnly = 0;
    int64_t skippedVectors = 0;
    for (const Collection &c : collections.value()) {
        CollectionState st;
        if (Status s = readCollection(ctx, db, c, snapDir, st); !s.ok()) return s;
        logOnly += st.logOnly;
        if (Status s = writeCollection(ctx, st, skippedVectors); !s.ok()) return s;
        if (st.index && st.vectors.size() > largestCount) {
            largestCount = st.vectors.size();
            largestIndex = st.index;
        }
    }
    if (logOnly > 0) {
        ctx.catalogue.notes.push_back(std::to_string(logOnly) + " operations are only in Chroma's write-ahead log "
                                      "(embeddings_queue), not yet compacted into the segments; they are shown merged");
    }
    if (skippedVectors > 0) {
        ctx.catalogue.notes.push_back(std::to_string(skippedVectors) + " vectors of collections with another dimension "
                                      "are left off the map and the retrieval debugger");
    }
    ctx.catalogue.nativeIndex = largestIndex;
    ctx.catalogue.variant = "persistent";
    return {};
}

} // namespace mnemo::agentmem
