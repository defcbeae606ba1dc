// The native store's schema and writer. The schema is documented in docs/agent-memory-store.md; keep them in step.
#include "mnemo/agentmem/NativeStore.hpp"

#include "NativeSchema.hpp"
#include "Sqlite.hpp"
#include "mnemo/agentmem/HashingEmbedder.hpp"

#include <chrono>
#include <filesystem>
#include <random>

namespace mnemo::agentmem {

int64_t nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

std::string newId() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char *hex = "0123456789abcdef";
    std::string s = "mem-";
    uint64_t a = rng(), b = rng();
    for (int i = 0; i < 16; ++i) s.push_back(hex[(a >> (i * 4)) & 15]);
    for (int i = 0; i < 8; ++i) s.push_back(hex[(b >> (i * 4)) & 15]);
    return s;
}

} // namespace

struct NativeStoreWriter::Statements {
    explicit Statements(const sql::Db &db)
        : item(db, "INSERT INTO items(id, kind, text, user_id, agent_id, app_id, thread_id, tier, scope, parent_id,"
                   " created_us, updated_us, deleted_us, metadata) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                   " ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, text=excluded.text, user_id=excluded.user_id,"
                   " agent_id=excluded.agent_id, app_id=excluded.app_id, thread_id=excluded.thread_id,"
                   " tier=excluded.tier, scope=excluded.scope, parent_id=excluded.parent_id,"
                   " created_us=excluded.created_us, updated_us=excluded.updated_us, deleted_us=excluded.deleted_us,"
                   " metadata=excluded.metadata RETURNING item_seq"),
          vector(db, "INSERT INTO vectors(item_seq, dim, embedding) VALUES(?,?,?) ON CONFLICT(item_seq) DO UPDATE"
                     " SET dim=excluded.dim, embedding=excluded.embedding"),
          seqOf(db, "SELECT item_seq FROM items WHERE id=?"),
          event(db, "INSERT INTO events(item_id, action, time_us, actor_id, old_text, new_text, detail)"
                    " VALUES(?,?,?,?,?,?,?)"),
          relation(db, "INSERT INTO relations(src, dst, kind, label, created_us, deleted_us) VALUES(?,?,?,?,?,?)"),
          provenance(db, "INSERT INTO provenance(item_id, principal_id, role, time_us, detail) VALUES(?,?,?,?,?)"),
          access(db, "INSERT INTO access_log(item_id, principal_id, query, score, rank, time_us, kind)"
                     " VALUES(?,?,?,?,?,?,?)"),
          principal(db, "INSERT INTO principals(id, kind, name) VALUES(?,?,?) ON CONFLICT(id) DO UPDATE SET"
                        " kind=excluded.kind, name=excluded.name"),
          policy(db, "INSERT INTO policies(subject_id, object_kind, object_id, effect, valid_from_us, valid_to_us)"
                     " VALUES(?,?,?,?,?,?)"),
          scopePrincipal(db, "INSERT INTO principals(id, kind, name) VALUES(?,?,?) ON CONFLICT(id) DO NOTHING"),
          meta(db, "INSERT INTO meta(key, value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value"),
          lookup(db, "SELECT text, deleted_us FROM items WHERE id=?"),
          setText(db, "UPDATE items SET text=?, updated_us=? WHERE id=?"),
          setDeleted(db, "UPDATE items SET deleted_us=?, updated_us=? WHERE id=?") {}

    Status firstError() const {
        for (const sql::Stmt *s : {&item, &vector, &seqOf, &event, &relation, &provenance, &access, &principal,
                                   &scopePrincipal, &policy, &meta,
                                   &lookup, &setText, &setDeleted}) {
            if (!s->ok()) return s->status();
        }
        return {};
    }

    sql::Stmt item, vector, seqOf, event, relation, provenance, access, principal, policy, scopePrincipal, meta, lookup, setText, setDeleted;
};

