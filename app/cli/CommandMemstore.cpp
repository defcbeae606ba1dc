// mnemo-cli memstore: create and append to a Mnemo agent-memory store (docs/agent-memory-store.md), so that an
// agent (or a shell script) can write one and the Inspect workspace can show it live.
#include "AgentMemoryJson.hpp"
#include "mnemo/core/Utf8.hpp"
#include "mnemo/core/JsonText.hpp"
#include "Commands.hpp"

#include "mnemo/agentmem/NativeStore.hpp"

#include <fstream>
#include <iostream>

namespace mnemo::cli {

using namespace agentmem;

namespace {

int fail(const std::string &m, int code = 1) { return failWith("memstore", m, code); }

Result<int64_t> timeOf(const nlohmann::json &j, const char *key) {
    if (!j.contains(key) || j[key].is_null()) return int64_t(0);
    if (j[key].is_number()) return parseTimeArg(std::to_string(j[key].get<double>())).value_or(0);
    if (!j[key].is_string()) return Status(StatusCode::InvalidArgument, std::string("'") + key + "' is not a time");
    auto t = parseTimeArg(j[key].get<std::string>());
    if (!t) return Status(StatusCode::InvalidArgument, "cannot read the time '" + j[key].get<std::string>() + "'");
    return *t;
}

std::string str(const nlohmann::json &j, const char *key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// One operation, from a script line or from command-line options gathered into the same JSON shape.
Status applyOp(NativeStoreWriter &w, const nlohmann::json &op, nlohmann::json &result) {
    const std::string kind = str(op, "op");
    auto t = timeOf(op, "time");
    if (!t.ok()) return t.status();
    if (kind == "add") {
        MemoryItem it;
        it.id = str(op, "id");
        it.kind = op.contains("kind") ? str(op, "kind") : "memory";
        it.text = str(op, "text");
        it.userId = str(op, "user");
        it.agentId = str(op, "agent");
        it.appId = str(op, "app");
        it.threadId = str(op, "thread");
        it.tier = str(op, "tier");
        it.scope = op.contains("scope") ? str(op, "scope") : "private";
        it.parentId = str(op, "parent");
        it.createdUs = t.value();
        if (op.contains("meta")) it.metadataJson = mnemo::toJson(op["meta"]);
        if (it.text.empty()) return {StatusCode::InvalidArgument, "add needs a text"};
        if (it.scope != "private" && it.scope != "shared") {
            return {StatusCode::InvalidArgument, "scope must be private or shared, not '" + it.scope + "'"};
        }
        auto id = w.add(it, str(op, "actor"));
        if (!id.ok()) return id.status();
        result["id"] = id.value();
        if (op.contains("resources") && op["resources"].is_array()) {
            for (const auto &r : op["resources"]) {
                if (!r.is_string()) continue;
                if (Status s = w.putProvenance({id.value(), r.get<std::string>(), "resource", it.createdUs ? it.createdUs : nowUs(), {}}); !s.ok()) return s;
            }
        }
        return {};
    }
    if (kind == "update") return w.update(str(op, "id"), str(op, "text"), str(op, "actor"), t.value());
    if (kind == "delete") return w.remove(str(op, "id"), str(op, "actor"), t.value());
    if (kind == "relate") {
        if (str(op, "src").empty() || str(op, "dst").empty()) return {StatusCode::InvalidArgument, "relate needs src and dst"};
        return w.putRelation({str(op, "src"), str(op, "dst"), op.contains("kind") ? str(op, "kind") : "relates",
                              str(op, "label"), t.value() ? t.value() : nowUs(), std::nullopt});
    }
    if (kind == "principal") return w.putPrincipal({str(op, "id"), str(op, "kind"), str(op, "name")});
    if (kind == "policy") {
        auto to = timeOf(op, "until");
        if (!to.ok()) return to.status();
        Policy p{0, str(op, "subject"), str(op, "object_kind"), str(op, "object"),
                 op.contains("effect") ? str(op, "effect") : "allow", t.value(),
                 to.value() ? std::optional<int64_t>(to.value()) : std::nullopt};
        if (p.subjectId.empty() || p.objectKind.empty() || p.objectId.empty()) {
            return {StatusCode::InvalidArgument, "policy needs subject, object_kind and object"};
        }
        return w.putPolicy(p);
    }
    if (kind == "access") {
        AccessRecord a;
        a.itemId = str(op, "id");
        a.principalId = str(op, "principal");
        a.query = str(op, "query");
        a.kind = op.contains("kind") ? str(op, "kind") : "search";
        // value() would throw on a script's "score": "high"; a wrong type reads as absent.
        a.score = op.contains("score") && op["score"].is_number() ? op["score"].get<double>() : 0.0;
        a.rank = op.contains("rank") && op["rank"].is_number_integer() ? op["rank"].get<int>() : -1;
        a.timeUs = t.value() ? t.value() : nowUs();
        if (Status s = w.putAccess(a); !s.ok()) return s;
        return w.putEvent({0, a.itemId, "access", a.timeUs, a.principalId, {}, {},
                           nlohmann::json{{"query", a.query}, {"score", a.score}, {"rank", a.rank}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
    }
    return {StatusCode::InvalidArgument, "unknown op '" + kind + "' (add, update, delete, relate, principal, policy, access)"};
}

} // namespace

// mnemo-cli memstore create FILE [--embedder mnemo-hash-384|none]
//                    add FILE --text T [--user U] [--agent A] [--app X] [--thread T] [--tier T] [--scope S]
//                                      [--parent ID] [--id ID] [--time T] [--meta JSON]
//                    update FILE ID --text T [--actor A]      delete FILE ID [--actor A]
//                    relate FILE SRC DST [--kind K] [--label L]
//                    policy FILE --subject S --object-kind K --object O [--effect allow|deny] [--time T] [--until T]
//                    access FILE ID --principal P --query Q [--score S]
//                    script FILE SCRIPT.jsonl                 (creates FILE if needed; one op per line)
//                    index FILE [--lists N]
int commandMemstore(const CliArgs &args) {
    const auto &pos = args.positional();
    if (pos.size() < 3) return fail("usage: mnemo-cli memstore create|add|update|delete|relate|policy|access|script|index FILE ...", 2);
    const std::string verb = pos[1], file = pos[2];
    nlohmann::json result = {{"store", file}, {"op", verb}};
    if (verb == "create") {
        std::string embedder = args.valueOr("embedder", "mnemo-hash-384");
        if (const auto unused = args.unusedOptions(); !unused.empty()) return fail("unknown option " + unused.front(), 2);
        NativeStoreWriter::Options o;
        if (embedder != "none") {
            o.embedder = embedder;
            if (embedder.rfind("mnemo-hash-", 0) != 0) return fail("--embedder must be mnemo-hash-<dim> or none", 2);
        }
        auto w = NativeStoreWriter::create(file, o);
        if (!w.ok()) return fail(w.message());
        result["embedder"] = embedder;
        std::cout << mnemo::toJson(result, 2) << "\n";
        return 0;
    }
    if (verb == "script") {
        if (pos.size() != 4) return fail("usage: mnemo-cli memstore script FILE SCRIPT.jsonl", 2);
        std::ifstream in(pos[3]);
        if (!in) return fail("cannot read '" + pos[3] + "'");
        std::error_code ec;
        Result<std::unique_ptr<NativeStoreWriter>> w = std::filesystem::exists(file, ec)
                                                           ? NativeStoreWriter::openForAppend(file)
                                                           : NativeStoreWriter::create(file, {384, "mnemo-hash-384"});
        if (!w.ok()) return fail(w.message());
        if (Status s = w.value()->begin(); !s.ok()) return fail(s.message());
        std::string line;
        int lineNo = 0, applied = 0;
        while (std::getline(in, line)) {
            ++lineNo;
            if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
            auto op = mnemo::parseJsonText(mnemo::validUtf8(std::string_view(line)));
            if (op.is_discarded() || !op.is_object()) return fail(pos[3] + " line " + std::to_string(lineNo) + ": not a JSON object");
            nlohmann::json r;
            if (Status s = applyOp(*w.value(), op, r); !s.ok()) {
                return fail(pos[3] + " line " + std::to_string(lineNo) + ": " + s.message());
            }
            ++applied;
        }
        if (Status s = w.value()->commit(); !s.ok()) return fail(s.message());
        result["applied"] = applied;
        std::cout << mnemo::toJson(result, 2) << "\n";
        return 0;
    }
    if (verb == "index") {
        int lists = std::atoi(args.valueOr("lists", "0").c_str());
        if (const auto unused = args.unusedOptions(); !unused.empty()) return fail("unknown option " + unused.front(), 2);
        auto w = NativeStoreWriter::openForAppend(file);
        if (!w.ok()) return fail(w.message());
        if (Status s = w.value()->begin(); !s.ok()) return fail(s.message());
        if (Status s = w.value()->buildVectorIndex(lists); !s.ok()) return fail(s.message());
        if (Status s = w.value()->commit(); !s.ok()) return fail(s.message());
        std::cout << mnemo::toJson(result, 2) << "\n";
        return 0;
    }
    nlohmann::json op = {{"op", verb}};
    for (const char *key : {"text", "user", "agent", "app", "thread", "tier", "scope", "parent", "id", "time", "actor",
                            "kind", "label", "subject", "object-kind", "object", "effect", "until", "principal", "query"}) {
        if (auto v = args.value(key)) {
            std::string k = key;
            if (k == "object-kind") k = "object_kind";
            op[k] = *v;
        }
    }
    if (auto m = args.value("meta")) {
        auto meta = mnemo::parseJsonText(mnemo::validUtf8(std::string_view(*m)));
        if (meta.is_discarded() || !meta.is_object()) return fail("--meta must be a JSON object", 2);
        op["meta"] = meta;
    }
    if (auto s = args.value("score")) op["score"] = std::atof(s->c_str());
    if (verb == "update" || verb == "delete" || verb == "access") {
        if (pos.size() != 4) return fail("usage: mnemo-cli memstore " + verb + " FILE ID ...", 2);
        op["id"] = pos[3];
    }
    if (verb == "relate") {
        if (pos.size() != 5) return fail("usage: mnemo-cli memstore relate FILE SRC DST [--kind K] [--label L]", 2);
        op["src"] = pos[3];
        op["dst"] = pos[4];
    }
    if (const auto unused = args.unusedOptions(); !unused.empty()) return fail("unknown option " + unused.front(), 2);
    auto w = NativeStoreWriter::openForAppend(file);
    if (!w.ok()) return fail(w.message());
    if (Status s = applyOp(*w.value(), op, result); !s.ok()) return fail(s.message());
    std::cout << mnemo::toJson(result, 2) << "\n";
    return 0;
}

} // namespace mnemo::cli
