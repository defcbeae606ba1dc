// mnemo-cli bench inspect: a native agent-memory store of a million items (384-dim embeddings from the local
// hashing embedder, text from varied templates), then the Inspect workspace's three hot paths: open and show the
// first page, full-text search, and 10-NN search. Prints JSON; targets: open < 1 s, text p95 < 50 ms, 10-NN p95
// < 10 ms.
#include "AgentMemoryJson.hpp"
#include "BenchInspectPostgres.hpp"
#include "Commands.hpp"

#include "mnemo/agentmem/AgentStore.hpp"
#include "mnemo/agentmem/HashingEmbedder.hpp"
#include "mnemo/agentmem/NativeStore.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>

namespace mnemo::cli {

using namespace agentmem;
namespace fs = std::filesystem;

namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

// Agent memories as people write them: preferences, facts, plans, tool results, for many users and topics.
class MemoryTextGenerator {
public:
    explicit MemoryTextGenerator(uint64_t seed) : m_rng(seed) {}
    std::string next(const std::string &user) {
        static const char *templates[] = {
            "%u prefers %a %t when travelling to %c",
            "%u is allergic to %f and avoids it at restaurants in %c",
            "%u has a meeting about the %p project on %d at %h",
            "%u asked the agent to remember that the %p budget is %n euros",
            "%u likes %a music and listens to it while working on %p",
            "Booked a %a hotel in %c for %u from %d for %n nights",
            "%u's manager for the %p project is %m; weekly sync on %d",
            "The %p deployment failed on %d because the %t service timed out",
            "%u wants reminders %n days before every %p deadline",
            "%u moved from %c to %c and now works remotely on %d",
            "Summary of the call with %m: agreed to ship %p by %d",
            "%u reads %a books about %t in the evening",
        };
        static const char *adj[] = {"quiet", "vegetarian", "window", "aisle", "jazz", "classical", "budget", "luxury",
                                    "early", "late", "spicy", "italian", "japanese", "historical", "science"};
        static const char *things[] = {"seats", "trains", "flights", "coffee", "search", "billing", "login", "storage",
                                       "payments", "fiction", "history", "robotics", "gardening", "cycling"};
        static const char *cities[] = {"Lisbon", "Porto", "Berlin", "Paris", "Tokyo", "Osaka", "Madrid", "Rome", "Oslo",
                                       "Vienna", "Prague", "Seoul", "Boston", "Denver", "Lima", "Cairo", "Dublin"};
        static const char *foods[] = {"peanuts", "shellfish", "gluten", "dairy", "sesame", "soy", "eggs", "kiwi"};
        static const char *projects[] = {"Atlas", "Orion", "Nimbus", "Helix", "Quartz", "Zephyr", "Aurora", "Delta",
                                         "Ember", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen"};
        static const char *days[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
        static const char *names[] = {"Ana", "Bruno", "Chen", "Dara", "Emil", "Fatima", "Goran", "Hana", "Ivo", "Jun"};
        std::string t = templates[pick(std::size(templates))];
        std::string out;
        for (size_t i = 0; i < t.size(); ++i) {
            if (t[i] != '%' || i + 1 >= t.size()) {
                out.push_back(t[i]);
                continue;
            }
            char c = t[++i];
            switch (c) {
            case 'u': out += user; break;
            case 'a': out += adj[pick(std::size(adj))]; break;
            case 't': out += things[pick(std::size(things))]; break;
            case 'c': out += cities[pick(std::size(cities))]; break;
            case 'f': out += foods[pick(std::size(foods))]; break;
            case 'p': out += projects[pick(std::size(projects))]; break;
            case 'd': out += days[pick(std::size(days))]; break;
            case 'h': out += std::to_string(8 + pick(10)) + ":00"; break;
            case 'n': out += std::to_string(1 + pick(30)); break;
            case 'm': out += names[pick(std::size(names))]; break;
            default: out.push_back(c);
            }
        }
        return out;
    }

private:
    size_t pick(size_t n) { return size_t(m_rng() % n); }
    std::mt19937_64 m_rng;
};

Status generate(const std::string &path, int64_t count, int dim) {
    NativeStoreWriter::Options o;
    o.embedder = "mnemo-hash-" + std::to_string(dim);
    auto w = NativeStoreWriter::create(path, o);
    if (!w.ok()) return w.status();
    MemoryTextGenerator gen(42);
    std::mt19937_64 rng(7);
    const int64_t start = int64_t(1767225600) * 1000000; // 2026-01-01
    const char *tiers[] = {"STM", "MTM", "LTM"};
    for (int64_t i = 0; i < count; ++i) {
        if (i % 20000 == 0) {
            if (i > 0) if (Status s = w.value()->commit(); !s.ok()) return s;
            if (Status s = w.value()->begin(); !s.ok()) return s;
            std::fprintf(stderr, "\rgenerating %lld / %lld", (long long)i, (long long)count);
        }
        MemoryItem it;
        std::string user = "user-" + std::to_string(rng() % 2000);
        it.userId = user;
        it.agentId = "agent-" + std::to_string(rng() % 50);
        it.tier = tiers[rng() % 3];
        it.scope = rng() % 5 == 0 ? "shared" : "private";
        it.text = gen.next(user);
        it.createdUs = start + i * 20000000; // one memory every 20 s
        auto id = w.value()->add(it);
        if (!id.ok()) return id.status();
    }
    if (Status s = w.value()->commit(); !s.ok()) return s;
    std::fprintf(stderr, "\rbuilding the vector index...              \n");
    if (Status s = w.value()->begin(); !s.ok()) return s;
    if (Status s = w.value()->buildVectorIndex(0); !s.ok()) return s;
    return w.value()->commit();
}

struct InspectBenchOptions {
    int64_t items = 1000000;
    int dim = 384;
    long queries = 50;
    std::string store; // default: a store of `items` items in the temporary folder, made when missing
    bool keep = false;
    bool postgres = false; // a LangGraph checkpointer in a throwaway PostgreSQL cluster instead
};

struct TextSearchTimes {
    std::vector<double> pageMs, countMs;
};

struct NearestTimes {
    std::string method;
    double coldFirstMs = 0, warmUpMs = 0, recall = 0;
    std::vector<double> coldMs, warmMs;
    int recallQueries = 0;
};

struct InspectBenchResult {
    std::string store;
    bool generated = false, kept = false;
    double generateMs = 0, openFirstPageMs = 0, summaryMs = 0;
    uintmax_t storeBytes = 0;
    int64_t liveItems = 0;
    TextSearchTimes text;
    std::vector<double> travelMs;
    NearestTimes nearest;
};

// The store to time: the one given, or the generated one (made now if it is not there yet).
Status prepareStore(const InspectBenchOptions &o, InspectBenchResult &r) {
    std::error_code ec;
    r.store = o.store;
    if (r.store.empty()) {
        r.store = (fs::temp_directory_path() / ("mnemo-bench-inspect-" + std::to_string(o.items) + ".mnemem")).string();
    }
    if (!fs::exists(r.store, ec)) {
        auto t0 = std::chrono::steady_clock::now();
        if (Status s = generate(r.store, o.items, o.dim); !s.ok()) return s;
        r.generateMs = msSince(t0);
        r.generated = true;
    }
    r.storeBytes = fs::file_size(r.store, ec);
    return {};
}

// Open and show the first page as the Inspect table does (the count for its header, then a page); the store summary
// and filter values are computed beside it on a worker and timed separately.
Result<std::unique_ptr<AgentStore>> timeOpen(const std::string &path, InspectBenchResult &r) {
    auto t0 = std::chrono::steady_clock::now();
    auto store = AgentStore::open(path);
    if (!store.ok()) return store.status();
    auto shown = store.value()->countItems({});
    auto page = store.value()->items({}, 0, 100);
    if (!shown.ok() || !page.ok()) return shown.ok() ? page.status() : shown.status();
    r.openFirstPageMs = msSince(t0);
    return store;
}

// Full-text search: a page of 100 matches plus the match count, for words of every frequency.
Result<TextSearchTimes> timeTextSearch(const AgentStore &store, long queries) {
    const char *words[] = {"Lisbon", "allergic peanuts", "Helix deadline", "jazz music", "budget", "Fatima", "timed out",
                           "window seats", "Kestrel project", "remotely", "reminders", "hotel Osaka", "classical",
                           "shellfish", "Thursday", "robotics books", "ship Aurora", "user-17", "gluten", "Oslo"};
    TextSearchTimes times;
    for (long q = 0; q < queries; ++q) {
        ItemFilter f;
        f.text = words[size_t(q) % std::size(words)];
        auto t = std::chrono::steady_clock::now();
        auto hits = store.items(f, 0, 100);
        times.pageMs.push_back(msSince(t));
        auto tc = std::chrono::steady_clock::now();
        auto n = store.countItems(f);
        times.countMs.push_back(msSince(tc));
        if (!hits.ok() || !n.ok()) return hits.ok() ? n.status() : hits.status();
    }
    return times;
}

// Time travel: the first page as the store was at scattered times (what scrubbing the timeline asks for).
Result<std::vector<double>> timeTimeTravel(const AgentStore &store, const StoreSummary &summary, long queries) {
    std::vector<double> travelMs;
    if (!summary.firstUs || !summary.lastUs) return travelMs;
    std::mt19937_64 rng(3);
    for (long q = 0; q < queries; ++q) {
        ItemFilter f;
        f.asOfUs = *summary.firstUs +
                   int64_t(rng() % uint64_t(std::max<int64_t>(1, *summary.lastUs - *summary.firstUs)));
        auto t = std::chrono::steady_clock::now();
        auto page = store.items(f, 0, 100);
        travelMs.push_back(msSince(t));
        if (!page.ok()) return page.status();
    }
    return travelMs;
}

// Recall against exact search on a few queries (exact over a million vectors takes a while). Templated texts tie
// often: a result counts when its exact score reaches the exact 10th best (ties at the boundary are equally right).
Result<double> measureRecall(const AgentStore &store, const std::vector<std::vector<float>> &qs, int recallQueries) {
    auto all = store.embeddings(0);
    if (!all.ok()) return all.status();
    double recall = 0;
    for (int q = 0; q < recallQueries; ++q) {
        std::vector<std::pair<float, int64_t>> scored;
        scored.reserve(all->rowids.size());
        for (size_t i = 0; i < all->rowids.size(); ++i) {
            float s = 0;
            for (int d = 0; d < all->dim; ++d) s += qs[size_t(q)][size_t(d)] * all->data[i * size_t(all->dim) + size_t(d)];
            scored.emplace_back(s, all->rowids[i]);
        }
        std::partial_sort(scored.begin(), scored.begin() + 10, scored.end(), [](auto &a, auto &b) { return a.first > b.first; });
        const float tenth = scored[9].first;
        std::unordered_map<int64_t, float> exactScore;
        for (const auto &[score, rowid] : scored) exactScore.emplace(rowid, score);
        auto found = store.nearest(qs[size_t(q)], 10);
        if (!found.ok()) return found.status();
        int hit = 0;
        for (const auto &n : found.value()) hit += exactScore.count(n.rowid) && exactScore[n.rowid] >= tenth - 1e-5f ? 1 : 0;
        recall += hit / 10.0;
    }
    return recall / std::max(1, recallQueries);
}

// 10-NN: query texts embedded locally; the first query also loads the index lists it touches. After that warm-up the
// Inspect workspace runs in the background once a store is open: every list in memory.
Result<NearestTimes> timeNearest(const AgentStore &store, int dim, long queries) {
    HashingEmbedder embedder(dim);
    MemoryTextGenerator gen(1234);
    NearestTimes times;
    std::vector<std::vector<float>> qs;
    for (long q = 0; q < queries; ++q) qs.push_back(embedder.embed(gen.next("user-" + std::to_string(q))));
    for (long q = 0; q < queries; ++q) {
        auto t = std::chrono::steady_clock::now();
        auto found = store.nearest(qs[size_t(q)], 10);
        double ms = msSince(t);
        if (!found.ok()) return found.status();
        if (q == 0) times.coldFirstMs = ms;
        times.coldMs.push_back(ms);
    }
    auto tw = std::chrono::steady_clock::now();
    if (Status s = store.warmNeighbourIndex(); !s.ok()) return s;
    times.warmUpMs = msSince(tw);
    for (long q = 0; q < queries; ++q) {
        auto qv = embedder.embed(gen.next("user-" + std::to_string(q + 1000)));
        auto t = std::chrono::steady_clock::now();
        auto found = store.nearest(qv, 10);
        times.warmMs.push_back(msSince(t));
    }
    times.recallQueries = int(std::min<long>(queries, 20));
    auto recall = measureRecall(store, qs, times.recallQueries);
    if (!recall.ok()) return recall.status();
    times.recall = recall.value();
    times.method = store.nearestMethod();
    return times;
}

Result<InspectBenchResult> runBenchInspect(const InspectBenchOptions &o) {
    InspectBenchResult r;
    if (Status s = prepareStore(o, r); !s.ok()) return s;
    auto store = timeOpen(r.store, r);
    if (!store.ok()) return store.status();
    auto ts = std::chrono::steady_clock::now();
    auto summary = store.value()->summary();
    if (!summary.ok()) return summary.status();
    r.summaryMs = msSince(ts);
    r.liveItems = summary->items;
    auto text = timeTextSearch(*store.value(), o.queries);
    if (!text.ok()) return text.status();
    r.text = std::move(text.value());
    auto travel = timeTimeTravel(*store.value(), summary.value(), o.queries);
    if (!travel.ok()) return travel.status();
    r.travelMs = std::move(travel.value());
    auto nearest = timeNearest(*store.value(), o.dim, o.queries);
    if (!nearest.ok()) return nearest.status();
    r.nearest = std::move(nearest.value());
    store.value().reset();
    std::error_code ec;
    if (r.generated && !o.keep) fs::remove(r.store, ec);
    else r.kept = true;
    return r;
}

void printBenchInspect(const InspectBenchOptions &o, const InspectBenchResult &r) {
    nlohmann::json out = {{"bench", "inspect"}, {"store", r.store}, {"items", o.items}, {"dim", o.dim},
                          {"generated", r.generated}, {"generate_ms", r.generateMs}};
    out["store_bytes"] = r.storeBytes;
    out["open_first_page_ms"] = r.openFirstPageMs;
    out["summary_ms"] = r.summaryMs;
    out["live_items"] = r.liveItems;
    const auto &text = r.text;
    out["text_search"] = {{"queries", o.queries}, {"page_p50_ms", percentile(text.pageMs, 0.5)},
                          {"page_p95_ms", percentile(text.pageMs, 0.95)},
                          {"count_p50_ms", percentile(text.countMs, 0.5)},
                          {"count_p95_ms", percentile(text.countMs, 0.95)},
                          {"target_p95_ms", 50}, {"pass", percentile(text.pageMs, 0.95) < 50}};
    out["time_travel_page"] = {{"queries", r.travelMs.size()}, {"p50_ms", percentile(r.travelMs, 0.5)},
                               {"p95_ms", percentile(r.travelMs, 0.95)}};
    const auto &nn = r.nearest;
    out["nearest_10"] = {{"method", nn.method},
                         {"cold_first_query_ms", nn.coldFirstMs},
                         {"cold_p50_ms", percentile(nn.coldMs, 0.5)},
                         {"cold_p95_ms", percentile(nn.coldMs, 0.95)},
                         {"warm_up_ms", nn.warmUpMs},
                         {"p50_ms", percentile(nn.warmMs, 0.5)},
                         {"p95_ms", percentile(nn.warmMs, 0.95)},
                         {"recall_at_10_vs_exact", nn.recall},
                         {"recall_queries", nn.recallQueries},
                         {"target_p95_ms", 10},
                         {"pass", percentile(nn.warmMs, 0.95) < 10}};
    out["open_target_ms"] = 1000;
    out["open_pass"] = r.openFirstPageMs < 1000;
    if (r.kept) out["kept"] = true;
    printJson(out);
}

} // namespace

// mnemo-cli bench inspect [--items N] [--dim D] [--queries Q] [--store FILE] [--keep]
void addBenchInspectCommand(CLI::App &bench, CommandLine &line) {
    auto o = std::make_shared<InspectBenchOptions>();
    CLI::App *command = bench.add_subcommand(
        "inspect", "an agent-memory store of a million items: open, full-text and 10-NN times (JSON)");
    command->add_option("--items", o->items, "items in the generated store")->check(positive())->type_name("N");
    command->add_option("--dim", o->dim, "embedding dimensions of the generated store")->check(positive())
        ->type_name("D");
    addQueriesOption(*command, o->queries);
    command->add_option("--store", o->store, "time this store instead (generated there when missing)")
        ->type_name("FILE");
    command->add_flag("--keep", o->keep, "keep the generated store for the next run");
    command->add_flag("--postgres", o->postgres,
                      "a LangGraph checkpointer of --items checkpoints in a throwaway PostgreSQL cluster, read in place "
                      "(needs postgresql-15)");
    onParsed(*command, line, [o] {
        if (o->postgres) {
            return finish("bench", runBenchInspectPostgres({o->items, o->queries}),
                          [](const nlohmann::json &j) { printJson(j); });
        }
        return finish("bench", runBenchInspect(*o), [&](const InspectBenchResult &r) { printBenchInspect(*o, r); });
    });
}

} // namespace mnemo::cli