NativeStoreWriter::~NativeStoreWriter() {
    m_stmts.reset();
    m_db.reset();
}

Status NativeStoreWriter::fail(const std::string &what) const { return m_db->error(what); }

Result<std::unique_ptr<NativeStoreWriter>> NativeStoreWriter::create(const std::string &path, const Options &options) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        return Status(StatusCode::InvalidArgument, "agent memory store '" + path + "' already exists");
    }
    auto db = sql::Db::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, path);
    if (!db.ok()) return db.status();
    std::unique_ptr<NativeStoreWriter> w(new NativeStoreWriter());
    w->m_path = path;
    w->m_db = std::make_unique<sql::Db>(std::move(db.value()));
    sqlite3_busy_timeout(w->m_db->get(), 5000);
    if (Status s = w->m_db->exec(options.durable ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                                 : "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
        !s.ok()) {
        return s;
    }
    if (Status s = w->m_db->exec(kNativeSchemaSql); !s.ok()) return s.withContext("cannot create the schema");
    w->m_dim = options.embeddingDim;
    if (int dim = HashingEmbedder::dimForName(options.embedder); dim > 0) {
        w->m_embedder = std::make_unique<HashingEmbedder>(dim);
        w->m_dim = dim;
    }
    if (Status s = w->prepare(); !s.ok()) return s;
    Status s = w->setMeta("format", kNativeFormatName);
    if (s.ok()) s = w->setMeta("schema_version", std::to_string(kNativeSchemaVersion));
    if (s.ok()) s = w->setMeta("embedding_dim", std::to_string(w->m_dim));
    if (s.ok()) s = w->setMeta("embedder", options.embedder);
    if (s.ok()) s = w->setMeta("source_kind", options.sourceKind);
    if (s.ok()) s = w->setMeta("source_path", options.sourcePath);
    if (s.ok()) s = w->setMeta("created_us", std::to_string(nowUs()));
    if (!s.ok()) return s;
    return w;
}

Result<std::unique_ptr<NativeStoreWriter>> NativeStoreWriter::openForAppend(const std::string &path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return Status(StatusCode::NotFound, "agent memory store '" + path + "' does not exist");
    }
    auto db = sql::Db::open(path, SQLITE_OPEN_READWRITE, path);
    if (!db.ok()) return db.status();
    std::unique_ptr<NativeStoreWriter> w(new NativeStoreWriter());
    w->m_path = path;
    w->m_db = std::make_unique<sql::Db>(std::move(db.value()));
    sqlite3_busy_timeout(w->m_db->get(), 5000);
    auto meta = readNativeMeta(*w->m_db);
    if (!meta.ok()) return meta.status();
    if (Status s = w->m_db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s.ok()) return s;
    w->m_dim = meta->embeddingDim;
    if (int dim = HashingEmbedder::dimForName(meta->embedder); dim > 0) {
        w->m_embedder = std::make_unique<HashingEmbedder>(dim);
    }
    if (Status s = w->prepare(); !s.ok()) return s;
    return w;
}

Status NativeStoreWriter::prepare() {
    m_stmts = std::make_unique<Statements>(*m_db);
    return m_stmts->firstError();
}

Status NativeStoreWriter::begin() { return m_db->exec("BEGIN IMMEDIATE"); }
Status NativeStoreWriter::commit() { return m_db->exec("COMMIT"); }

Status NativeStoreWriter::setMeta(const std::string &key, const std::string &value) {
    sql::Stmt &q = m_stmts->meta;
    q.reset();
    q.bind(1, key).bind(2, value);
    return q.run();
}

