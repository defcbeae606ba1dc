#include "PgCheckpointSql.hpp"

#include "adapters/ImportCommon.hpp"

#include "mnemo/core/JsonText.hpp"

#include <cstdio>

namespace mnemo::agentmem::pgsql {
namespace {

// The ILIKE pattern that finds `text` in encode(blob, 'escape'), which writes a zero byte and every byte from 0x80 as
// \ooo, doubles a backslash and keeps every other byte: UTF-8 text inside a JSON or msgpack blob is found byte for
// byte (ILIKE folds ASCII letters only there: "É" does not find "é" in a blob).
std::string escapedBlobPattern(const std::string &text) {
    std::string out = "%";
    for (unsigned char ch : text) {
        if (ch == '%' || ch == '_') {
            out += '\\';
            out += char(ch);
        } else if (ch == '\\') {
            out += "\\\\\\\\"; // the escape format's two backslashes, each escaped for LIKE
        } else if (ch != 0 && ch < 0x80) {
            out += char(ch);
        } else {
            char octal[5];
            std::snprintf(octal, sizeof octal, "%03o", ch);
            out += "\\\\" + std::string(octal);
        }
    }
    return out + "%";
}

std::vector<uint8_t> fromHex(const std::string &hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::vector<uint8_t> out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) out[i] = uint8_t(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    return out;
}

// A blob as LangGraph serialised it ("json", "msgpack", ...), or a note of why it could not be read.
nlohmann::json decodeBlob(const std::string &type, const std::string &hex, const std::string &where) {
    const std::vector<uint8_t> bytes = fromHex(hex);
    auto v = decodeLangGraphValue(type, bytes.data(), bytes.size(), where);
    return v.ok() ? v.value() : nlohmann::json("(unreadable: " + v.message() + ")");
}

} // namespace

TextSearch textSearch(const std::string &text, pg::Where &w) {
    w.params.push_back(pg::likePattern(text));
    const std::string row = "$" + std::to_string(w.params.size());
    w.params.push_back(escapedBlobPattern(text));
    const std::string blob = "$" + std::to_string(w.params.size());
    return {"(c.checkpoint::text ILIKE " + row + " OR c.metadata::text ILIKE " + row + ")",
            "EXISTS (SELECT 1 FROM checkpoint_blobs b WHERE b.thread_id = c.thread_id AND b.checkpoint_ns ="
            " c.checkpoint_ns AND b.version = c.checkpoint->'channel_versions'->>b.channel AND encode(b.blob, 'escape')"
            " ILIKE " + blob + ")"};
}

pg::Where whereFor(const ItemFilter &f) {
    pg::Where w;
    w.impossible = !f.userId.empty() || !f.agentId.empty() || !f.appId.empty() ||
                   (!f.kind.empty() && f.kind != "checkpoint");
    if (!f.threadId.empty()) w.add("c.thread_id = $?", f.threadId);
    if (!f.tier.empty()) w.add("COALESCE(NULLIF(c.checkpoint_ns, ''), 'checkpoint') = $?", f.tier);
    if (f.asOfUs) {
        w.add("(c.checkpoint->>'ts')::timestamptz <= to_timestamp($?::float8 / 1e6)", std::to_string(*f.asOfUs));
    }
    return w;
}

Result<MemoryItem> itemFromRow(const pg::Rows &rows, int r, const std::string &where) {
    MemoryItem it;
    it.id = rows.text(r, "checkpoint_id");
    it.kind = "checkpoint";
    it.threadId = rows.text(r, "thread_id");
    it.parentId = rows.text(r, "parent_checkpoint_id");
    const std::string ns = rows.text(r, "checkpoint_ns");
    it.tier = ns.empty() ? "checkpoint" : ns;
    it.scope = "shared";
    const nlohmann::json cp = parseJson(rows.text(r, "cp")), meta = parseJson(rows.text(r, "meta"));
    if (!cp.is_object()) {
        return Status(StatusCode::InvalidArgument, where + ": checkpoint " + it.id + " is not a JSON object");
    }
    it.createdUs = it.updatedUs = jsonTimeUs(cp, {"ts"}, 0);
    nlohmann::json values = cp.value("channel_values", nlohmann::json::object());
    if (!values.is_object()) values = nlohmann::json::object();
    const nlohmann::json blobs = parseJson(rows.text(r, "blobs"));
    for (const auto &b : blobs.is_array() ? blobs : nlohmann::json::array()) {
        if (!b.is_array() || b.size() != 3 || !b[0].is_string() || !b[1].is_string() || !b[2].is_string()) continue;
        if (b[1].get<std::string>() == "empty") continue; // a channel with no value yet
        values[b[0].get<std::string>()] =
            decodeBlob(b[1].get<std::string>(), b[2].get<std::string>(), where + " checkpoint " + it.id);
    }
    it.text = summariseCheckpoint(values, meta);
    nlohmann::json m = nlohmann::json::object();
    m["metadata"] = meta;
    m["channel_values"] = values;
    m["v"] = cp.value("v", nlohmann::json());
    m["channel_versions"] = cp.value("channel_versions", nlohmann::json());
    m["checkpoint_ns"] = ns;
    it.metadataJson = mnemo::toJson(m);
    return it;
}

MemoryEvent eventFromRow(const pg::Rows &rows, int r, const std::string &where) {
    MemoryEvent e;
    e.seq = rows.i64(r, "seq");
    e.itemId = rows.text(r, "checkpoint_id");
    e.action = rows.text(r, "action");
    e.timeUs = textTimeUs(rows.text(r, "ts"), 0);
    e.actorId = rows.text(r, "actor");
    e.detailJson = rows.text(r, "detail");
    if (e.action == "write" && !rows.isNull(r, rows.column("value"))) {
        e.newText = compactJson(decodeBlob(rows.text(r, "type"), rows.text(r, "value"), where + " write"), 2000);
    }
    return e;
}

std::string textArray(const std::vector<std::string> &values) {
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        out += i ? ",\"" : "\"";
        for (char ch : values[i]) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + "}";
}

} // namespace mnemo::agentmem::pgsql
