// mnemo-cli bench inspect --postgres: a throwaway PostgreSQL cluster (tools/pg-cluster.sh) filled with a LangGraph
// PostgresSaver of N checkpoints (5,000 threads, each a chain), read in place as a SELECT-only role the way the
// Inspect table does: open and the first page, scrolling page by page, full-text pages, time-travel pages. Prints
// JSON; targets from the issue: open and first page < 1 s, page p95 < 50 ms, full-text page p95 < 100 ms.
#include "BenchInspectPostgres.hpp"
#include "CliOptions.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include <unistd.h>

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

// Runs a shell command; its exit status (stderr passes through, so a failing cluster says why).
int run(const std::string &command) { return std::system(command.c_str()) == 0 ? 0 : 1; }


// The rows: thread-(i % 5000), a chain per thread, one checkpoint a second from 2026-01-01, a topic channel value
// inline; every tenth checkpoint also names a messages channel kept as a blob (as the saver keeps lists), so text
// search reads blobs too.
std::string fillSql(int64_t rows) {
    return "INSERT INTO checkpoints SELECT 'thread-' || (i % 5000), '', lpad(to_hex(i), 10, '0'),"
           " CASE WHEN i >= 5000 THEN lpad(to_hex(i - 5000), 10, '0') END, NULL,"
           " jsonb_build_object('v', 1, 'ts', to_char(timestamp '2026-01-01' + i * interval '1 second',"
           " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'channel_values', jsonb_build_object('topic',"
           " (ARRAY['weather in Lyon', 'train to Porto', 'billing question', 'dinner for two', 'jazz tonight'])"
           "[1 + i % 5] || ' #' || i), 'channel_versions', CASE WHEN i % 10 = 0 THEN jsonb_build_object('messages',"
           " i::text) ELSE '{}'::jsonb END), jsonb_build_object('source', 'loop', 'step', i / 5000) FROM"
           " generate_series(0, " + std::to_string(rows - 1) + ") i;"
           " INSERT INTO checkpoint_blobs SELECT 'thread-' || (i % 5000), '', 'messages', i::text, 'json',"
           " convert_to(json_build_array(json_build_object('role', 'user', 'content', (ARRAY['a table near the"
           " river', 'my invoice is wrong', 'tickets for the concert'])[1 + i % 3] || ' ~' || i))::text, 'UTF8')"
           " FROM generate_series(0, " + std::to_string(rows - 1) + ", 10) i; ANALYZE;"
           " CREATE ROLE reader LOGIN; GRANT USAGE ON SCHEMA public TO reader;"
           " GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;";
}

struct Times {
    double openMs = 0;
    std::vector<double> pageMs, searchMs, travelMs;
    std::vector<double> rowSearchMs, blobSearchMs; // the searches apart: words in the checkpoints, words only in blobs
};

// What README's PostgreSQL section recommends a DBA add for large stores (Inspect itself never writes): a b-tree for
// the newest-first order and trigram indexes for full-text search.
constexpr const char *kRecommendedIndexes =
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
    " CREATE INDEX checkpoints_newest ON checkpoints (checkpoint_id, thread_id);"
    " CREATE INDEX checkpoints_text_trgm ON checkpoints USING gin ((checkpoint::text) gin_trgm_ops);"
    " CREATE INDEX checkpoints_meta_trgm ON checkpoints USING gin ((metadata::text) gin_trgm_ops);"
    " CREATE INDEX checkpoint_blobs_trgm ON checkpoint_blobs USING gin ((encode(blob, 'escape')) gin_trgm_ops);"
    " ANALYZE;";

Status measure(const std::string &url, const PostgresBenchOptions &o, Times &t) {
    auto t0 = std::chrono::steady_clock::now();
    auto opened = AgentStore::open(url);
    if (!opened.ok()) return opened.status();
    AgentStore &store = *opened.value();
    auto count = store.countItems({});
    auto first = store.items({}, 0, 200);
    if (!count.ok() || !first.ok()) return count.ok() ? first.status() : count.status();
    t.openMs = msSince(t0);
    for (long p = 1; p <= o.queries; ++p) { // scrolling: the next page each time, as the table fetches more
        auto tp = std::chrono::steady_clock::now();
        if (auto page = store.items({}, p * 200, 200); !page.ok()) return page.status();
        t.pageMs.push_back(msSince(tp));
    }
    const char *words[] = {"Lyon", "Porto", "billing", "dinner", "jazz", "#4242", "#99999", "train", "invoice",
                           "~4242"}; // the last two only in blobs
    for (long q = 0; q < o.queries; ++q) {
        ItemFilter f;
        const size_t word = size_t(q) % std::size(words);
        f.text = words[word];
        auto tq = std::chrono::steady_clock::now();
        if (auto page = store.items(f, 0, 100); !page.ok()) return page.status();
        t.searchMs.push_back(msSince(tq));
        (word >= 8 ? t.blobSearchMs : t.rowSearchMs).push_back(t.searchMs.back());
    }
    std::mt19937_64 rng(3);
    const int64_t start = int64_t(1767225600) * 1000000;
    for (long q = 0; q < o.queries; ++q) {
        ItemFilter f;
        f.asOfUs = start + int64_t(rng() % uint64_t(o.rows)) * 1000000;
        auto tq = std::chrono::steady_clock::now();
        if (auto page = store.items(f, 0, 100); !page.ok()) return page.status();
        t.travelMs.push_back(msSince(tq));
    }
    return {};
}

