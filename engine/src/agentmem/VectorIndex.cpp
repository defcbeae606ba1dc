// Nearest-neighbour search: exact cosine, and the native store's IVF index (build and query).
#include "NeighbourIndex.hpp"
#include "Sqlite.hpp"
#include "VectorIndexReader.hpp"
#include "mnemo/agentmem/NativeStore.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <thread>

namespace mnemo::agentmem {

// The hot loops are compiled twice and picked at run time: AVX2+FMA where the CPU has it, plain SSE2 otherwise.
// The reduction pragma lets the compiler reorder the float sum into vector lanes (-fopenmp-simd; no OpenMP runtime).
__attribute__((target_clones("avx2,fma", "default"))) float dot(const float *a, const float *b, int dim) {
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < dim; ++i) s += a[i] * b[i];
    return s;
}

// int8 x int8 with an int32 sum: exact, and integer sums vectorise without any reordering question.
__attribute__((target_clones("avx2", "default"))) static int32_t dotCode(const int8_t *code, const int8_t *q, int dim) {
    int32_t s = 0;
    for (int i = 0; i < dim; ++i) s += int32_t(code[i]) * int32_t(q[i]);
    return s;
}

void normalise(std::vector<float> &v) {
    double n = 0;
    for (float x : v) n += double(x) * x;
    if (n <= 0) return;
    float inv = float(1.0 / std::sqrt(n));
    for (float &x : v) x *= inv;
}

namespace {

struct Scored {
    float score;
    int64_t index;
};

void keepBest(std::vector<Scored> &v, size_t k) {
    if (v.size() > k) {
        std::nth_element(v.begin(), v.begin() + long(k), v.end(), [](auto &a, auto &b) { return a.score > b.score; });
        v.resize(k);
    }
    std::sort(v.begin(), v.end(), [](auto &a, auto &b) { return a.score > b.score; });
}

} // namespace

Result<std::vector<Neighbour>> ExactIndex::search(const std::vector<float> &query, int k) const {
    if (m_set.dim == 0 || m_set.rowids.empty()) return std::vector<Neighbour>{};
    if (int(query.size()) != m_set.dim) {
        return Status(StatusCode::InvalidArgument, "query has " + std::to_string(query.size()) + " dimensions; the store's "
                                                       "embeddings have " + std::to_string(m_set.dim));
    }
    std::vector<Scored> scored(m_set.rowids.size());
    for (size_t i = 0; i < m_set.rowids.size(); ++i) {
        scored[i] = {dot(query.data(), m_set.data.data() + i * size_t(m_set.dim), m_set.dim), int64_t(i)};
    }
    keepBest(scored, size_t(std::max(k, 0)));
    std::vector<Neighbour> out;
    for (const Scored &s : scored) out.push_back({m_set.rowids[size_t(s.index)], m_ids[size_t(s.index)], s.score});
    return out;
}

std::string ExactIndex::describe() const {
    return "exact cosine over " + std::to_string(m_set.rowids.size()) + " embeddings";
}

// ---------------------------------------------------------------------------------------------------------------
// IVF reader

std::shared_ptr<IvfIndexReader> IvfIndexReader::load(const sql::Db &db, std::shared_ptr<IvfListCache> cache) {
    if (!db.hasTable("vector_index_meta")) return nullptr;
    auto r = std::shared_ptr<IvfIndexReader>(new IvfIndexReader());
    r->m_db = &db;
    std::string built;
    sql::Stmt m(db, "SELECT key, value FROM vector_index_meta");
    while (m.step()) {
        std::string k = m.text(0), v = m.text(1);
        if (k == "dim") r->m_dim = std::atoi(v.c_str());
        else if (k == "lists") r->m_lists = std::atoi(v.c_str());
        else if (k == "indexed_max_seq") r->m_indexedMaxSeq = std::atoll(v.c_str());
        else if (k == "built_us") built = v;
    }
    if (r->m_dim <= 0 || r->m_lists <= 0) return nullptr;
    if (!cache) cache = std::make_shared<IvfListCache>();
    {
        std::lock_guard lock(cache->mutex);
        if (cache->builtUs != built) { // the index was rebuilt since these lists were read
            cache->lists.clear();
            cache->builtUs = built;
        }
    }
    r->m_cache = std::move(cache);
    r->m_centroids.assign(size_t(r->m_lists) * size_t(r->m_dim), 0.0f);
    sql::Stmt c(db, "SELECT list, centroid FROM vector_index_centroids");
    while (c.step()) {
        int l = int(c.i64(0));
        if (l < 0 || l >= r->m_lists || c.blobBytes(1) != size_t(r->m_dim) * 4) return nullptr;
        std::memcpy(r->m_centroids.data() + size_t(l) * size_t(r->m_dim), c.blob(1), size_t(r->m_dim) * 4);
    }
    return r;
}

