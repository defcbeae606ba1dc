// LangGraph: the SQLite checkpointer (checkpoints + writes; JSON payloads from JS, msgpack from Python, both
// decoded) and the Python SqliteStore (store + store_vectors, namespaces as a tree).
#include "ImportCommon.hpp"

#include <map>
#include <set>

namespace mnemo::agentmem {
namespace {

// Python's msgpack ext types (constructors, pydantic models, numpy arrays) hold msgpack themselves: decode them
// recursively so the detail pane shows values, not bytes. `depth` counts levels from the payload's root, across
// nested extensions, so the whole value stays within kMaxJsonDepth however it was nested.
nlohmann::json decodeExtensions(const nlohmann::json &j, size_t depth = 0) {
    if (depth >= kMaxJsonDepth) return nlohmann::json{{"__truncated", "nested deeper than " + std::to_string(kMaxJsonDepth)}};
    if (j.is_binary()) {
        const auto &bin = j.get_binary();
        nlohmann::json inner = parseMsgpack(bin.data(), bin.size(), kMaxJsonDepth - depth);
        nlohmann::json out = {{"__ext", bin.has_subtype() ? int(bin.subtype()) : -1}};
        if (!inner.is_discarded()) out["value"] = decodeExtensions(inner, depth + 1);
        else out["bytes"] = bin.size();
        return out;
    }
    if (j.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto &x : j) out.push_back(decodeExtensions(x, depth + 1));
        return out;
    }
    if (j.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (auto it = j.begin(); it != j.end(); ++it) out[it.key()] = decodeExtensions(it.value(), depth + 1);
        return out;
    }
    return j;
}

// A checkpoint/metadata/write blob by its type column: "json", "msgpack", "bytes", "null".
Result<nlohmann::json> decodeValue(const std::string &type, const void *data, size_t bytes, const std::string &where) {
    const auto *p = static_cast<const uint8_t *>(data);
    if (type == "null" || bytes == 0) return nlohmann::json();
    if (type == "json" || type.empty()) {
        auto j = parseJsonText(validUtf8(std::string_view(reinterpret_cast<const char *>(p), bytes)));
        if (j.is_discarded()) return Status(StatusCode::InvalidArgument, where + ": payload is not valid JSON");
        return j;
    }
    if (type == "msgpack") {
        auto j = parseMsgpack(p, bytes);
        if (j.is_discarded()) return Status(StatusCode::InvalidArgument, where + ": payload is not valid msgpack");
        return decodeExtensions(j);
    }
    if (type == "bytes") return nlohmann::json{{"bytes", bytes}};
    return Status(StatusCode::Unsupported, where + ": unknown serialisation type '" + type + "'");
}

// A message's text, whether LangChain's serialised constructor form ({lc, kwargs: {content}}), a plain
// {role, content} dict, or Python's decoded ext form.
std::string messageText(const nlohmann::json &m) {
    if (m.is_string()) return m.get<std::string>();
    if (!m.is_object()) return {};
    if (m.contains("kwargs") && m["kwargs"].is_object()) return jsonString(m["kwargs"], {"content"});
    if (m.contains("content")) return jsonString(m, {"content"});
    if (m.contains("value")) { // a decoded msgpack extension: [module, class, {content...}]
        const auto &v = m["value"];
        if (v.is_array()) {
            for (const auto &part : v) {
                if (!part.is_object()) continue; // module and class names
                std::string t = messageText(part);
                if (!t.empty()) return t;
            }
        }
    }
    return {};
}

std::string compact(const nlohmann::json &j, size_t maxChars = 4000) { return compactJson(j, maxChars); }

using CheckpointWrites = std::map<std::string, std::vector<MemoryEvent>>; // checkpoint id -> its pending writes

// writes: the channel values tasks wrote after a checkpoint, shown as "write" events of that checkpoint.
Status readWrites(const sql::Db &db, CheckpointWrites &writes) {
    if (!db.hasTable("writes")) return {};
    if (Status s = db.requireColumns("writes", {"thread_id", "checkpoint_id", "task_id", "channel", "type", "value"}); !s.ok()) return s;
    sql::Stmt w(db, "SELECT * FROM writes");
    sql::Row r(w);
    while (w.step()) {
        size_t bytes = 0;
        const void *blob = r.blob("value", bytes);
        auto v = decodeValue(r.str("type"), blob, bytes, "'" + db.label() + "' writes of checkpoint " + r.str("checkpoint_id"));
        if (!v.ok()) return v.status();
        MemoryEvent e;
        e.itemId = r.str("checkpoint_id");
        e.action = "write";
        e.actorId = r.str("task_id");
        e.newText = compact(v.value(), 2000);
        e.detailJson = nlohmann::json{{"channel", r.str("channel")}, {"task_id", r.str("task_id")}, {"idx", r.i64("idx")}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        writes[e.itemId].push_back(std::move(e));
    }
    return w.status();
}

Status readCheckpoints(ImportContext &ctx, const sql::Db &db) {
    if (Status s = db.requireColumns("checkpoints", {"thread_id", "checkpoint_id", "parent_checkpoint_id", "type",
                                                     "checkpoint", "metadata"});
        !s.ok()) {
        return s;
    }
    CheckpointWrites writes;
    if (Status s = readWrites(db, writes); !s.ok()) return s;
    sql::Stmt q(db, "SELECT * FROM checkpoints ORDER BY thread_id, checkpoint_id");
    sql::Row r(q);
    std::set<std::string> threads;
    while (q.step()) {
        std::string where = "'" + db.label() + "' checkpoint " + r.str("checkpoint_id");
        size_t bytes = 0;
        const void *blob = r.blob("checkpoint", bytes);
        auto cp = decodeValue(r.str("type"), blob, bytes, where);
        if (!cp.ok()) return cp.status();
        const void *mblob = r.blob("metadata", bytes);
        // JS writes metadata with the checkpoint's type; Python writes plain JSON.
        auto meta = decodeValue(r.str("type") == "msgpack" ? "json" : r.str("type"), mblob, bytes, where + " metadata");
        if (!meta.ok()) meta = decodeValue("msgpack", mblob, bytes, where + " metadata");
        if (!meta.ok()) return meta.status();
        MemoryItem it;
        it.id = r.str("checkpoint_id");
        it.kind = "checkpoint";
        it.threadId = r.str("thread_id");
        it.parentId = r.str("parent_checkpoint_id");
        std::string ns = r.str("checkpoint_ns");
        it.tier = ns.empty() ? "checkpoint" : ns;
        it.scope = "shared";
        const nlohmann::json &c = cp.value();
        it.createdUs = it.updatedUs = jsonTimeUs(c, {"ts"}, 0);
        nlohmann::json values = c.is_object() && c.contains("channel_values") ? c["channel_values"] : nlohmann::json();
        it.text = summariseCheckpoint(values, meta.value());
        nlohmann::json m = nlohmann::json::object();
        m["metadata"] = meta.value();
        m["channel_values"] = values;
        if (c.is_object()) {
            m["v"] = c.value("v", nlohmann::json());
            m["channel_versions"] = c.value("channel_versions", nlohmann::json());
        }
        m["checkpoint_ns"] = ns;
        it.metadataJson = mnemo::toJson(m);
        threads.insert(it.threadId);
        if (Status s = notePrincipal(ctx, it.threadId, "thread"); !s.ok()) return s;
        if (Status s = ctx.out.putItem(it); !s.ok()) return s;
        nlohmann::json detail = {{"step", meta.value().is_object() ? meta.value().value("step", nlohmann::json()) : nlohmann::json()},
                                 {"source", meta.value().is_object() ? meta.value().value("source", nlohmann::json()) : nlohmann::json()}};
        if (Status s = ctx.out.putEvent({0, it.id, "checkpoint", it.createdUs, it.threadId, {}, compact(values), mnemo::toJson(detail)}); !s.ok()) return s;
        if (!it.parentId.empty()) {
            if (Status s = ctx.out.putRelation({it.parentId, it.id, "parent", "next", it.createdUs, std::nullopt}); !s.ok()) return s;
        }
        for (MemoryEvent e : writes[it.id]) {
            e.timeUs = it.createdUs;
            if (Status s = ctx.out.putEvent(e); !s.ok()) return s;
        }
    }
    return q.status();
}

// store_vectors: one vector per item (its first field's), keyed by prefix and key.
using StoreVectors = std::map<std::string, std::vector<float>>;

Status readStoreVectors(const sql::Db &db, StoreVectors &vectors) {
    if (!db.hasTable("store_vectors")) return {};
    sql::Stmt v(db, "SELECT prefix, key, embedding FROM store_vectors ORDER BY field_name");
    while (v.step()) {
        std::string k = v.text(0) + "\x1f" + v.text(1);
        if (vectors.count(k)) continue; // first field only: one vector per item on the map
        auto f = sql::floatsFromBlob(v.blob(2), v.blobBytes(2));
        if (!f) {
            return {StatusCode::InvalidArgument, "'" + db.label() + "': store_vectors row " + v.text(0) + "/" +
                                                     v.text(1) + " has a malformed embedding"};
        }
        vectors[k] = std::move(*f);
    }
    return v.status();
}

// Namespaces as a tree: "a.b.c" gets items ns:a, ns:a.b and ns:a.b.c, each the parent of the next, written once.
Status ensureNamespace(ImportContext &ctx, std::set<std::string> &namespaces, const std::string &prefix, int64_t t) {
    std::string acc;
    size_t start = 0;
    while (start <= prefix.size()) {
        size_t dot = prefix.find('.', start);
        std::string part = prefix.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        std::string parent = acc.empty() ? std::string() : "ns:" + acc;
        acc += (acc.empty() ? "" : ".") + part;
        if (namespaces.insert(acc).second) {
            MemoryItem n;
            n.id = "ns:" + acc;
            n.kind = "namespace";
            n.text = acc;
            n.tier = "namespace";
            n.scope = "shared";
            n.parentId = parent;
            n.createdUs = n.updatedUs = t;
            if (Status s = ctx.out.putItem(n); !s.ok()) return s;
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return {};
}

// One store row: its JSON value (the text is its content field when it has one), under its namespace.
Result<MemoryItem> storeItem(const sql::Db &db, const sql::Row &r, const StoreVectors &vectors, int &dim) {
    MemoryItem it;
    std::string prefix = r.str("prefix");
    it.id = prefix + "/" + r.str("key");
    it.tier = prefix;
    it.parentId = "ns:" + prefix;
    it.createdUs = textTimeUs(r.str("created_at"), 0);
    it.updatedUs = textTimeUs(r.str("updated_at"), it.createdUs);
    nlohmann::json value = parseJson(r.str("value"));
    if (value.is_discarded() || (value.is_null() && !r.str("value").empty())) {
        return Status(StatusCode::InvalidArgument, "'" + db.label() + "': store value of " + it.id + " is not JSON");
    }
    std::string text = jsonString(value, {"content", "text", "memory", "data"});
    it.text = text.empty() ? compact(value) : text;
    // Namespaces such as ("memories", "<user>") scope items to a user by convention.
    size_t dot = prefix.find('.');
    if (dot != std::string::npos) it.userId = prefix.substr(dot + 1, prefix.find('.', dot + 1) - dot - 1);
    nlohmann::json meta = {{"value", value}};
    if (!r.isNull("expires_at")) meta["expires_at"] = r.str("expires_at");
    if (!r.isNull("ttl_minutes")) meta["ttl_minutes"] = r.f64("ttl_minutes");
    it.metadataJson = mnemo::toJson(meta);
    auto v = vectors.find(prefix + "\x1f" + r.str("key"));
    if (v != vectors.end()) {
        if (dim == 0) dim = int(v->second.size());
        if (int(v->second.size()) == dim) it.embedding = v->second;
    }
    return it;
}

Status readStore(ImportContext &ctx, const sql::Db &db) {
    if (Status s = db.requireColumns("store", {"prefix", "key", "value", "created_at", "updated_at"}); !s.ok()) return s;
    StoreVectors vectors;
    if (Status s = readStoreVectors(db, vectors); !s.ok()) return s;
    std::set<std::string> namespaces;
    sql::Stmt q(db, "SELECT * FROM store ORDER BY created_at");
    sql::Row r(q);
    int dim = 0;
    while (q.step()) {
        auto it = storeItem(db, r, vectors, dim);
        if (!it.ok()) return it.status();
        if (Status s = ensureNamespace(ctx, namespaces, it->tier, it->createdUs); !s.ok()) return s;
        if (Status s = ctx.out.putItem(it.value()); !s.ok()) return s;
        if (Status s = ctx.out.putEvent({0, it->id, "add", it->createdUs, {}, {}, it->text, "{}"}); !s.ok()) return s;
        if (it->updatedUs > it->createdUs) {
            if (Status s = ctx.out.putEvent({0, it->id, "update", it->updatedUs, {}, {}, it->text, R"({"previous_value_unknown":true})"}); !s.ok()) return s;
        }
    }
    ctx.catalogue.notes.push_back("SqliteStore keeps only the latest value: updates show their time, not the old text");
    return q.status();
}

} // namespace

std::string compactJson(const nlohmann::json &j, size_t maxChars) {
    std::string s = j.is_null() ? std::string() : mnemo::toJson(j);
    if (s.size() > maxChars) s = s.substr(0, maxChars) + "…";
    return s;
}

// What a person wants to read in a list: the step, and each user channel's latest value; the full state stays in
// the metadata and the detail pane.
std::string summariseCheckpoint(const nlohmann::json &values, const nlohmann::json &meta) {
    std::string out;
    if (meta.is_object() && meta.contains("step")) {
        out = "step " + mnemo::toJson(meta["step"]);
        std::string source = jsonString(meta, {"source"});
        if (!source.empty()) out += " (" + source + ")";
    }
    if (!values.is_object()) return out.empty() ? compactJson(values, 300) : out;
    for (auto it = values.begin(); it != values.end(); ++it) {
        const std::string &key = it.key();
        if (key.rfind("__", 0) == 0 || key.rfind("branch:", 0) == 0) continue; // the runtime's own channels
        std::string shown;
        if (it->is_array() && !it->empty()) {
            std::string last = messageText(it->back());
            shown = last.empty() ? compactJson(it->back(), 120) : "\u201c" + last + "\u201d";
            if (it->size() > 1) shown += " (" + std::to_string(it->size()) + ")";
        } else if (it->is_object()) {
            std::string t = messageText(*it);
            shown = t.empty() ? compactJson(*it, 120) : "\u201c" + t + "\u201d";
        } else {
            shown = it->is_string() ? it->get<std::string>() : mnemo::toJson(*it);
        }
        out += (out.empty() ? "" : " \u00b7 ") + key + ": " + shown;
    }
    return out;
}


Result<nlohmann::json> decodeLangGraphValue(const std::string &type, const void *data, size_t bytes,
                                            const std::string &where) {
    return decodeValue(type, data, bytes, where);
}

Status importLangGraph(ImportContext &ctx) {
    if (ctx.files.empty()) return {StatusCode::NotFound, "no database file"};
    auto db = openSnapshot(ctx.files.front(), originalLabel(ctx, ctx.files.front()));
    if (!db.ok()) return db.status();
    std::vector<std::string> parts;
    if (db->hasTable("checkpoints")) {
        if (Status s = readCheckpoints(ctx, db.value()); !s.ok()) return s;
        parts.push_back("checkpointer");
    }
    if (db->hasTable("store")) {
        if (Status s = readStore(ctx, db.value()); !s.ok()) return s;
        parts.push_back("store");
    }
    if (parts.empty()) return {StatusCode::InvalidArgument, "'" + ctx.originalRoot + "': table 'checkpoints' is missing"};
    ctx.catalogue.variant = parts.size() == 2 ? "checkpointer+store" : parts.front();
    return {};
}

} // namespace mnemo::agentmem
