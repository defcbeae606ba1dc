// mnemo-cli inspect PATH: what an agent-memory store holds (JSON), read-only; --export writes the common model.
#include "AgentMemoryJson.hpp"
#include "mnemo/core/JsonText.hpp"
#include "Commands.hpp"

#include <fstream>
#include <iostream>

namespace mnemo::cli {

using namespace agentmem;

// mnemo-cli inspect PATH [--kind K] [--as-of TIME] [--visible-to P] [--search TEXT] [--query TEXT | --like ID]
//                        [--k 10] [--export FILE.jsonl] [--with-embeddings]
int commandInspect(const CliArgs &args) {
    if (args.positional().size() != 2) {
        return failWith("inspect", "which store? (mnemo-cli inspect PATH [--export items.jsonl])", 2);
    }
    const std::string path = args.positional()[1];
    AgentStore::OpenOptions options;
    if (auto k = args.value("kind")) {
        options.kind = storeKindFromName(*k);
        if (options.kind == StoreKind::Unknown) {
            return failWith("inspect", "unknown --kind '" + *k + "' (mnemo, mem0, chroma, langgraph, letta, mcp-memory)", 2);
        }
    }
    ItemFilter filter;
    if (auto t = args.value("as-of")) {
        filter.asOfUs = parseTimeArg(*t);
        if (!filter.asOfUs) return failWith("inspect", "cannot read --as-of '" + *t + "' (ISO-8601 or epoch)", 2);
    }
    filter.visibleTo = args.valueOr("visible-to", "");
    const std::string search = args.valueOr("search", "");
    const std::string query = args.valueOr("query", "");
    const std::string like = args.valueOr("like", "");
    const int k = std::atoi(args.valueOr("k", "10").c_str());
    const auto exportPath = args.value("export");
    if (const auto unused = args.unusedOptions(); !unused.empty()) {
        return failWith("inspect", "unknown option " + unused.front(), 2);
    }

    auto store = AgentStore::open(path, options);
    if (!store.ok()) return failWith("inspect", store.message());
    auto summary = store.value()->summary();
    if (!summary.ok()) return failWith("inspect", summary.message());
    nlohmann::json out = summaryJson(summary.value());
    out["nearest_method"] = summary->embeddings > 0 ? store.value()->nearestMethod() : "none (no embeddings)";
    out["text_query"] = store.value()->embedderDescription();
    if (filter.asOfUs || !filter.visibleTo.empty()) {
        auto n = store.value()->countItems(filter);
        if (!n.ok()) return failWith("inspect", n.message());
        out["view"] = {{"as_of", filter.asOfUs ? nlohmann::json(isoTime(*filter.asOfUs)) : nlohmann::json()},
                       {"visible_to", filter.visibleTo.empty() ? nlohmann::json() : nlohmann::json(filter.visibleTo)},
                       {"items", n.value()}};
    }
    if (!search.empty()) {
        ItemFilter f = filter;
        f.text = search;
        auto n = store.value()->countItems(f);
        auto page = store.value()->items(f, 0, 10);
        if (!n.ok() || !page.ok()) return failWith("inspect", n.ok() ? page.message() : n.message());
        nlohmann::json hits = nlohmann::json::array();
        for (const auto &it : page.value()) hits.push_back({{"id", it.id}, {"text", it.text}});
        out["search"] = {{"text", search}, {"matches", n.value()}, {"first", hits}};
    }
    if (!query.empty() || !like.empty()) {
        std::vector<float> q;
        if (!like.empty()) {
            auto it = store.value()->item(like);
            if (!it.ok()) return failWith("inspect", it.message());
            if (it->embedding.empty()) return failWith("inspect", "item '" + like + "' has no embedding");
            q = it->embedding;
        } else {
            auto v = store.value()->embedText(query);
            if (!v.ok()) return failWith("inspect", v.message());
            q = std::move(v.value());
        }
        auto found = store.value()->nearest(q, k, like);
        if (!found.ok()) return failWith("inspect", found.message());
        nlohmann::json hits = nlohmann::json::array();
        auto rows = store.value()->itemsByRowid([&] {
            std::vector<int64_t> r;
            for (const auto &n : found.value()) r.push_back(n.rowid);
            return r;
        }());
        for (size_t i = 0; i < found->size(); ++i) {
            const auto &n = found.value()[i];
            nlohmann::json h = {{"rank", i + 1}, {"id", n.id}, {"score", n.score}};
            if (rows.ok() && i < rows->size()) h["text"] = rows.value()[i].text;
            hits.push_back(h);
        }
        out["nearest"] = {{"query", like.empty() ? query : "item:" + like}, {"method", store.value()->nearestMethod()},
                          {"results", hits}};
    }
    if (exportPath) {
        std::ofstream file(*exportPath);
        if (!file) return failWith("inspect", "cannot write '" + *exportPath + "'");
        int64_t exported = 0;
        const bool withEmbeddings = args.flag("with-embeddings");
        ItemFilter all = filter;
        if (!filter.asOfUs) all.includeDeleted = true;
        for (int64_t offset = 0;; offset += 1000) {
            auto page = store.value()->items(all, offset, 1000, withEmbeddings);
            if (!page.ok()) return failWith("inspect", page.message());
            for (const auto &it : page.value()) {
                nlohmann::json j = itemJson(it, withEmbeddings);
                auto hist = store.value()->history(it.id);
                if (hist.ok()) {
                    j["history"] = nlohmann::json::array();
                    for (const auto &e : hist.value()) j["history"].push_back(eventJson(e));
                }
                auto prov = store.value()->provenance(it.id);
                if (prov.ok() && !prov->empty()) {
                    j["provenance"] = nlohmann::json::array();
                    for (const auto &p : prov.value()) {
                        j["provenance"].push_back({{"principal", p.principalId}, {"role", p.role}, {"time", isoTime(p.timeUs)}});
                    }
                }
                file << mnemo::toJson(j) << "\n";
                ++exported;
            }
            if (page->size() < 1000) break;
        }
        auto rels = store.value()->relations(10000000);
        if (rels.ok()) {
            for (const auto &r : rels.value()) {
                file << nlohmann::json{{"type", "relation"}, {"src", r.src}, {"dst", r.dst}, {"kind", r.kind},
                                       {"label", r.label}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
            }
        }
        auto pol = store.value()->policies();
        if (pol.ok()) {
            for (const auto &p : pol.value()) {
                file << nlohmann::json{{"type", "policy"}, {"subject", p.subjectId}, {"object_kind", p.objectKind},
                                       {"object", p.objectId}, {"effect", p.effect}, {"from", isoTime(p.validFromUs)},
                                       {"to", p.validToUs ? nlohmann::json(isoTime(*p.validToUs)) : nlohmann::json()}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                     << "\n";
            }
        }
        auto acc = store.value()->accesses({}, 10000000);
        if (acc.ok()) {
            for (const auto &a : acc.value()) {
                file << nlohmann::json{{"type", "access"}, {"item_id", a.itemId}, {"principal", a.principalId},
                                       {"query", a.query}, {"score", a.score}, {"kind", a.kind}, {"time", isoTime(a.timeUs)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                     << "\n";
            }
        }
        if (!file) return failWith("inspect", "writing '" + *exportPath + "' failed (disk full?)");
        out["exported"] = {{"file", *exportPath}, {"items", exported}};
    }
    std::cout << mnemo::toJson(out, 2) << "\n";
    return 0;
}

} // namespace mnemo::cli