std::shared_ptr<const IvfIndexReader::List> IvfIndexReader::list(int index) const {
    {
        std::lock_guard lock(m_cache->mutex);
        auto it = m_cache->lists.find(index);
        if (it != m_cache->lists.end()) return it->second;
    }
    auto l = std::make_shared<List>();
    sql::Stmt q(*m_db, "SELECT item_seqs, codes, scales FROM vector_index_lists WHERE list = ?");
    q.bind(1, int64_t(index));
    if (q.step()) {
        size_t n = q.blobBytes(0) / 8;
        if (q.blobBytes(1) == n * size_t(m_dim) && q.blobBytes(2) == n * 4) {
            l->itemSeqs.resize(n);
            l->codes.resize(n * size_t(m_dim));
            l->scales.resize(n);
            if (n) {
                std::memcpy(l->itemSeqs.data(), q.blob(0), n * 8);
                std::memcpy(l->codes.data(), q.blob(1), n * size_t(m_dim));
                std::memcpy(l->scales.data(), q.blob(2), n * 4);
            }
        }
    }
    std::lock_guard lock(m_cache->mutex);
    m_cache->lists.emplace(index, l);
    return l;
}

Status IvfIndexReader::loadAllLists() const {
    for (int i = 0; i < m_lists; ++i) list(i);
    return {};
}

Result<std::vector<Neighbour>> IvfIndexReader::search(const std::vector<float> &query, int k) const {
    if (int(query.size()) != m_dim) {
        return Status(StatusCode::InvalidArgument, "query has " + std::to_string(query.size()) +
                                                       " dimensions; the index has " + std::to_string(m_dim));
    }
    std::vector<Scored> lists(static_cast<size_t>(m_lists));
    for (int l = 0; l < m_lists; ++l) lists[size_t(l)] = {dot(query.data(), &m_centroids[size_t(l) * size_t(m_dim)], m_dim), l};
    keepBest(lists, size_t(std::min(m_probes, m_lists)));

    // The query is quantised like the codes, so the scan is all integer arithmetic.
    float maxAbs = 0;
    for (float x : query) maxAbs = std::max(maxAbs, std::fabs(x));
    const float qScale = maxAbs > 0 ? maxAbs / 127.0f : 1.0f;
    std::vector<int8_t> q8(query.size());
    for (size_t d = 0; d < query.size(); ++d) q8[d] = int8_t(std::lround(query[d] / qScale));
    std::vector<Scored> candidates;
    for (const Scored &ls : lists) {
        std::shared_ptr<const List> l = list(int(ls.index));
        for (size_t i = 0; i < l->itemSeqs.size(); ++i) {
            float approx = l->scales[i] * qScale * float(dotCode(&l->codes[i * size_t(m_dim)], q8.data(), m_dim));
            candidates.push_back({approx, l->itemSeqs[i]});
        }
    }
    // The int8 scores are the answer: their error (a few thousandths of cosine) is far below the gaps between
    // neighbours, and reading no float vectors keeps a warm index off the disk. Ids are resolved by the caller in
    // one batch.
    keepBest(candidates, size_t(std::max(k, 1)));
    std::vector<Neighbour> out;
    for (const Scored &c : candidates) out.push_back({c.index, {}, c.score});
    auto score = [&](const void *blob, size_t bytes) {
        if (bytes != size_t(m_dim) * 4) return -2.0f;
        std::vector<float> v(static_cast<size_t>(m_dim));
        std::memcpy(v.data(), blob, bytes);
        normalise(v);
        return dot(query.data(), v.data(), m_dim);
    };
    // Rows added after the index was built are scored exactly.
    sql::Stmt tail(*m_db, "SELECT item_seq, embedding FROM vectors WHERE item_seq > ?");
    tail.bind(1, m_indexedMaxSeq);
    while (tail.step()) out.push_back({tail.i64(0), {}, score(tail.blob(1), tail.blobBytes(1))});
    if (!tail.ok()) return tail.status();
    std::sort(out.begin(), out.end(), [](auto &a, auto &b) { return a.score > b.score; });
    if (int(out.size()) > k) out.resize(size_t(k));
    return out;
}

