// mnemo-cli memstore: create and append to a Mnemo agent-memory store (docs/agent-memory-store.md), so that an
// agent (or a shell script) can write one and the Inspect workspace can show it live.
#include "AgentMemoryJson.hpp"
#include "mnemo/core/Utf8.hpp"
#include "mnemo/core/JsonText.hpp"
#include "Commands.hpp"

#include "mnemo/agentmem/NativeStore.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>

namespace mnemo::cli {

using namespace agentmem;

namespace {

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

Status applyAdd(NativeStoreWriter &w, const nlohmann::json &op, int64_t time, nlohmann::json &result) {
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
    it.createdUs = time;
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

Status applyPolicy(NativeStoreWriter &w, const nlohmann::json &op, int64_t time) {
    auto to = timeOf(op, "until");
    if (!to.ok()) return to.status();
    Policy p{0, str(op, "subject"), str(op, "object_kind"), str(op, "object"),
             op.contains("effect") ? str(op, "effect") : "allow", time,
             to.value() ? std::optional<int64_t>(to.value()) : std::nullopt};
    if (p.subjectId.empty() || p.objectKind.empty() || p.objectId.empty()) {
        return {StatusCode::InvalidArgument, "policy needs subject, object_kind and object"};
    }
    return w.putPolicy(p);
}

Status applyAccess(NativeStoreWriter &w, const nlohmann::json &op, int64_t time) {
    AccessRecord a;
    a.itemId = str(op, "id");
    a.principalId = str(op, "principal");
    a.query = str(op, "query");
    a.kind = op.contains("kind") ? str(op, "kind") : "search";
    // value() would throw on a script's "score": "high"; a wrong type reads as absent.
    a.score = op.contains("score") && op["score"].is_number() ? op["score"].get<double>() : 0.0;
    a.rank = op.contains("rank") && op["rank"].is_number_integer() ? op["rank"].get<int>() : -1;
    a.timeUs = time ? time : nowUs();
    if (Status s = w.putAccess(a); !s.ok()) return s;
    return w.putEvent({0, a.itemId, "access", a.timeUs, a.principalId, {}, {},
                       nlohmann::json{{"query", a.query}, {"score", a.score}, {"rank", a.rank}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

// One operation, from a script line or from command-line options gathered into the same JSON shape.
Status applyOp(NativeStoreWriter &w, const nlohmann::json &op, nlohmann::json &result) {
    const std::string kind = str(op, "op");
    auto t = timeOf(op, "time");
    if (!t.ok()) return t.status();
    if (kind == "add") return applyAdd(w, op, t.value(), result);
    if (kind == "update") return w.update(str(op, "id"), str(op, "text"), str(op, "actor"), t.value());
    if (kind == "delete") return w.remove(str(op, "id"), str(op, "actor"), t.value());
    if (kind == "relate") {
        if (str(op, "src").empty() || str(op, "dst").empty()) return {StatusCode::InvalidArgument, "relate needs src and dst"};
        return w.putRelation({str(op, "src"), str(op, "dst"), op.contains("kind") ? str(op, "kind") : "relates",
                              str(op, "label"), t.value() ? t.value() : nowUs(), std::nullopt});
    }
    if (kind == "principal") return w.putPrincipal({str(op, "id"), str(op, "kind"), str(op, "name")});
    if (kind == "policy") return applyPolicy(w, op, t.value());
    if (kind == "access") return applyAccess(w, op, t.value());
    return {StatusCode::InvalidArgument, "unknown op '" + kind + "' (add, update, delete, relate, principal, policy, access)"};
}

// ---- The command ------------------------------------------------------------------------------------------------

struct MemstoreOptions {
    std::string verb, file;
    std::string script;                     // script
    std::string embedder = "mnemo-hash-384"; // create
    int lists = 0;                           // index
    nlohmann::json op = nlohmann::json::object(); // the other verbs: the operation's fields, as a script line has them
};

Result<nlohmann::json> runCreate(const MemstoreOptions &o) {
    NativeStoreWriter::Options options;
    if (o.embedder != "none") options.embedder = o.embedder;
    auto w = NativeStoreWriter::create(o.file, options);
    if (!w.ok()) return w.status();
    return nlohmann::json{{"store", o.file}, {"op", o.verb}, {"embedder", o.embedder}};
}

// Applies a script's operations in one transaction; creates the store (mnemo-hash-384) when it is not there.
Result<nlohmann::json> runScript(const MemstoreOptions &o) {
    std::ifstream in(o.script);
    if (!in) return Status(StatusCode::NotFound, "cannot read '" + o.script + "'");
    std::error_code ec;
    Result<std::unique_ptr<NativeStoreWriter>> w = std::filesystem::exists(o.file, ec)
                                                       ? NativeStoreWriter::openForAppend(o.file)
                                                       : NativeStoreWriter::create(o.file, {384, "mnemo-hash-384"});
    if (!w.ok()) return w.status();
    if (Status s = w.value()->begin(); !s.ok()) return s;
    std::string line;
    int lineNo = 0, applied = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
        const std::string where = o.script + " line " + std::to_string(lineNo) + ": ";
        auto op = mnemo::parseJsonText(mnemo::validUtf8(std::string_view(line)));
        if (op.is_discarded() || !op.is_object()) {
            return Status(StatusCode::InvalidArgument, where + "not a JSON object");
        }
        nlohmann::json r;
        if (Status s = applyOp(*w.value(), op, r); !s.ok()) return Status(s.code(), where + s.message());
        ++applied;
    }
    if (Status s = w.value()->commit(); !s.ok()) return s;
    return nlohmann::json{{"store", o.file}, {"op", o.verb}, {"applied", applied}};
}

Result<nlohmann::json> runIndex(const MemstoreOptions &o) {
    auto w = NativeStoreWriter::openForAppend(o.file);
    if (!w.ok()) return w.status();
    if (Status s = w.value()->begin(); !s.ok()) return s;
    if (Status s = w.value()->buildVectorIndex(o.lists); !s.ok()) return s;
    if (Status s = w.value()->commit(); !s.ok()) return s;
    return nlohmann::json{{"store", o.file}, {"op", o.verb}};
}

Result<nlohmann::json> runOp(const MemstoreOptions &o) {
    nlohmann::json result = {{"store", o.file}, {"op", o.verb}};
    nlohmann::json op = o.op;
    op["op"] = o.verb;
    auto w = NativeStoreWriter::openForAppend(o.file);
    if (!w.ok()) return w.status();
    if (Status s = applyOp(*w.value(), op, result); !s.ok()) return s;
    return result;
}

// ---- Parsing: one subcommand per verb ---------------------------------------------------------------------------

struct Field {
    const char *name;        // the option (--object-kind) or, in capitals, the argument after FILE (ID)
    const char *description;
    bool required = false;
};

struct OpVerb {
    const char *name;
    const char *description;
    std::vector<Field> fields;
};

const char *const kTime = "when (ISO-8601 or epoch; default: now)";

const std::vector<OpVerb> &opVerbs() {
    static const std::vector<OpVerb> verbs = {
        {"add", "add an item",
         {{"text", "the memory", true}, {"user", "the user it belongs to"}, {"agent", "the agent that keeps it"},
          {"app", "the app"}, {"thread", "the thread"}, {"tier", "tier: STM, MTM, LTM or any label"},
          {"scope", "private (default) or shared"}, {"parent", "the parent item's id"},
          {"id", "the item's id (default: a new one)"}, {"kind", "the item's kind (default: memory)"},
          {"meta", "metadata: a JSON object"}, {"actor", "who adds it"}, {"time", kTime}}},
        {"update", "change an item's text",
         {{"ID", "the item", true}, {"text", "the new text"}, {"actor", "who changes it"}, {"time", kTime}}},
        {"delete", "delete an item", {{"ID", "the item", true}, {"actor", "who deletes it"}, {"time", kTime}}},
        {"relate", "relate two items",
         {{"SRC", "the item the relation starts from", true}, {"DST", "the item it points to", true},
          {"kind", "the relation's kind (default: relates)"}, {"label", "a label"}, {"time", kTime}}},
        {"principal", "declare a principal (user, agent, app, resource, thread)",
         {{"id", "the principal's id"}, {"kind", "user, agent, app, resource or thread"}, {"name", "a display name"},
          {"time", kTime}}},
        {"policy", "allow or deny a principal's reading",
         {{"subject", "the principal, or *", true},
          {"object-kind", "item, user, agent, app, tier, scope, kind or thread", true},
          {"object", "an id or *", true}, {"effect", "allow (default) or deny"}, {"time", "valid from (default: now)"},
          {"until", "valid until (default: for ever)"}}},
        {"access", "log a retrieval of an item",
         {{"ID", "the item retrieved", true}, {"principal", "who asked"}, {"query", "what was asked"},
          {"score", "the item's score"}, {"kind", "the access's kind (default: search)"}, {"time", kTime}}},
    };
    return verbs;
}

std::string checkJsonObject(const std::string &text) {
    const auto meta = mnemo::parseJsonText(mnemo::validUtf8(std::string_view(text)));
    return !meta.is_discarded() && meta.is_object() ? "" : "must be a JSON object";
}

// One field of an operation: an option (--name) or, in capitals, an argument; its value goes into the op's JSON
// under its name in lower case, '-' as '_' (--object-kind -> object_kind, ID -> id).
void addField(CLI::App &verb, nlohmann::json &op, const Field &field) {
    const std::string name = field.name;
    const bool argument = std::isupper(static_cast<unsigned char>(name[0]));
    std::string key = name;
    for (char &c : key) c = c == '-' ? '_' : char(std::tolower(static_cast<unsigned char>(c)));
    CLI::Option *option = nullptr;
    if (key == "score") {
        option = verb.add_option_function<double>("--score", [&op](double v) { op["score"] = v; }, field.description);
    } else if (key == "meta") {
        const auto setMeta = [&op](const std::string &m) {
            op["meta"] = mnemo::parseJsonText(mnemo::validUtf8(std::string_view(m)));
        };
        option = verb.add_option_function<std::string>("--meta", setMeta, field.description);
        option->check(checkedBy(checkJsonObject))->type_name("JSON");
    } else {
        option = verb.add_option_function<std::string>(
            argument ? name : "--" + name, [&op, key](const std::string &v) { op[key] = v; }, field.description);
    }
    if (field.required) option->required();
}

// A verb's subcommand: the store FILE, then whatever the caller adds; when chosen, run(o) and print its JSON.
CLI::App *addVerb(CLI::App &memstore, CommandLine &line, const OpVerb &verb,
                  Result<nlohmann::json> (*run)(const MemstoreOptions &), const std::shared_ptr<MemstoreOptions> &o) {
    o->verb = verb.name;
    CLI::App *command = memstore.add_subcommand(verb.name, verb.description);
    command->add_option("FILE", o->file, "the store (.mnemem)")->required();
    for (const Field &field : verb.fields) addField(*command, o->op, field);
    onParsed(*command, line, [o, run] {
        return finish("memstore", run(*o), [](const nlohmann::json &out) { printJson(out); });
    });
    return command;
}

} // namespace

// mnemo-cli memstore create FILE [--embedder mnemo-hash-384|none]
//                    add FILE --text T [--user U] [--agent A] [--app X] [--thread T] [--tier T] [--scope S]
//                                      [--parent ID] [--id ID] [--kind K] [--time T] [--meta JSON] [--actor A]
//                    update FILE ID [--text T] [--actor A]     delete FILE ID [--actor A]
//                    relate FILE SRC DST [--kind K] [--label L]
//                    principal FILE --id ID [--kind K] [--name N]
//                    policy FILE --subject S --object-kind K --object O [--effect allow|deny] [--time T] [--until T]
//                    access FILE ID [--principal P] [--query Q] [--score S] [--kind K]
//                    script FILE SCRIPT.jsonl                 (creates FILE if needed; one op per line)
//                    index FILE [--lists N]
void addMemstoreCommand(CLI::App &root, CommandLine &line) {
    CLI::App *memstore = root.add_subcommand(
        "memstore", "write a Mnemo agent-memory store (docs/agent-memory-store.md)");
    memstore->require_subcommand(1);
    const auto create = std::make_shared<MemstoreOptions>();
    addVerb(*memstore, line, {"create", "create a store", {}}, runCreate, create)
        ->add_option("--embedder", create->embedder, "how item texts are embedded: mnemo-hash-<dim> or none")
        ->check(checkedBy([](const std::string &e) {
            const bool known = e == "none" || e.rfind("mnemo-hash-", 0) == 0;
            return known ? "" : "must be mnemo-hash-<dim> or none, not '" + e + "'";
        }));
    for (const OpVerb &verb : opVerbs()) addVerb(*memstore, line, verb, runOp, std::make_shared<MemstoreOptions>());
    const auto script = std::make_shared<MemstoreOptions>();
    addVerb(*memstore, line, {"script", "apply a script of operations, one JSON object per line", {}}, runScript,
            script)
        ->add_option("SCRIPT", script->script, "the script (.jsonl); FILE is created if needed")
        ->required();
    const auto index = std::make_shared<MemstoreOptions>();
    addVerb(*memstore, line, {"index", "build the vector index", {}}, runIndex, index)
        ->add_option("--lists", index->lists, "IVF lists (0: about one per 2,000 items)")
        ->type_name("N");
}

} // namespace mnemo::cli
