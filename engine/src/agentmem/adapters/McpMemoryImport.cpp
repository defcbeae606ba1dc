// The MCP reference memory server's knowledge graph: memory.jsonl, one JSON object per line, either
// {"type":"entity","name","entityType","observations":[...]} or {"type":"relation","from","to","relationType"}.
// The file has no times: everything is stamped with the file's modification time, which the summary says.
#include "ImportCommon.hpp"

#include <fstream>
#include <set>

namespace mnemo::agentmem {

Status importMcpMemory(ImportContext &ctx) {
    if (ctx.files.empty()) return {StatusCode::NotFound, "no memory.jsonl"};
    const std::string &file = ctx.files.front();
    std::ifstream in(file);
    if (!in) return {StatusCode::NotFound, "cannot read '" + ctx.originalRoot + "'"};
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(file, ec);
    int64_t t = ec ? 0
                   : std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::file_clock::to_sys(mtime).time_since_epoch())
                         .count();
    std::string line;
    int lineNo = 0;
    std::set<std::string> entities;
    std::vector<Relation> relations;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        nlohmann::json j = parseJson(line);
        if (!j.is_object() || !j.contains("type")) {
            return {StatusCode::InvalidArgument, "'" + ctx.originalRoot + "' line " + std::to_string(lineNo) +
                                                     ": not a JSON object with a \"type\""};
        }
        std::string type = jsonString(j, {"type"});
        if (type == "entity") {
            MemoryItem it;
            it.id = jsonString(j, {"name"});
            if (it.id.empty()) {
                return {StatusCode::InvalidArgument, "'" + ctx.originalRoot + "' line " + std::to_string(lineNo) +
                                                         ": entity without a name"};
            }
            it.kind = "entity";
            it.tier = jsonString(j, {"entityType"});
            it.scope = "shared";
            std::string text;
            nlohmann::json obs = j.value("observations", nlohmann::json::array());
            for (const auto &o : obs) {
                if (o.is_string()) text += (text.empty() ? "" : "\n") + o.get<std::string>();
            }
            it.text = text.empty() ? it.id : it.id + ": " + text;
            it.createdUs = it.updatedUs = t;
            it.metadataJson = nlohmann::json{{"entityType", it.tier}, {"observations", obs}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            entities.insert(it.id);
            if (Status s = ctx.out.putItem(it); !s.ok()) return s;
            if (Status s = ctx.out.putEvent({0, it.id, "add", t, {}, {}, it.text, "{}"}); !s.ok()) return s;
        } else if (type == "relation") {
            Relation r{jsonString(j, {"from"}), jsonString(j, {"to"}), "relates", jsonString(j, {"relationType"}), t,
                       std::nullopt};
            if (r.src.empty() || r.dst.empty()) {
                return {StatusCode::InvalidArgument, "'" + ctx.originalRoot + "' line " + std::to_string(lineNo) +
                                                         ": relation without from/to"};
            }
            relations.push_back(std::move(r));
        } else {
            return {StatusCode::InvalidArgument, "'" + ctx.originalRoot + "' line " + std::to_string(lineNo) +
                                                     ": unknown type '" + type + "' (expected entity or relation)"};
        }
    }
    for (const Relation &r : relations) {
        if (Status s = ctx.out.putRelation(r); !s.ok()) return s;
    }
    ctx.catalogue.variant = "jsonl";
    ctx.catalogue.notes.push_back("memory.jsonl records no times: items are stamped with the file's modification time");
    return {};
}

} // namespace mnemo::agentmem
