// mnemo-cli inspect PATH: what an agent-memory store holds (JSON), read-only; --export writes the common model.
#include "AgentMemoryJson.hpp"
#include "mnemo/core/JsonText.hpp"
#include "Commands.hpp"
#include "InspectFollow.hpp"

#include <cstdio>

#include <fstream>
#include <memory>

namespace mnemo::cli {

using namespace agentmem;

namespace {

struct InspectOptions {
    std::string path;
    std::string kind; // empty: detected from the files
    std::string asOf;
    std::string visibleTo, search, query, like;
    int k = 10;
    std::optional<std::string> exportPath;
    bool withEmbeddings = false;
    bool follow = false;
    double followFor = 0; // seconds; 0: until interrupted
};

CLI::App *defineInspect(CLI::App &root, InspectOptions &o) {
    CLI::App *inspect = root.add_subcommand(
        "inspect", "an agent-memory store (Mem0, Chroma, LangGraph, Letta, MCP memory, Mnemo), read-only (JSON)");
    inspect->add_option("PATH", o.path, "the store: a file or folder (docs/agent-memory-store.md)")->required();
    inspect->add_option("--kind", o.kind,
        "read it as: mnemo, mem0, chroma, langgraph, letta, mcp-memory (default: detect)")
        ->check(checkedBy([](const std::string &k) {
            return storeKindFromName(k) != StoreKind::Unknown
                       ? std::string()
                       : "unknown kind '" + k + "' (mnemo, mem0, chroma, langgraph, letta, mcp-memory)";
        }))
        ->type_name("K");
    inspect->add_option("--as-of", o.asOf, "the store as it was then")
        ->check(checkedBy([](const std::string &t) {
            return parseTimeArg(t) ? std::string() : "cannot read '" + t + "' (ISO-8601 or epoch)";
        }))
        ->type_name("TIME");
    inspect->add_option("--visible-to", o.visibleTo, "only what this principal may read")->type_name("P");
    inspect->add_option("--search", o.search, "full-text search: the match count and the first 10")->type_name("TEXT");
    auto *query = inspect->add_option("--query", o.query, "the nearest items to this text")->type_name("TEXT");
    inspect->add_option("--like", o.like, "the nearest items to this item")->type_name("ID")->excludes(query);
    inspect->add_option("--k", o.k, "how many nearest items")->check(positive())->type_name("N");
    inspect->add_option("--export", o.exportPath, "write the common model here, one JSON object per line")
        ->type_name("FILE");
    inspect->add_flag("--with-embeddings", o.withEmbeddings, "--export the items' embeddings too");
    inspect->add_flag("--follow", o.follow,
                      "after the JSON (on one line), a line per new event as agents write, until Ctrl+C");
    inspect->add_option("--follow-for", o.followFor, "with --follow: stop after this many seconds")
        ->check(CLI::PositiveNumber)
        ->type_name("SECONDS");
    return inspect;
}

ItemFilter filterFrom(const InspectOptions &o) {
    ItemFilter filter;
    if (!o.asOf.empty()) filter.asOfUs = parseTimeArg(o.asOf);
    filter.visibleTo = o.visibleTo;
    return filter;
}

// How many items a point in time and a reader see.
Status addView(const AgentStore &store, const ItemFilter &filter, nlohmann::json &out) {
    auto n = store.countItems(filter);
    if (!n.ok()) return n.status();
    out["view"] = {{"as_of", filter.asOfUs ? nlohmann::json(isoTime(*filter.asOfUs)) : nlohmann::json()},
                   {"visible_to", filter.visibleTo.empty() ? nlohmann::json() : nlohmann::json(filter.visibleTo)},
                   {"items", n.value()}};
    return {};
}

Status addSearch(const AgentStore &store, ItemFilter filter, const std::string &search, nlohmann::json &out) {
    filter.text = search;
    auto n = store.countItems(filter);
    auto page = store.items(filter, 0, 10);
    if (!n.ok() || !page.ok()) return n.ok() ? page.status() : n.status();
    nlohmann::json hits = nlohmann::json::array();
    for (const auto &it : page.value()) hits.push_back({{"id", it.id}, {"text", it.text}});
    out["search"] = {{"text", search}, {"matches", n.value()}, {"first", hits}};
    return {};
}

// The query's vector: the item's own embedding (--like), or the text embedded as the store embeds (--query).
Result<std::vector<float>> queryVector(const AgentStore &store, const InspectOptions &o) {
    if (o.like.empty()) return store.embedText(o.query);
    auto it = store.item(o.like);
    if (!it.ok()) return it.status();
    if (it->embedding.empty()) return Status(StatusCode::InvalidArgument, "item '" + o.like + "' has no embedding");
    return it->embedding;
}

Status addNearest(const AgentStore &store, const InspectOptions &o, nlohmann::json &out) {
    auto q = queryVector(store, o);
    if (!q.ok()) return q.status();
    auto found = store.nearest(q.value(), o.k, o.like);
    if (!found.ok()) return found.status();
    std::vector<int64_t> rowids;
    for (const auto &n : found.value()) rowids.push_back(n.rowid);
    auto rows = store.itemsByRowid(rowids);
    nlohmann::json hits = nlohmann::json::array();
    for (size_t i = 0; i < found->size(); ++i) {
        const auto &n = found.value()[i];
        nlohmann::json h = {{"rank", i + 1}, {"id", n.id}, {"score", n.score}};
        if (rows.ok() && i < rows->size()) h["text"] = rows.value()[i].text;
        hits.push_back(h);
    }
    out["nearest"] = {{"query", o.like.empty() ? o.query : "item:" + o.like}, {"method", store.nearestMethod()},
                      {"results", hits}};
    return {};
}

// Every item (deleted ones too, unless the view is a point in time) with its history and provenance.
Result<int64_t> writeItems(const AgentStore &store, const ItemFilter &filter, bool withEmbeddings, std::ostream &file) {
    int64_t exported = 0;
    ItemFilter all = filter;
    if (!filter.asOfUs) all.includeDeleted = true;
    for (int64_t offset = 0;; offset += 1000) {
        auto page = store.items(all, offset, 1000, withEmbeddings);
        if (!page.ok()) return page.status();
        for (const auto &it : page.value()) {
            nlohmann::json j = itemJson(it, withEmbeddings);
            auto hist = store.history(it.id);
            if (hist.ok()) {
                j["history"] = nlohmann::json::array();
                for (const auto &e : hist.value()) j["history"].push_back(eventJson(e));
            }
            auto prov = store.provenance(it.id);
            if (prov.ok() && !prov->empty()) {
                j["provenance"] = nlohmann::json::array();
                for (const auto &p : prov.value()) {
                    j["provenance"].push_back(
                        {{"principal", p.principalId}, {"role", p.role}, {"time", isoTime(p.timeUs)}});
                }
            }
            file << mnemo::toJson(j) << "\n";
            ++exported;
        }
        if (page->size() < 1000) return exported;
    }
}

// Relations, policies and accesses, one line each.
void writeLinks(const AgentStore &store, std::ostream &file) {
    if (auto rels = store.relations(10000000); rels.ok()) {
        for (const auto &r : rels.value()) {
            file << mnemo::toJson(nlohmann::json{{"type", "relation"}, {"src", r.src}, {"dst", r.dst},
                                                 {"kind", r.kind}, {"label", r.label}})
                 << "\n";
        }
    }
    if (auto pol = store.policies(); pol.ok()) {
        for (const auto &p : pol.value()) {
            file << mnemo::toJson(nlohmann::json{
                        {"type", "policy"}, {"subject", p.subjectId}, {"object_kind", p.objectKind},
                        {"object", p.objectId}, {"effect", p.effect}, {"from", isoTime(p.validFromUs)},
                        {"to", p.validToUs ? nlohmann::json(isoTime(*p.validToUs)) : nlohmann::json()}})
                 << "\n";
        }
    }
    if (auto acc = store.accesses({}, 10000000); acc.ok()) {
        for (const auto &a : acc.value()) {
            file << mnemo::toJson(nlohmann::json{{"type", "access"}, {"item_id", a.itemId},
                                                 {"principal", a.principalId}, {"query", a.query}, {"score", a.score},
                                                 {"kind", a.kind}, {"time", isoTime(a.timeUs)}})
                 << "\n";
        }
    }
}

Status exportStore(const AgentStore &store, const InspectOptions &o, const ItemFilter &filter, nlohmann::json &out) {
    const std::string &path = *o.exportPath;
    std::ofstream file(path);
    if (!file) return Status(StatusCode::NotFound, "cannot write '" + path + "'");
    auto exported = writeItems(store, filter, o.withEmbeddings, file);
    if (!exported.ok()) return exported.status();
    writeLinks(store, file);
    if (!file) return Status(StatusCode::Internal, "writing '" + path + "' failed (disk full?)");
    out["exported"] = {{"file", path}, {"items", exported.value()}};
    return {};
}

// Everything asked for, from one snapshot of a database read in place; `lastSeq` the newest event in it.
Result<nlohmann::json> describe(const AgentStore &s, const InspectOptions &o, int64_t &lastSeq) {
    const SnapshotScope snapshot(s);
    if (!snapshot.status().ok()) return snapshot.status();
    lastSeq = s.lastEventSeq();
    auto summary = s.summary();
    if (!summary.ok()) return summary.status();
    nlohmann::json out = summaryJson(summary.value());
    out["nearest_method"] = summary->embeddings > 0 ? s.nearestMethod() : "none (no embeddings)";
    out["text_query"] = s.embedderDescription();
    const ItemFilter filter = filterFrom(o);
    if (filter.asOfUs || !filter.visibleTo.empty()) {
        if (Status st = addView(s, filter, out); !st.ok()) return st;
    }
    if (!o.search.empty()) {
        if (Status st = addSearch(s, filter, o.search, out); !st.ok()) return st;
    }
    if (!o.query.empty() || !o.like.empty()) {
        if (Status st = addNearest(s, o, out); !st.ok()) return st;
    }
    if (o.exportPath) {
        if (Status st = exportStore(s, o, filter, out); !st.ok()) return st;
    }
    return out;
}

// With --follow the JSON is printed here, on one line, and the new events after it (InspectFollow.hpp).
Result<nlohmann::json> runInspect(const InspectOptions &o) {
    AgentStore::OpenOptions options;
    if (!o.kind.empty()) options.kind = storeKindFromName(o.kind);
    auto store = AgentStore::open(o.path, options);
    if (!store.ok()) return store.status();
    int64_t lastSeq = 0;
    auto out = describe(*store.value(), o, lastSeq);
    if (!out.ok() || !o.follow) return out;
    printJson(out.value(), -1);
    std::fflush(stdout);
    if (Status s = followEvents(*store.value(), lastSeq, o.followFor); !s.ok()) return s;
    return out;
}

} // namespace

// mnemo-cli inspect PATH [--kind K] [--as-of TIME] [--visible-to P] [--search TEXT] [--query TEXT | --like ID]
//                        [--k 10] [--export FILE.jsonl] [--with-embeddings] [--follow [--follow-for SECONDS]]
void addInspectCommand(CLI::App &root, CommandLine &line) {
    auto o = std::make_shared<InspectOptions>();
    onParsed(*defineInspect(root, *o), line,
             [o] {
                 return finish("inspect", runInspect(*o), [o](const nlohmann::json &out) {
                     if (!o->follow) printJson(out); // --follow printed it before the events
                 });
             });
}

} // namespace mnemo::cli