std::string IvfIndexReader::describe() const {
    return "IVF index (" + std::to_string(m_lists) + " lists, " + std::to_string(m_probes) +
           " probed, int8 codes and scores)";
}

// ---------------------------------------------------------------------------------------------------------------
// IVF build

namespace {

int nearestCentroid(const float *v, const std::vector<float> &centroids, int lists, int dim) {
    int best = 0;
    float bestScore = -1e30f;
    for (int l = 0; l < lists; ++l) {
        float s = dot(v, &centroids[size_t(l) * size_t(dim)], dim);
        if (s > bestScore) {
            bestScore = s;
            best = l;
        }
    }
    return best;
}

// Assigns rows [0, n) of `data` to centroids on all cores.
std::vector<int> assignAll(const std::vector<float> &data, size_t n, const std::vector<float> &centroids, int lists, int dim) {
    std::vector<int> out(n);
    unsigned threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (size_t i = t; i < n; i += threads) out[i] = nearestCentroid(&data[i * size_t(dim)], centroids, lists, dim);
        });
    }
    for (auto &th : pool) th.join();
    return out;
}


// What the vectors table holds: how many, the last row, and the widest dimension.
struct VectorStats {
    int64_t total = 0, maxSeq = 0;
    int dim = 0;
};

Result<VectorStats> readVectorStats(const sql::Db &db) {
    VectorStats st;
    sql::Stmt q(db, "SELECT count(*), COALESCE(max(item_seq), 0), COALESCE(max(dim), 0) FROM vectors");
    if (q.step()) {
        st.total = q.i64(0);
        st.maxSeq = q.i64(1);
        st.dim = int(q.i64(2));
    }
    if (!q.ok()) return q.status();
    return st;
}

// Up to `limit` normalised vectors after `afterSeq` (and no later than the stats' last row), in row order.
Status readVectorChunk(const sql::Db &db, const VectorStats &stats, int64_t afterSeq, int64_t limit,
                       std::vector<int64_t> &seqs, std::vector<float> &data) {
    const int dim = stats.dim;
    sql::Stmt q(db, "SELECT item_seq, embedding FROM vectors WHERE item_seq > ? AND item_seq <= ? ORDER BY item_seq LIMIT ?");
    q.bind(1, afterSeq).bind(2, stats.maxSeq).bind(3, limit);
    std::vector<float> v(static_cast<size_t>(dim), 0.0f);
    while (q.step()) {
        if (q.blobBytes(1) != size_t(dim) * 4) continue; // mixed dimensions are left out of the index
        std::memcpy(v.data(), q.blob(1), size_t(dim) * 4);
        normalise(v);
        seqs.push_back(q.i64(0));
        data.insert(data.end(), v.begin(), v.end());
    }
    return q.status();
}

// An even sample of normalised vectors to train on: about 48 per list.
Result<std::vector<float>> readTrainingSample(const sql::Db &db, const VectorStats &stats, int lists) {
    const int dim = stats.dim;
    std::vector<float> sample;
    int64_t want = std::min<int64_t>(stats.total, int64_t(lists) * 48);
    int64_t stride = std::max<int64_t>(1, stats.total / want);
    sql::Stmt q(db, "SELECT embedding FROM vectors WHERE item_seq % ? = 0 LIMIT ?");
    q.bind(1, stride).bind(2, want);
    std::vector<float> v(static_cast<size_t>(dim));
    while (q.step()) {
        if (q.blobBytes(0) != size_t(dim) * 4) continue;
        std::memcpy(v.data(), q.blob(0), size_t(dim) * 4);
        normalise(v);
        sample.insert(sample.end(), v.begin(), v.end());
    }
    if (!q.ok()) return q.status();
    return sample;
}