Status NativeStoreWriter::putItem(const MemoryItem &item) {
    if (item.id.empty()) return {StatusCode::InvalidArgument, "an item needs an id"};
    if (!item.embedding.empty() && m_dim > 0 && int(item.embedding.size()) != m_dim) {
        return {StatusCode::InvalidArgument, "item '" + item.id + "' has a " + std::to_string(item.embedding.size()) +
                                                 "-dim embedding; the store holds " + std::to_string(m_dim) + "-dim"};
    }
    if (!item.embedding.empty() && m_dim == 0) {
        m_dim = int(item.embedding.size());
        if (Status s = setMeta("embedding_dim", std::to_string(m_dim)); !s.ok()) return s;
    }
    sql::Stmt &q = m_stmts->item;
    q.reset();
    q.bind(1, item.id).bind(2, item.kind).bind(3, item.text);
    q.bindOrNull(4, item.userId).bindOrNull(5, item.agentId).bindOrNull(6, item.appId).bindOrNull(7, item.threadId);
    q.bindOrNull(8, item.tier).bind(9, item.scope.empty() ? std::string("private") : item.scope);
    q.bindOrNull(10, item.parentId).bind(11, item.createdUs).bind(12, item.updatedUs).bind(13, item.deletedUs);
    q.bind(14, item.metadataJson.empty() ? std::string("{}") : item.metadataJson);
    if (!q.step()) return q.ok() ? Status(StatusCode::Internal, "item upsert returned no row") : q.status();
    int64_t seq = q.i64(0);
    q.reset();
    // Every id an item is scoped to is a principal, so counting users or agents never scans the items.
    for (auto [id, kind] : {std::pair{&item.userId, "user"}, {&item.agentId, "agent"}, {&item.appId, "app"}}) {
        if (id->empty()) continue;
        sql::Stmt &p = m_stmts->scopePrincipal;
        p.reset();
        p.bind(1, *id).bind(2, kind).bind(3, *id);
        if (Status s = p.run(); !s.ok()) return s;
    }
    if (item.embedding.empty()) return {};
    return putVector(seq, item.embedding);
}

Status NativeStoreWriter::putVector(int64_t itemSeq, const std::vector<float> &embedding) {
    sql::Stmt &v = m_stmts->vector;
    v.reset();
    v.bind(1, itemSeq).bind(2, int64_t(embedding.size())).bindBlob(3, embedding.data(), embedding.size() * sizeof(float));
    return v.run();
}

Status NativeStoreWriter::putEvent(const MemoryEvent &e) {
    sql::Stmt &q = m_stmts->event;
    q.reset();
    q.bind(1, e.itemId).bind(2, e.action).bind(3, e.timeUs).bindOrNull(4, e.actorId);
    q.bindOrNull(5, e.oldText).bindOrNull(6, e.newText).bind(7, e.detailJson.empty() ? "{}" : e.detailJson);
    return q.run();
}

Status NativeStoreWriter::putRelation(const Relation &r) {
    sql::Stmt &q = m_stmts->relation;
    q.reset();
    q.bind(1, r.src).bind(2, r.dst).bind(3, r.kind).bindOrNull(4, r.label).bind(5, r.createdUs).bind(6, r.deletedUs);
    return q.run();
}

Status NativeStoreWriter::putProvenance(const Provenance &p) {
    sql::Stmt &q = m_stmts->provenance;
    q.reset();
    q.bind(1, p.itemId).bind(2, p.principalId).bind(3, p.role).bind(4, p.timeUs).bindOrNull(5, p.detail);
    return q.run();
}

Status NativeStoreWriter::putAccess(const AccessRecord &a) {
    sql::Stmt &q = m_stmts->access;
    q.reset();
    q.bindOrNull(1, a.itemId).bindOrNull(2, a.principalId).bindOrNull(3, a.query).bind(4, a.score);
    q.bind(5, a.rank).bind(6, a.timeUs).bind(7, a.kind.empty() ? std::string("search") : a.kind);
    return q.run();
}

Status NativeStoreWriter::putPrincipal(const Principal &p) {
    if (p.id.empty()) return {};
    sql::Stmt &q = m_stmts->principal;
    q.reset();
    q.bind(1, p.id).bind(2, p.kind).bind(3, p.name.empty() ? p.id : p.name);
    return q.run();
}