nlohmann::json report(const Times &t) {
    auto figures = [](const std::vector<double> &v, double target) {
        return nlohmann::json{{"p50_ms", percentile(v, 0.5)}, {"p95_ms", percentile(v, 0.95)},
                              {"target_p95_ms", target}, {"pass", percentile(v, 0.95) < target}};
    };
    return {{"open_ms", t.openMs},
            {"open_target_ms", 1000},
            {"open_pass", t.openMs < 1000},
            {"page", figures(t.pageMs, 50)},
            {"search", figures(t.searchMs, 100)},
            {"search_in_checkpoint_text", figures(t.rowSearchMs, 100)},
            {"search_in_blobs_only", figures(t.blobSearchMs, 100)},
            {"time_travel", figures(t.travelMs, 100)},
            {"page_ms_p95", percentile(t.pageMs, 0.95)},
            {"search_ms_p95", percentile(t.searchMs, 0.95)},
            {"time_travel_ms_p95", percentile(t.travelMs, 0.95)}};
}

// Fills the database, measures with the saver's own indexes, adds the recommended ones, measures again.
Result<nlohmann::json> fillAndMeasure(const fs::path &dir, const PostgresBenchOptions &o) {
    const std::string psql = "psql -q -h " + shellQuoted(dir.string()) + " -U postgres -v ON_ERROR_STOP=1 ";
    auto sqlFile = [&](const char *name, const std::string &sql) {
        const fs::path file = dir / name; // SQL through a file: no shell quoting of its quotes
        if (FILE *f = std::fopen(file.c_str(), "w")) {
            std::fputs(sql.c_str(), f);
            std::fclose(f);
        }
        return shellQuoted(file.string());
    };
    std::fprintf(stderr, "filling %lld checkpoints...\n", (long long)o.rows);
    auto t0 = std::chrono::steady_clock::now();
    if (run(psql + "-d postgres -c 'CREATE DATABASE bench' >/dev/null") != 0 ||
        run(psql + "-d bench -f " + shellQuoted(MNEMO_SOURCE_DIR "/tests/fixtures/postgres/langgraph-checkpointer-schema.sql") +
            " -f " + sqlFile("fill.sql", fillSql(o.rows)) + " >/dev/null") != 0) {
        return Status(StatusCode::Internal, "filling the benchmark database failed");
    }
    const double fillMs = msSince(t0);
    const std::string url = "postgresql:///bench?host=" + dir.string() + "&user=reader";
    Times saver, indexed;
    std::fprintf(stderr, "measuring with the saver's own indexes...\n");
    if (Status s = measure(url, o, saver); !s.ok()) return s;
    std::fprintf(stderr, "adding the recommended indexes, measuring again...\n");
    t0 = std::chrono::steady_clock::now();
    if (run(psql + "-d bench -f " + sqlFile("indexes.sql", kRecommendedIndexes) + " >/dev/null") != 0) {
        return Status(StatusCode::Internal, "adding the recommended indexes failed");
    }
    const double indexMs = msSince(t0);
    if (Status s = measure(url, o, indexed); !s.ok()) return s;
    nlohmann::json out = report(saver);
    out["bench"] = "inspect-postgres";
    out["rows"] = o.rows;
    out["kind"] = "langgraph postgres-checkpointer";
    out["fill_ms"] = fillMs;
    out["pages"] = "the table's scrolling: page k of 200 rows from offset 200k, k = 1..queries"
                   " (keyset: each page starts after the previous page's last key)";
    out["with_recommended_indexes"] = report(indexed);
    out["with_recommended_indexes"]["index_build_ms"] = indexMs;
    out["with_recommended_indexes"]["sql"] = kRecommendedIndexes;
    return out;
}

} // namespace

Result<nlohmann::json> runBenchInspectPostgres(const PostgresBenchOptions &o) {
    const fs::path dir = fs::temp_directory_path() / ("mnemo-bench-pg-" + std::to_string(::getpid()));
    const std::string script = MNEMO_SOURCE_DIR "/tools/pg-cluster.sh";
    if (run("bash " + shellQuoted(script) + " start " + shellQuoted(dir.string()) + " >/dev/null") != 0) {
        return Status(StatusCode::NotFound, "the throwaway PostgreSQL cluster did not start (postgresql-15 installed?)");
    }
    auto result = fillAndMeasure(dir, o);
    run("bash " + shellQuoted(script) + " stop " + shellQuoted(dir.string()));
    std::error_code ec;
    fs::remove_all(dir, ec);
    return result;
}

} // namespace mnemo::cli