// One k-means round: each centroid moves to the normalised mean of the sample rows nearest to it.
void kmeansRound(const std::vector<float> &sample, size_t sampleN, std::vector<float> &centroids, int lists, int dim) {
    std::vector<int> assign = assignAll(sample, sampleN, centroids, lists, dim);
    std::vector<double> sums(centroids.size(), 0.0);
    std::vector<int> counts(static_cast<size_t>(lists), 0);
    for (size_t i = 0; i < sampleN; ++i) {
        counts[size_t(assign[i])]++;
        for (int d = 0; d < dim; ++d) sums[size_t(assign[i]) * size_t(dim) + size_t(d)] += sample[i * size_t(dim) + size_t(d)];
    }
    for (int l = 0; l < lists; ++l) {
        if (counts[size_t(l)] == 0) continue; // keep the old centroid rather than an empty one
        std::vector<float> c(static_cast<size_t>(dim));
        for (int d = 0; d < dim; ++d) c[size_t(d)] = float(sums[size_t(l) * size_t(dim) + size_t(d)]);
        normalise(c);
        std::copy(c.begin(), c.end(), &centroids[size_t(l) * size_t(dim)]);
    }
}

// k-means from randomly chosen sample rows (a fixed seed: the same store builds the same index), a few rounds: the
// lists only need to be coherent, not optimal.
std::vector<float> trainCentroids(const std::vector<float> &sample, size_t sampleN, int lists, int dim) {
    std::vector<float> centroids(size_t(lists) * size_t(dim));
    std::mt19937 rng(7);
    std::vector<size_t> order(sampleN);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    for (int l = 0; l < lists; ++l) {
        std::copy_n(&sample[order[size_t(l)] * size_t(dim)], dim, &centroids[size_t(l) * size_t(dim)]);
    }
    for (int round = 0; round < 6; ++round) kmeansRound(sample, sampleN, centroids, lists, dim);
    return centroids;
}

// The inverted lists being built: per list, the member rows, their int8 codes and one scale each.
struct IvfLists {
    std::vector<std::vector<int64_t>> seqs;
    std::vector<std::vector<int8_t>> codes;
    std::vector<std::vector<float>> scales;
    explicit IvfLists(int lists)
        : seqs(static_cast<size_t>(lists)), codes(static_cast<size_t>(lists)), scales(static_cast<size_t>(lists)) {}
};

// Quantises a chunk of rows to int8 (scaled by each row's largest magnitude) into the lists they were assigned to.
void addToLists(IvfLists &out, const std::vector<int64_t> &seqs, const std::vector<float> &data,
                const std::vector<int> &assign, int dim) {
    for (size_t i = 0; i < seqs.size(); ++i) {
        const float *v = &data[i * size_t(dim)];
        float maxAbs = 0;
        for (int d = 0; d < dim; ++d) maxAbs = std::max(maxAbs, std::fabs(v[d]));
        float scale = maxAbs > 0 ? maxAbs / 127.0f : 1.0f;
        size_t l = size_t(assign[i]);
        out.seqs[l].push_back(seqs[i]);
        out.scales[l].push_back(scale);
        for (int d = 0; d < dim; ++d) out.codes[l].push_back(int8_t(std::lround(v[d] / scale)));
    }
}

// Assigns every vector, in chunks, quantising as we go; `done` counts the rows indexed.
Status assignAllVectors(const sql::Db &db, const VectorStats &stats, const std::vector<float> &centroids, int lists,
                        IvfLists &out, int64_t &done, const std::function<void(int64_t, int64_t)> &progress) {
    int64_t after = 0;
    for (;;) {
        std::vector<int64_t> seqs;
        std::vector<float> data;
        if (Status s = readVectorChunk(db, stats, after, 32768, seqs, data); !s.ok()) return s;
        if (seqs.empty()) break;
        after = seqs.back();
        addToLists(out, seqs, data, assignAll(data, seqs.size(), centroids, lists, stats.dim), stats.dim);
        done += int64_t(seqs.size());
        if (progress) progress(done, stats.total);
    }
    return {};
}