Status NativeStoreWriter::putPolicy(const Policy &p) {
    if (p.effect != "allow" && p.effect != "deny") {
        return {StatusCode::InvalidArgument, "policy effect must be 'allow' or 'deny', not '" + p.effect + "'"};
    }
    sql::Stmt &q = m_stmts->policy;
    q.reset();
    q.bind(1, p.subjectId).bind(2, p.objectKind).bind(3, p.objectId).bind(4, p.effect).bind(5, p.validFromUs);
    q.bind(6, p.validToUs);
    return q.run();
}

Result<std::string> NativeStoreWriter::add(MemoryItem item, const std::string &actorId) {
    if (item.id.empty()) item.id = newId();
    if (item.createdUs == 0) item.createdUs = nowUs();
    if (item.updatedUs == 0) item.updatedUs = item.createdUs;
    if (item.embedding.empty() && m_embedder) item.embedding = m_embedder->embed(item.text);
    std::string actor = actorId.empty() ? (item.agentId.empty() ? item.userId : item.agentId) : actorId;
    if (Status s = putItem(item); !s.ok()) return s;
    MemoryEvent e;
    e.itemId = item.id;
    e.action = "add";
    e.timeUs = item.createdUs;
    e.actorId = actor;
    e.newText = item.text;
    if (Status s = putEvent(e); !s.ok()) return s;
    if (!actor.empty()) {
        Provenance p{item.id, actor, "author", item.createdUs, {}};
        if (Status s = putProvenance(p); !s.ok()) return s;
    }
    return item.id;
}

Result<std::pair<std::string, bool>> NativeStoreWriter::lookup(const std::string &id) {
    sql::Stmt &look = m_stmts->lookup;
    look.reset();
    look.bind(1, id);
    if (!look.step()) {
        if (!look.ok()) return look.status();
        return Status(StatusCode::NotFound, "no item '" + id + "' in '" + m_path + "'");
    }
    std::pair<std::string, bool> out{look.text(0), !look.isNull(1)};
    look.reset();
    return out;
}

Status NativeStoreWriter::update(const std::string &id, const std::string &newText, const std::string &actorId,
                                 int64_t timeUs) {
    auto found = lookup(id);
    if (!found.ok()) return found.status();
    if (found->second) return {StatusCode::InvalidArgument, "item '" + id + "' is deleted"};
    const std::string oldText = found->first;
    if (timeUs == 0) timeUs = nowUs();
    std::vector<float> emb;
    if (m_embedder) emb = m_embedder->embed(newText);
    sql::Stmt &q = m_stmts->setText;
    q.reset();
    q.bind(1, newText).bind(2, timeUs).bind(3, id);
    if (Status s = q.run(); !s.ok()) return s;
    if (!emb.empty()) {
        sql::Stmt &seq = m_stmts->seqOf;
        seq.reset();
        seq.bind(1, id);
        if (!seq.step()) return seq.ok() ? Status(StatusCode::Internal, "item vanished") : seq.status();
        int64_t itemSeq = seq.i64(0);
        seq.reset();
        if (Status s = putVector(itemSeq, emb); !s.ok()) return s;
    }
    return putEvent({0, id, "update", timeUs, actorId, oldText, newText, "{}"});
}

Status NativeStoreWriter::remove(const std::string &id, const std::string &actorId, int64_t timeUs) {
    auto found = lookup(id);
    if (!found.ok()) return found.status();
    if (found->second) return {StatusCode::InvalidArgument, "item '" + id + "' is already deleted"};
    const std::string oldText = found->first;
    if (timeUs == 0) timeUs = nowUs();
    sql::Stmt &q = m_stmts->setDeleted;
    q.reset();
    q.bind(1, timeUs).bind(2, timeUs).bind(3, id);
    if (Status s = q.run(); !s.ok()) return s;
    return putEvent({0, id, "delete", timeUs, actorId, oldText, {}, "{}"});
}

} // namespace mnemo::agentmem
