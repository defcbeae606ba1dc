#include "ImportCommon.hpp"

namespace mnemo::agentmem {

Result<sql::Db> openSnapshot(const std::string &path, const std::string &label) {
    auto db = sql::Db::open(path, SQLITE_OPEN_READWRITE, label);
    if (!db.ok()) return db.status();
    // A truncated or garbage file opens fine and fails on first read: read the schema now to say so up front.
    sql::Stmt q(db.value(), "SELECT count(*) FROM sqlite_master");
    q.step();
    if (!q.ok()) {
        return Status(StatusCode::InvalidArgument, "'" + label + "' is not a readable SQLite database (" +
                                                       std::string(sqlite3_errmsg(db.value().get())) + ")");
    }
    return db;
}

std::string snapshotFileWithRole(const ImportContext &ctx, const std::string &role) {
    const std::vector<std::string> &roles = ctx.catalogue.detected.roles;
    for (size_t i = 0; i < ctx.files.size() && i < roles.size(); ++i) {
        if (roles[i] == role) return ctx.files[i];
    }
    return {};
}

std::string originalLabel(const ImportContext &ctx, const std::string &snapshotPath) {
    std::filesystem::path root(ctx.originalRoot);
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) return ctx.originalRoot;
    return (root / std::filesystem::path(snapshotPath).filename()).string();
}

nlohmann::json parseJson(const std::string &text) {
    if (text.empty()) return nlohmann::json();
    // nlohmann refuses ill-formed UTF-8 outright; a foreign line with one bad byte keeps its other fields.
    auto j = parseJsonText(validUtf8(std::string_view(text)));
    return j.is_discarded() ? nlohmann::json() : j;
}

std::string jsonString(const nlohmann::json &j, std::initializer_list<const char *> keys) {
    if (!j.is_object()) return {};
    for (const char *k : keys) {
        auto it = j.find(k);
        if (it == j.end() || it->is_null()) continue;
        if (it->is_string()) return it->get<std::string>();
        return mnemo::toJson(*it);
    }
    return {};
}

int64_t textTimeUs(const std::string &text, int64_t fallback) {
    auto t = parseTimeUs(text);
    return t ? *t : fallback;
}

int64_t jsonTimeUs(const nlohmann::json &j, std::initializer_list<const char *> keys, int64_t fallback) {
    if (!j.is_object()) return fallback;
    for (const char *k : keys) {
        auto it = j.find(k);
        if (it == j.end() || it->is_null()) continue;
        if (it->is_number()) {
            auto t = parseTimeUs(std::to_string(it->get<double>()));
            if (t) return *t;
        }
        if (it->is_string()) {
            if (auto t = parseTimeUs(it->get<std::string>())) return *t;
        }
    }
    return fallback;
}

std::string jsonText(const std::string &json, const char *key) { return jsonString(parseJson(json), {key}); }

Status notePrincipal(ImportContext &ctx, const std::string &id, const char *kind, const std::string &name) {
    if (id.empty()) return {};
    return ctx.out.putPrincipal({id, kind, name.empty() ? id : name});
}

} // namespace mnemo::agentmem