// Replaces the stored centroids and lists (an empty list is stored as empty blobs, not NULLs).
Status writeLists(const sql::Db &db, const std::vector<float> &centroids, const IvfLists &ivf, int lists, int dim) {
    if (Status s = db.exec("DELETE FROM vector_index_meta; DELETE FROM vector_index_centroids; DELETE FROM vector_index_lists;");
        !s.ok()) {
        return s;
    }
    sql::Stmt c(db, "INSERT INTO vector_index_centroids(list, centroid) VALUES(?,?)");
    sql::Stmt l(db, "INSERT INTO vector_index_lists(list, item_seqs, codes, scales) VALUES(?,?,?,?)");
    for (int i = 0; i < lists; ++i) {
        c.reset();
        c.bind(1, int64_t(i)).bindBlob(2, &centroids[size_t(i) * size_t(dim)], size_t(dim) * 4);
        if (Status s = c.run(); !s.ok()) return s;
        l.reset();
        const size_t n = ivf.seqs[size_t(i)].size();
        l.bind(1, int64_t(i));
        if (n == 0) {
            sqlite3_bind_zeroblob(l.get(), 2, 0);
            sqlite3_bind_zeroblob(l.get(), 3, 0);
            sqlite3_bind_zeroblob(l.get(), 4, 0);
        } else {
            l.bindBlob(2, ivf.seqs[size_t(i)].data(), n * 8);
            l.bindBlob(3, ivf.codes[size_t(i)].data(), n * size_t(dim));
            l.bindBlob(4, ivf.scales[size_t(i)].data(), n * 4);
        }
        if (Status s = l.run(); !s.ok()) return s;
    }
    return {};
}

// The index's meta rows; built_us tells readers' list caches that the lists changed.
Status writeIndexMeta(const sql::Db &db, int dim, int lists, int64_t maxSeq, int64_t done) {
    sql::Stmt m(db, "INSERT INTO vector_index_meta(key, value) VALUES(?,?)");
    for (auto [k, v] : {std::pair<std::string, std::string>{"dim", std::to_string(dim)},
                        {"lists", std::to_string(lists)},
                        {"indexed_max_seq", std::to_string(maxSeq)},
                        {"indexed_count", std::to_string(done)},
                        {"built_us", std::to_string(nowUs())}}) {
        m.reset();
        m.bind(1, k).bind(2, v);
        if (Status s = m.run(); !s.ok()) return s;
    }
    return {};
}

} // namespace

Status NativeStoreWriter::buildVectorIndex(int lists, const std::function<void(int64_t, int64_t)> &progress) {
    const sql::Db &db = *m_db;
    auto stats = readVectorStats(db);
    if (!stats.ok()) return stats.status();
    const int dim = stats->dim;
    if (stats->total == 0) return {StatusCode::InvalidArgument, "'" + m_path + "' has no embeddings to index"};
    if (lists <= 0) lists = int(std::clamp<int64_t>(stats->total / 2000, 1, 512));

    auto sample = readTrainingSample(db, stats.value(), lists);
    if (!sample.ok()) return sample.status();
    size_t sampleN = sample->size() / size_t(dim);
    if (sampleN == 0) return {StatusCode::InvalidArgument, "no usable embeddings in '" + m_path + "'"};
    lists = int(std::min<size_t>(size_t(lists), sampleN));
    std::vector<float> centroids = trainCentroids(sample.value(), sampleN, lists, dim);

    IvfLists ivf(lists);
    int64_t done = 0;
    if (Status s = assignAllVectors(db, stats.value(), centroids, lists, ivf, done, progress); !s.ok()) return s;
    if (Status s = writeLists(db, centroids, ivf, lists, dim); !s.ok()) return s;
    return writeIndexMeta(db, dim, lists, stats->maxSeq, done);
}

} // namespace mnemo::agentmem
