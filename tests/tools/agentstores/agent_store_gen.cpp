// mnemo_agent_store_gen: builds deterministic fixture stores for the agent-memory readers.
//
// Usage: mnemo_agent_store_gen KIND OUTDIR
//   KIND: chroma | letta | openmemory | mem0py | langgraph-store | all
//
// Every store is written from the schema documented in shared/research/anchors-agentmemory.md (sections 1.1, 1.3,
// 1.4, 1.5, 1.6, 1.10). The DDL below is Mnemo's own, written from those column lists; nothing is produced by the
// vendors' libraries. Each OUTDIR/<kind>/ gets a manifest.json with the facts a reader must recover (computed here,
// from the data this program wrote) and a GENERATED_BY_MNEMO.txt marker.
//
// Determinism: one fixed seed per store, a hand-written PRNG (no std:: distributions, whose output differs between
// standard libraries), arithmetic-only noise, fixed timestamps starting 2026-03-01T09:00:00Z. The Chroma HNSW graph is
// built by the real hnswlib (Debian's libhnswlib-dev), whose level generator is std::default_random_engine: its bytes
// are stable for one toolchain, and the manifest holds no fact that depends on the graph's shape.

#include <hnswlib/hnswlib.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr int kDim = 32;
constexpr const char* kMarkerName = "GENERATED_BY_MNEMO.txt";

struct GenError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& message) { throw GenError(message); }

// ---------------------------------------------------------------------------------------------------------------------
// Deterministic randomness (splitmix64; normal noise from the Irwin-Hall sum of 12 uniforms: arithmetic only).

class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    uint32_t below(uint32_t n) { return n == 0 ? 0 : uint32_t(next() % n); }
    double normal() {
        double sum = 0.0;
        for (int i = 0; i < 12; ++i) sum += uniform();
        return sum - 6.0;
    }
    template <typename T>
    const T& pick(const std::vector<T>& v) {
        if (v.empty()) fail("internal: pick from empty list");
        return v[below(uint32_t(v.size()))];
    }

private:
    uint64_t state_;
};

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// Random (version 4) UUID, canonical 8-4-4-4-12 lowercase form.
std::string uuid4(Rng& rng) {
    uint64_t hi = rng.next(), lo = rng.next();
    hi = (hi & ~0xF000ull) | 0x4000ull;                          // version nibble (byte 6)
    lo = (lo & ~(0xC0ull << 56)) | (0x80ull << 56);              // RFC 4122 variant (byte 8)
    const std::string h = hex64(hi) + hex64(lo);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

// SQLAlchemy's generic Uuid type on SQLite: 32 hex characters, no dashes.
std::string uuidHex(Rng& rng) {
    std::string u = uuid4(rng);
    u.erase(std::remove(u.begin(), u.end(), '-'), u.end());
    return u;
}

// ---------------------------------------------------------------------------------------------------------------------
// Time: seconds since the Unix epoch, formatted without the C library's time zone machinery.

int64_t daysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

struct Civil {
    int year;
    unsigned month, day, hour, minute, second;
};

Civil civilFromSeconds(int64_t t) {
    int64_t days = t / 86400;
    int64_t rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const int y = int(int64_t(yoe) + era * 400 + (m <= 2 ? 1 : 0));
    return {y, m, d, unsigned(rem / 3600), unsigned(rem % 3600 / 60), unsigned(rem % 60)};
}

const int64_t kBaseTime = daysFromCivil(2026, 3, 1) * 86400 + 9 * 3600;  // 2026-03-01T09:00:00Z

std::string fmt(const char* pattern, const Civil& c) {
    char buf[64];
    std::snprintf(buf, sizeof buf, pattern, c.year, c.month, c.day, c.hour, c.minute, c.second);
    return buf;
}
// 2026-03-01T09:00:00Z
std::string isoZ(int64_t t) { return fmt("%04d-%02u-%02uT%02u:%02u:%02uZ", civilFromSeconds(t)); }
// 2026-03-01 09:00:00 (SQLite CURRENT_TIMESTAMP)
std::string sqlTs(int64_t t) { return fmt("%04d-%02u-%02u %02u:%02u:%02u", civilFromSeconds(t)); }
// 2026-03-01 09:00:00.000000+00:00 (timezone-aware SQLAlchemy DateTime, as the brief asks for Letta)
std::string sqlaTz(int64_t t) { return fmt("%04d-%02u-%02u %02u:%02u:%02u.000000+00:00", civilFromSeconds(t)); }
// 2026-03-01 09:00:00.000000 (naive SQLAlchemy DateTime on SQLite)
std::string sqlaNaive(int64_t t) { return fmt("%04d-%02u-%02u %02u:%02u:%02u.000000", civilFromSeconds(t)); }
// 202603010900 (A-MEM's "%Y%m%d%H%M")
std::string amemTs(int64_t t) {
    const Civil c = civilFromSeconds(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02u%02u%02u%02u", c.year, c.month, c.day, c.hour, c.minute);
    return buf;
}
// Python datetime.isoformat() with microseconds in a fixed UTC offset (minutes), e.g. 2026-03-01T01:00:00.123456-08:00
std::string isoOffset(int64_t t, int offsetMinutes, unsigned micros) {
    const Civil c = civilFromSeconds(t + int64_t(offsetMinutes) * 60);
    char buf[64];
    const int off = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%06u%c%02d:%02d", c.year, c.month, c.day, c.hour,
                  c.minute, c.second, micros % 1000000u, offsetMinutes < 0 ? '-' : '+', off / 60, off % 60);
    return buf;
}

// ---------------------------------------------------------------------------------------------------------------------
// MD5 (RFC 1321). Mem0 stores md5(text) as a memory's "hash"; Chroma's Python migrations are hashed with md5.

std::string md5hex(std::string_view input) {
    static constexpr uint32_t K[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    static constexpr unsigned S[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                       5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                       4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                       6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    std::string msg(input);
    const uint64_t bitLength = uint64_t(input.size()) * 8u;
    msg.push_back(char(0x80));
    while (msg.size() % 64 != 56) msg.push_back('\0');
    for (int i = 0; i < 8; ++i) msg.push_back(char((bitLength >> (8 * i)) & 0xffu));

    uint32_t a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
    for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
        uint32_t M[16];
        for (int i = 0; i < 16; ++i) {
            const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + size_t(i) * 4);
            M[i] = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
        }
        uint32_t A = a0, B = b0, C = c0, D = d0;
        for (unsigned i = 0; i < 64; ++i) {
            uint32_t F;
            unsigned g;
            if (i < 16) {
                F = (B & C) | (~B & D);
                g = i;
            } else if (i < 32) {
                F = (D & B) | (~D & C);
                g = (5 * i + 1) % 16;
            } else if (i < 48) {
                F = B ^ C ^ D;
                g = (3 * i + 5) % 16;
            } else {
                F = C ^ (B | ~D);
                g = (7 * i) % 16;
            }
            F = F + A + K[i] + M[g];
            A = D;
            D = C;
            C = B;
            B = B + std::rotl(F, int(S[i]));
        }
        a0 += A;
        b0 += B;
        c0 += C;
        d0 += D;
    }
    std::string out;
    char buf[3];
    for (uint32_t word : {a0, b0, c0, d0})
        for (int i = 0; i < 4; ++i) {
            std::snprintf(buf, sizeof buf, "%02x", unsigned((word >> (8 * i)) & 0xffu));
            out += buf;
        }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Vectors: topic centres plus noise, normalised to unit length.

using Vec = std::vector<float>;

std::vector<std::vector<double>> makeCentres(Rng& rng, int count) {
    std::vector<std::vector<double>> centres(static_cast<size_t>(count), std::vector<double>(kDim));
    for (auto& c : centres) {
        double n = 0.0;
        for (auto& x : c) {
            x = rng.normal();
            n += x * x;
        }
        n = std::sqrt(n);
        for (auto& x : c) x /= n;
    }
    return centres;
}

Vec noisyUnit(Rng& rng, const std::vector<double>& centre, double noise) {
    std::vector<double> v(kDim);
    double n = 0.0;
    for (int j = 0; j < kDim; ++j) {
        v[size_t(j)] = centre[size_t(j)] + noise * rng.normal();
        n += v[size_t(j)] * v[size_t(j)];
    }
    n = std::sqrt(n);
    Vec out(kDim);
    for (int j = 0; j < kDim; ++j) out[size_t(j)] = float(v[size_t(j)] / n);
    return out;
}

float dot(const Vec& a, const Vec& b) {
    float s = 0.0f;
    for (size_t j = 0; j < a.size(); ++j) s += a[j] * b[j];
    return s;
}

float norm(const Vec& a) { return std::sqrt(dot(a, a)); }

double round4(double x) { return std::round(x * 10000.0) / 10000.0 + 0.0; }  // + 0.0 turns -0.0 into 0.0

// float32 little-endian bytes (Chroma FLOAT32 encoding, sqlite_vec.serialize_float32), independent of host order.
std::vector<unsigned char> floatsLE(const Vec& v) {
    std::vector<unsigned char> out;
    out.reserve(v.size() * 4);
    for (float f : v) {
        const uint32_t u = std::bit_cast<uint32_t>(f);
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<unsigned char>((u >> (8 * i)) & 0xffu));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Files.

void writeFile(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot open " + path.string() + " for writing");
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.close();
    if (!out) fail("write failed: " + path.string());
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot open " + path.string() + " for reading");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) fail("read failed: " + path.string());
    return data;
}

// Recreates OUTDIR/<kind>. An existing folder is replaced only when it is empty or was made by this tool.
fs::path prepareKindDir(const fs::path& outDir, const std::string& kind) {
    const fs::path dir = outDir / kind;
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) fail(dir.string() + " exists and is not a directory");
        if (!fs::is_empty(dir, ec) && !fs::exists(dir / kMarkerName, ec))
            fail("refusing to replace " + dir.string() + ": it is not empty and has no " + kMarkerName);
        fs::remove_all(dir, ec);
        if (ec) fail("cannot remove " + dir.string() + ": " + ec.message());
    }
    fs::create_directories(dir, ec);
    if (ec) fail("cannot create " + dir.string() + ": " + ec.message());
    return dir;
}

void writeMarker(const fs::path& dir, const std::string& kind, const std::string& vendor) {
    std::string text;
    text += "This '" + kind + "' store was built by Mnemo's own fixture generator\n";
    text += "(tests/tools/agentstores/agent_store_gen.cpp, executable mnemo_agent_store_gen) from the schema\n";
    text += "documented in Mnemo's research note (shared/research/anchors-agentmemory.md).\n\n";
    text += "It was NOT written by the vendor's library (" + vendor + ").\n";
    text += "The DDL is Mnemo's own, written from the documented column lists; no upstream DDL was copied.\n";
    text += "The content is synthetic and deterministic; manifest.json lists the facts a reader must recover.\n";
    writeFile(dir / kMarkerName, text);
}

void writeManifest(const fs::path& dir, const json& manifest) { writeFile(dir / "manifest.json", manifest.dump(2) + "\n"); }

json manifestHeader(const std::string& kind, const std::string& vendor, const std::string& schemaSource) {
    json m;
    m["kind"] = kind;
    m["generator"] = "mnemo_agent_store_gen";
    m["generated_by_vendor_library"] = false;
    m["vendor"] = vendor;
    m["schema_source"] = schemaSource;
    m["base_time"] = isoZ(kBaseTime);
    return m;
}

// ---------------------------------------------------------------------------------------------------------------------
// SQLite: every return code is checked; any failure throws with the database path and SQLite's message.

struct Val {
    enum class Type { Null, Int, Real, Text, Blob };
    Type type = Type::Null;
    int64_t i = 0;
    double d = 0.0;
    std::string s;
    std::vector<unsigned char> b;

    Val() = default;
    Val(std::nullptr_t) {}
    Val(bool v) : type(Type::Int), i(v ? 1 : 0) {}
    Val(int v) : type(Type::Int), i(v) {}
    Val(long v) : type(Type::Int), i(v) {}
    Val(long long v) : type(Type::Int), i(v) {}
    Val(unsigned v) : type(Type::Int), i(v) {}
    Val(unsigned long v) : type(Type::Int), i(int64_t(v)) {}
    Val(unsigned long long v) : type(Type::Int), i(int64_t(v)) {}
    Val(double v) : type(Type::Real), d(v) {}
    Val(const char* v) : type(Type::Text), s(v) {}
    Val(std::string v) : type(Type::Text), s(std::move(v)) {}
    Val(std::vector<unsigned char> v) : type(Type::Blob), b(std::move(v)) {}
};

using Row = std::vector<std::pair<std::string, Val>>;

class Db {
public:
    explicit Db(const fs::path& path) : path_(path.string()) {
        const int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        if (rc != SQLITE_OK) {
            const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            db_ = nullptr;
            fail(path_ + ": cannot open: " + message);
        }
        check(sqlite3_extended_result_codes(db_, 1), "enable extended result codes");
    }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db() {
        // Only reached without close() on an error path: release quietly.
        statements_.clear();
        if (db_) sqlite3_close_v2(db_);
    }

    void check(int rc, const std::string& what) const {
        if (rc != SQLITE_OK)
            fail(path_ + ": " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "") + " (" + sqlite3_errstr(rc) + ")");
    }

    void exec(const std::string& sql) {
        char* err = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            const std::string message = err ? err : sqlite3_errstr(rc);
            sqlite3_free(err);
            fail(path_ + ": " + message + "\n  in SQL: " + sql.substr(0, 300));
        }
    }

    // INSERT one row; statements are cached per column list.
    void insert(const std::string& table, const Row& row) {
        std::string sql = "INSERT INTO \"" + table + "\" (";
        std::string marks;
        for (size_t i = 0; i < row.size(); ++i) {
            sql += (i ? ", \"" : "\"") + row[i].first + "\"";
            marks += i ? ", ?" : "?";
        }
        sql += ") VALUES (" + marks + ")";
        auto it = statements_.find(sql);
        if (it == statements_.end()) {
            sqlite3_stmt* st = nullptr;
            check(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), "prepare " + sql);
            it = statements_.emplace(sql, Stmt(st)).first;
        }
        sqlite3_stmt* st = it->second.get();
        check(sqlite3_reset(st), "reset " + sql);
        check(sqlite3_clear_bindings(st), "clear bindings " + sql);
        if (sqlite3_bind_parameter_count(st) != int(row.size())) fail(path_ + ": parameter count mismatch in " + sql);
        for (size_t i = 0; i < row.size(); ++i) bind(st, int(i) + 1, row[i].second, sql);
        const int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            fail(path_ + ": step " + sql + ": " + sqlite3_errmsg(db_) + " (" + sqlite3_errstr(rc) + ")");
        check(sqlite3_reset(st), "reset " + sql);
    }

    int64_t scalar(const std::string& sql) {
        sqlite3_stmt* raw = nullptr;
        check(sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr), "prepare " + sql);
        Stmt st(raw);
        const int rc = sqlite3_step(raw);
        if (rc != SQLITE_ROW) fail(path_ + ": no row from " + sql + " (" + sqlite3_errstr(rc) + ")");
        const int64_t v = sqlite3_column_int64(raw, 0);
        const int rc2 = sqlite3_step(raw);
        if (rc2 != SQLITE_DONE) fail(path_ + ": more than one row from " + sql);
        check(st.finalize(), "finalize " + sql);
        return v;
    }

    // Asserts that the database agrees with a fact the manifest states.
    void expect(const std::string& sql, int64_t expected) {
        const int64_t got = scalar(sql);
        if (got != expected)
            fail(path_ + ": self-check failed: " + sql + " gave " + std::to_string(got) + ", expected " +
                 std::to_string(expected));
    }

    void close() {
        for (auto& [sql, st] : statements_) check(st.finalize(), "finalize " + sql);
        statements_.clear();
        const int rc = sqlite3_close(db_);
        if (rc != SQLITE_OK) fail(path_ + ": close: " + sqlite3_errstr(rc));
        db_ = nullptr;
    }

private:
    class Stmt {
    public:
        explicit Stmt(sqlite3_stmt* st) : st_(st) {}
        Stmt(Stmt&& o) noexcept : st_(std::exchange(o.st_, nullptr)) {}
        Stmt(const Stmt&) = delete;
        ~Stmt() {
            if (st_) sqlite3_finalize(st_);
        }
        sqlite3_stmt* get() const { return st_; }
        int finalize() { return sqlite3_finalize(std::exchange(st_, nullptr)); }

    private:
        sqlite3_stmt* st_;
    };

    void bind(sqlite3_stmt* st, int idx, const Val& v, const std::string& sql) {
        int rc = SQLITE_OK;
        switch (v.type) {
        case Val::Type::Null: rc = sqlite3_bind_null(st, idx); break;
        case Val::Type::Int: rc = sqlite3_bind_int64(st, idx, v.i); break;
        case Val::Type::Real: rc = sqlite3_bind_double(st, idx, v.d); break;
        case Val::Type::Text:
            rc = sqlite3_bind_text64(st, idx, v.s.data(), v.s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
            break;
        case Val::Type::Blob: rc = sqlite3_bind_blob64(st, idx, v.b.data(), v.b.size(), SQLITE_TRANSIENT); break;
        }
        check(rc, "bind parameter " + std::to_string(idx) + " of " + sql);
    }

    std::string path_;
    sqlite3* db_ = nullptr;
    std::map<std::string, Stmt> statements_;
};

fs::path freshDbPath(const fs::path& path) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        fs::remove(fs::path(path.string() + suffix), ec);
        if (ec) fail("cannot remove " + path.string() + suffix + ": " + ec.message());
    }
    return path;
}

std::string jsonText(const json& j) { return j.dump(); }

json samplePair(const std::string& id, const std::string& text) { return json{{"id", id}, {"text", text}}; }

// ---------------------------------------------------------------------------------------------------------------------
// Python pickle writer (protocol 3 opcodes only), enough for Chroma's index_metadata.pickle dict.

class Pickler {
public:
    Pickler() { out_ += "\x80\x03"; }  // PROTO 3
    void emptyDict() {
        out_ += '}';
        memoize();
    }
    void mark() { out_ += '('; }
    void setItems() { out_ += 'u'; }
    void str(const std::string& s) {
        out_ += 'X';  // BINUNICODE: uint32 LE length + UTF-8
        put32(uint32_t(s.size()));
        out_ += s;
        memoize();
    }
    void integer(int64_t v) {
        if (v >= 0 && v <= 0xff) {
            out_ += 'K';  // BININT1
            out_ += char(v);
        } else if (v >= 0 && v <= 0xffff) {
            out_ += 'M';  // BININT2
            out_ += char(v & 0xff);
            out_ += char((v >> 8) & 0xff);
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            out_ += 'J';  // BININT
            put32(uint32_t(int32_t(v)));
        } else {
            out_ += '\x8a';  // LONG1: 8-byte two's complement little-endian
            out_ += char(8);
            for (int i = 0; i < 8; ++i) out_ += char((uint64_t(v) >> (8 * i)) & 0xff);
        }
    }
    // Writes a dict whose items are emitted by the callbacks, SETITEMS in batches of 1000 like CPython.
    template <typename Items>
    void dict(size_t count, Items&& emitItem) {
        emptyDict();
        for (size_t start = 0; start < count; start += 1000) {
            mark();
            for (size_t i = start; i < std::min(count, start + 1000); ++i) emitItem(i);
            setItems();
        }
    }
    std::string finish() {
        out_ += '.';  // STOP
        return out_;
    }

private:
    void put32(uint32_t v) {
        for (int i = 0; i < 4; ++i) out_ += char((v >> (8 * i)) & 0xff);
    }
    void memoize() {
        if (memo_ < 256) {
            out_ += 'q';  // BINPUT
            out_ += char(memo_);
        } else {
            out_ += 'r';  // LONG_BINPUT
            put32(memo_);
        }
        ++memo_;
    }
    std::string out_;
    uint32_t memo_ = 0;
};

// ---------------------------------------------------------------------------------------------------------------------
// Shared synthetic content: six topics with their own vocabulary, so that vector neighbours and texts agree.

struct Topic {
    const char* name;
    std::vector<std::string> things;
    std::vector<std::string> queries;
};

const std::vector<Topic>& topics() {
    static const std::vector<Topic> t = {
        {"cooking",
         {"sourdough starters", "mushroom risotto", "knife skills", "kimchi fermentation", "spice blends",
          "weekly meal prep", "cast iron pans", "slow braising"},
         {"what does the user like to cook", "favourite recipes"}},
        {"travel",
         {"night trains", "packing lists", "Kyoto temples", "travel insurance", "Lisbon trams", "airport layovers",
          "hiking in the Dolomites", "ferry timetables"},
         {"upcoming trips", "travel preferences"}},
        {"programming",
         {"Rust lifetimes", "SQLite indexes", "CMake presets", "flaky unit tests", "code review etiquette",
          "async IO", "memory leaks", "Vulkan barriers"},
         {"which languages does the user code in", "debugging habits"}},
        {"fitness",
         {"interval runs", "deadlift form", "mobility drills", "rest days", "protein intake", "marathon pacing",
          "swimming drills", "sleep tracking"},
         {"workout routine", "running goals"}},
        {"music",
         {"jazz piano voicings", "modal scales", "vinyl records", "guitar pedals", "sight reading", "synth patches",
          "choir rehearsals", "metronome practice"},
         {"music the user plays", "instrument practice"}},
        {"finance",
         {"index funds", "the monthly budget", "tax deadlines", "an emergency fund", "mortgage rates",
          "expense tracking", "pension contributions", "currency exchange fees"},
         {"savings plan", "money worries"}},
    };
    return t;
}

const std::vector<std::string>& verbs() {
    static const std::vector<std::string> v = {"is curious about", "keeps returning to", "asked for advice on",
                                               "wants to get better at", "complained about", "shared tips on",
                                               "is planning around", "compared notes on"};
    return v;
}

const std::vector<std::string>& settings() {
    static const std::vector<std::string> v = {"a late-evening chat", "a weekend planning session",
                                               "a quick morning check-in", "a long brainstorming call",
                                               "a follow-up question", "a voice note"};
    return v;
}

// ---------------------------------------------------------------------------------------------------------------------
// 1. Chroma persistent directory with an A-MEM-shaped "memories" collection.

struct HnswHeader {
    uint64_t offsetLevel0 = 0, maxElements = 0, curElementCount = 0, sizeDataPerElement = 0, labelOffset = 0,
             offsetData = 0;
    int32_t maxLevel = 0;
    uint32_t enterpointNode = 0;
    uint64_t maxM = 0, maxM0 = 0, M = 0;
    double mult = 0.0;
    uint64_t efConstruction = 0;
};

class ByteReader {
public:
    explicit ByteReader(const std::string& data) : data_(data) {}
    template <typename T>
    T pod(const char* what) {
        if (pos_ + sizeof(T) > data_.size()) fail(std::string("HNSW index file truncated reading ") + what);
        T v;
        std::memcpy(&v, data_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::string_view bytes(size_t n, const char* what) {
        if (pos_ + n > data_.size()) fail(std::string("HNSW index file truncated reading ") + what);
        std::string_view v(data_.data() + pos_, n);
        pos_ += n;
        return v;
    }
    size_t pos() const { return pos_; }
    size_t size() const { return data_.size(); }

private:
    const std::string& data_;
    size_t pos_ = 0;
};

template <typename T>
void appendPod(std::string& out, T v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out.append(buf, sizeof(T));
}

struct AmemNote {
    std::string id;
    int topic = 0;
    std::string document;
    std::vector<std::string> keywords, links, tags;
    int retrievalCount = 0;
    int64_t created = 0, lastAccessed = 0;
    std::string context;
    Vec vec;
};

json amemMetadataJson(const AmemNote& n) {
    json m;
    m["id"] = n.id;
    m["content"] = n.document;
    m["keywords"] = jsonText(n.keywords);
    m["links"] = jsonText(n.links);
    m["retrieval_count"] = n.retrievalCount;
    m["timestamp"] = amemTs(n.created);
    m["last_accessed"] = amemTs(n.lastAccessed);
    m["context"] = n.context;
    m["evolution_history"] = "[]";
    m["category"] = topics()[size_t(n.topic)].name;
    m["tags"] = jsonText(n.tags);
    return m;
}

void generateChroma(const fs::path& outDir) {
    const std::string kind = "chroma";
    const std::string vendor = "chromadb PersistentClient / chroma run";
    const fs::path dir = prepareKindDir(outDir, kind);
    writeMarker(dir, kind, vendor);  // first, so a half-written folder can still be replaced
    Rng rng(0xC0FFEE01ull);

    constexpr int kFlushed = 300, kQueueAdds = 15, kTotalNotes = kFlushed + kQueueAdds;
    constexpr size_t kMaxElements = 400, kM = 16, kEfConstruction = 100, kHnswSeed = 100;

    const std::string tenant = "default_tenant", database = "default_database";
    const std::string databaseId = "00000000-0000-0000-0000-000000000000";
    const std::string collectionId = uuid4(rng);
    const std::string metadataSegmentId = uuid4(rng);
    const std::string vectorSegmentId = uuid4(rng);
    const std::string topic = "persistent://" + tenant + "/" + database + "/" + collectionId;

    // Notes.
    const auto centres = makeCentres(rng, int(topics().size()));
    std::vector<AmemNote> notes;
    std::vector<std::vector<size_t>> byTopic(topics().size());
    std::set<std::string> seenDocs;
    for (int i = 0; i < kTotalNotes; ++i) {
        AmemNote n;
        n.id = uuid4(rng);
        n.topic = int(rng.below(uint32_t(topics().size())));
        const Topic& t = topics()[size_t(n.topic)];
        std::string a, b;
        do {
            a = rng.pick(t.things);
            do b = rng.pick(t.things);
            while (b == a);
            n.document = "The user " + rng.pick(verbs()) + " " + a + " and mentioned " + b + " during " +
                         rng.pick(settings()) + ".";
        } while (!seenDocs.insert(n.document).second);
        n.keywords = {a, b, t.name};
        n.tags = {t.name, i % 3 == 0 ? "preference" : (i % 3 == 1 ? "habit" : "plan")};
        n.context = std::string("Conversation about ") + t.name;
        auto& earlier = byTopic[size_t(n.topic)];
        const uint32_t linkCount = std::min<uint32_t>(rng.below(3), uint32_t(earlier.size()));
        std::set<size_t> chosen;
        while (chosen.size() < linkCount) chosen.insert(earlier[rng.below(uint32_t(earlier.size()))]);
        for (size_t idx : chosen) n.links.push_back(notes[idx].id);
        n.retrievalCount = int(rng.below(13));
        n.created = kBaseTime + int64_t(i) * 600;
        // Last access: up to three days later, but never after the newest queue entry.
        n.lastAccessed = std::min(n.created + int64_t(rng.below(72)) * 3600, kBaseTime + int64_t(kTotalNotes) * 600);
        n.vec = noisyUnit(rng, centres[size_t(n.topic)], 0.12);
        earlier.push_back(size_t(i));
        notes.push_back(std::move(n));
    }

    // Queue operations after the flushed adds (seq 1..300, already purged from the queue).
    const size_t updatedIdx = 42;
    const std::vector<size_t> deletedIdx = {7, 123};
    const std::string updatedDoc = notes[updatedIdx].document.substr(0, notes[updatedIdx].document.size() - 1) +
                                   ", and later said it matters a lot more now.";
    const int64_t queueBase = kBaseTime + int64_t(kTotalNotes) * 600;

    // --- HNSW graph with the real hnswlib, then Chroma's split persistence layout.
    const fs::path segDir = dir / vectorSegmentId;
    fs::create_directories(segDir);
    HnswHeader h;
    {
        hnswlib::InnerProductSpace space(kDim);
        hnswlib::HierarchicalNSW<float> index(&space, kMaxElements, kM, kEfConstruction, kHnswSeed);
        for (int i = 0; i < kFlushed; ++i) index.addPoint(notes[size_t(i)].vec.data(), size_t(i + 1));
        const fs::path tmp = dir / ".hnsw-single-file.tmp";
        index.saveIndex(tmp.string());
        const std::string single = readFile(tmp);
        std::error_code ec;
        fs::remove(tmp, ec);
        if (ec) fail("cannot remove " + tmp.string() + ": " + ec.message());

        ByteReader r(single);
        h.offsetLevel0 = r.pod<uint64_t>("offsetLevel0_");
        h.maxElements = r.pod<uint64_t>("max_elements_");
        h.curElementCount = r.pod<uint64_t>("cur_element_count");
        h.sizeDataPerElement = r.pod<uint64_t>("size_data_per_element_");
        h.labelOffset = r.pod<uint64_t>("label_offset_");
        h.offsetData = r.pod<uint64_t>("offsetData_");
        h.maxLevel = r.pod<int32_t>("maxlevel_");
        h.enterpointNode = r.pod<uint32_t>("enterpoint_node_");
        h.maxM = r.pod<uint64_t>("maxM_");
        h.maxM0 = r.pod<uint64_t>("maxM0_");
        h.M = r.pod<uint64_t>("M_");
        h.mult = r.pod<double>("mult_");
        h.efConstruction = r.pod<uint64_t>("ef_construction_");
        if (h.curElementCount != uint64_t(kFlushed) || h.maxElements != kMaxElements || h.M != kM ||
            h.offsetData + size_t(kDim) * sizeof(float) != h.labelOffset ||
            h.labelOffset + sizeof(uint64_t) != h.sizeDataPerElement)
            fail("unexpected hnswlib header values (is this the hnswlib 0.6/0.7 on-disk format?)");

        const std::string_view level0 = r.bytes(h.curElementCount * h.sizeDataPerElement, "data_level0");
        std::string linkLists;
        for (uint64_t i = 0; i < h.curElementCount; ++i) {
            const uint32_t size = r.pod<uint32_t>("linkListSize");
            appendPod(linkLists, size);
            linkLists += r.bytes(size, "link list");
        }
        if (r.pos() != r.size()) fail("HNSW index file has trailing bytes: unknown format");

        std::string header;
        appendPod<int32_t>(header, 1);  // PERSISTENCE_VERSION
        appendPod(header, h.offsetLevel0);
        appendPod(header, h.maxElements);
        appendPod(header, h.curElementCount);
        appendPod(header, h.sizeDataPerElement);
        appendPod(header, h.labelOffset);
        appendPod(header, h.offsetData);
        appendPod(header, h.maxLevel);
        appendPod(header, h.enterpointNode);
        appendPod(header, h.maxM);
        appendPod(header, h.maxM0);
        appendPod(header, h.M);
        appendPod(header, h.mult);
        appendPod(header, h.efConstruction);

        std::string data0(level0);
        data0.resize(h.maxElements * h.sizeDataPerElement, '\0');

        // length.bin: per internal id, the norm of the vector before normalisation (unused slots: 0).
        std::string lengths;
        for (uint64_t i = 0; i < h.maxElements; ++i) {
            float len = 0.0f;
            if (i < h.curElementCount) {
                uint64_t label = 0;
                std::memcpy(&label, level0.data() + i * h.sizeDataPerElement + h.labelOffset, sizeof label);
                if (label < 1 || label > uint64_t(kFlushed)) fail("unexpected HNSW label " + std::to_string(label));
                len = norm(notes[label - 1].vec);
            }
            appendPod(lengths, len);
        }

        writeFile(segDir / "header.bin", header);
        writeFile(segDir / "data_level0.bin", data0);
        writeFile(segDir / "length.bin", lengths);
        writeFile(segDir / "link_lists.bin", linkLists);
    }

    // index_metadata.pickle
    {
        Pickler p;
        p.emptyDict();
        p.mark();
        p.str("dimensionality");
        p.integer(kDim);
        p.str("total_elements_added");
        p.integer(kFlushed);
        p.str("max_seq_id");
        p.integer(kFlushed);
        p.str("id_to_label");
        p.dict(kFlushed, [&](size_t i) {
            p.str(notes[i].id);
            p.integer(int64_t(i) + 1);
        });
        p.str("label_to_id");
        p.dict(kFlushed, [&](size_t i) {
            p.integer(int64_t(i) + 1);
            p.str(notes[i].id);
        });
        p.str("id_to_seq_id");
        p.dict(kFlushed, [&](size_t i) {
            p.str(notes[i].id);
            p.integer(int64_t(i) + 1);
        });
        p.setItems();
        writeFile(segDir / "index_metadata.pickle", p.finish());
    }

    // --- chroma.sqlite3
    const std::string sysdbDdl = R"SQL(
CREATE TABLE tenants (
    id TEXT PRIMARY KEY
);
CREATE TABLE databases (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    UNIQUE (tenant_id, name)
);
CREATE TABLE collections (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    dimension INTEGER,
    database_id TEXT NOT NULL REFERENCES databases(id),
    config_json_str TEXT,
    schema_str TEXT,
    UNIQUE (name, database_id)
);
CREATE TABLE collection_metadata (
    collection_id TEXT REFERENCES collections(id),
    key TEXT NOT NULL,
    str_value TEXT,
    int_value INTEGER,
    float_value REAL,
    bool_value INTEGER,
    PRIMARY KEY (collection_id, key)
);
CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    scope TEXT NOT NULL,
    collection TEXT NOT NULL REFERENCES collections(id)
);
CREATE TABLE segment_metadata (
    segment_id TEXT REFERENCES segments(id),
    key TEXT NOT NULL,
    str_value TEXT,
    int_value INTEGER,
    float_value REAL,
    bool_value INTEGER,
    PRIMARY KEY (segment_id, key)
);
CREATE TABLE maintenance_log (
    id INT PRIMARY KEY,
    timestamp INT NOT NULL,
    operation TEXT NOT NULL
);
)SQL";
    const std::string metadbDdl = R"SQL(
CREATE TABLE embeddings (
    id INTEGER PRIMARY KEY,
    segment_id TEXT NOT NULL,
    embedding_id TEXT NOT NULL,
    seq_id BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (segment_id, embedding_id)
);
CREATE TABLE embedding_metadata (
    id INTEGER REFERENCES embeddings(id),
    key TEXT NOT NULL,
    string_value TEXT,
    int_value INTEGER,
    float_value REAL,
    bool_value INTEGER,
    PRIMARY KEY (id, key)
);
CREATE TABLE embedding_metadata_array (
    id INTEGER REFERENCES embeddings(id),
    key TEXT NOT NULL,
    string_value TEXT,
    int_value INTEGER,
    float_value REAL,
    bool_value INTEGER
);
CREATE TABLE max_seq_id (
    segment_id TEXT PRIMARY KEY,
    seq_id INTEGER NOT NULL
);
CREATE VIRTUAL TABLE embedding_fulltext_search USING fts5(string_value, tokenize='trigram');
)SQL";
    const std::string queueDdl = R"SQL(
CREATE TABLE embeddings_queue (
    seq_id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    operation INTEGER NOT NULL,
    topic TEXT NOT NULL,
    id TEXT NOT NULL,
    vector BLOB,
    encoding TEXT,
    metadata TEXT
);
CREATE TABLE embeddings_queue_config (
    id INTEGER PRIMARY KEY,
    config_json_str TEXT
);
)SQL";

    json collectionConfig;
    collectionConfig["hnsw"] = {{"space", "cosine"},      {"ef_construction", kEfConstruction},
                                {"ef_search", 100},       {"max_neighbors", kM},
                                {"resize_factor", 1.2},   {"sync_threshold", 100},
                                {"batch_size", 100}};
    collectionConfig["spann"] = nullptr;

    std::map<int, int> queueOps;  // operation code -> count
    int metadataRows = 0;
    {
        Db db(freshDbPath(dir / "chroma.sqlite3"));
        db.exec("CREATE TABLE migrations (dir TEXT NOT NULL, version INTEGER NOT NULL, filename TEXT NOT NULL, "
                "sql TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (dir, version));");
        db.exec("BEGIN");
        const std::pair<const char*, const std::string*> dirs[] = {
            {"embeddings_queue", &queueDdl}, {"sysdb", &sysdbDdl}, {"metadb", &metadbDdl}};
        for (const auto& [name, ddl] : dirs) {
            db.exec(*ddl);
            db.insert("migrations", {{"dir", name},
                                     {"version", 1},
                                     {"filename", std::string("00001-mnemo-fixture-") + name + ".sqlite.sql"},
                                     {"sql", *ddl},
                                     {"hash", md5hex(*ddl)}});
        }

        db.insert("tenants", {{"id", tenant}});
        db.insert("databases", {{"id", databaseId}, {"name", database}, {"tenant_id", tenant}});
        db.insert("collections", {{"id", collectionId},
                                  {"name", "memories"},
                                  {"dimension", kDim},
                                  {"database_id", databaseId},
                                  {"config_json_str", collectionConfig.dump()},
                                  {"schema_str", Val()}});
        db.insert("collection_metadata", {{"collection_id", collectionId}, {"key", "hnsw:space"}, {"str_value", "cosine"}});
        db.insert("segments", {{"id", metadataSegmentId},
                               {"type", "urn:chroma:segment/metadata/sqlite"},
                               {"scope", "METADATA"},
                               {"collection", collectionId}});
        db.insert("segments", {{"id", vectorSegmentId},
                               {"type", "urn:chroma:segment/vector/hnsw-local-persisted"},
                               {"scope", "VECTOR"},
                               {"collection", collectionId}});

        for (int i = 0; i < kFlushed; ++i) {
            const AmemNote& n = notes[size_t(i)];
            const int64_t rowId = i + 1;
            db.insert("embeddings", {{"id", rowId},
                                     {"segment_id", metadataSegmentId},
                                     {"embedding_id", n.id},
                                     {"seq_id", int64_t(i + 1)},
                                     {"created_at", sqlTs(n.created)}});
            db.insert("embedding_metadata", {{"id", rowId}, {"key", "chroma:document"}, {"string_value", n.document}});
            ++metadataRows;
            const json meta = amemMetadataJson(n);
            for (const auto& [key, value] : meta.items()) {
                if (value.is_number_integer())
                    db.insert("embedding_metadata", {{"id", rowId}, {"key", key}, {"int_value", value.get<int64_t>()}});
                else
                    db.insert("embedding_metadata",
                              {{"id", rowId}, {"key", key}, {"string_value", value.get<std::string>()}});
                ++metadataRows;
            }
            db.insert("embedding_fulltext_search", {{"rowid", rowId}, {"string_value", n.document}});
        }
        db.insert("max_seq_id", {{"segment_id", metadataSegmentId}, {"seq_id", int64_t(kFlushed)}});

        int64_t seq = kFlushed;
        int64_t qt = queueBase;
        for (int i = kFlushed; i < kTotalNotes; ++i) {
            const AmemNote& n = notes[size_t(i)];
            json meta;
            meta["chroma:document"] = n.document;
            const json amem = amemMetadataJson(n);
            for (const auto& [key, value] : amem.items()) meta[key] = value;
            db.insert("embeddings_queue", {{"seq_id", ++seq},
                                           {"created_at", sqlTs(qt += 60)},
                                           {"operation", 0},
                                           {"topic", topic},
                                           {"id", n.id},
                                           {"vector", floatsLE(n.vec)},
                                           {"encoding", "FLOAT32"},
                                           {"metadata", meta.dump()}});
            ++queueOps[0];
        }
        {
            const AmemNote& n = notes[updatedIdx];
            json meta;
            meta["chroma:document"] = updatedDoc;
            meta["content"] = updatedDoc;
            meta["retrieval_count"] = n.retrievalCount + 1;
            meta["last_accessed"] = amemTs(qt + 60);
            db.insert("embeddings_queue", {{"seq_id", ++seq},
                                           {"created_at", sqlTs(qt += 60)},
                                           {"operation", 1},
                                           {"topic", topic},
                                           {"id", n.id},
                                           {"vector", Val()},
                                           {"encoding", Val()},
                                           {"metadata", meta.dump()}});
            ++queueOps[1];
        }
        for (size_t idx : deletedIdx) {
            db.insert("embeddings_queue", {{"seq_id", ++seq},
                                           {"created_at", sqlTs(qt += 60)},
                                           {"operation", 3},
                                           {"topic", topic},
                                           {"id", notes[idx].id},
                                           {"vector", Val()},
                                           {"encoding", Val()},
                                           {"metadata", Val()}});
            ++queueOps[3];
        }
        db.insert("embeddings_queue_config",
                  {{"id", 1},
                   {"config_json_str",
                    json{{"automatically_purge", true}, {"_type", "EmbeddingsQueueConfigurationInternal"}}.dump()}});
        db.exec("COMMIT");

        db.expect("SELECT count(*) FROM embeddings", kFlushed);
        db.expect("SELECT count(*) FROM embedding_metadata", metadataRows);
        db.expect("SELECT count(*) FROM embeddings_queue", kQueueAdds + 3);
        db.expect("SELECT seq FROM sqlite_sequence WHERE name = 'embeddings_queue'", kFlushed + kQueueAdds + 3);
        db.expect("SELECT count(*) FROM embedding_fulltext_search WHERE string_value MATCH 'sourdough'",
                  std::count_if(notes.begin(), notes.begin() + kFlushed, [](const AmemNote& n) {
                      return n.document.find("sourdough") != std::string::npos;
                  }));
        db.close();
    }

    // --- manifest
    std::set<std::string> deletedIds;
    for (size_t idx : deletedIdx) deletedIds.insert(notes[idx].id);
    int linkEdges = 0;
    for (int i = 0; i < kTotalNotes; ++i)
        if (!deletedIds.count(notes[size_t(i)].id)) linkEdges += int(notes[size_t(i)].links.size());
    std::map<std::string, int> liveByCategory;
    for (const auto& n : notes)
        if (!deletedIds.count(n.id)) ++liveByCategory[topics()[size_t(n.topic)].name];

    // Exact cosine neighbours among the vectors in the HNSW segment (ties broken by label).
    auto knn = [&](size_t q, size_t k) {
        std::vector<std::pair<float, size_t>> d;
        for (size_t i = 0; i < size_t(kFlushed); ++i) d.emplace_back(1.0f - dot(notes[q].vec, notes[i].vec), i);
        std::sort(d.begin(), d.end());
        json out = json::array();
        for (size_t i = 0; i < k; ++i)
            out.push_back({{"id", notes[d[i].second].id}, {"label", d[i].second + 1}, {"cosine_distance", round4(d[i].first)}});
        return out;
    };

    json m = manifestHeader(kind, vendor, "anchors-agentmemory.md 1.4 (Chroma) + 1.10 (A-MEM metadata)");
    m["files"] = {"chroma.sqlite3",
                  vectorSegmentId + "/header.bin",
                  vectorSegmentId + "/data_level0.bin",
                  vectorSegmentId + "/length.bin",
                  vectorSegmentId + "/link_lists.bin",
                  vectorSegmentId + "/index_metadata.pickle",
                  "manifest.json",
                  kMarkerName};
    m["tenant"] = tenant;
    m["database"] = database;
    m["database_id"] = databaseId;
    m["collection"] = {{"id", collectionId}, {"name", "memories"}, {"dimension", kDim}, {"space", "cosine"}};
    m["segments"] = {{"metadata", {{"id", metadataSegmentId}, {"type", "urn:chroma:segment/metadata/sqlite"}, {"scope", "METADATA"}}},
                     {"vector", {{"id", vectorSegmentId}, {"type", "urn:chroma:segment/vector/hnsw-local-persisted"}, {"scope", "VECTOR"}}}};
    m["dimension"] = kDim;
    m["counts"] = {{"flushed_records", kFlushed},
                   {"queue_only_adds", kQueueAdds},
                   {"queue_updates", queueOps[1]},
                   {"queue_deletes", queueOps[3]},
                   {"queue_rows", kQueueAdds + queueOps[1] + queueOps[3]},
                   {"live_records", kTotalNotes - int(deletedIds.size())},
                   {"embedding_metadata_rows", metadataRows},
                   {"embedding_metadata_array_rows", 0},
                   {"fulltext_rows", kFlushed},
                   {"link_edges_from_live_notes", linkEdges}};
    m["live_by_category"] = liveByCategory;
    m["history_events_by_action"] = {{"queue_operation_0_add", queueOps[0]},
                                     {"queue_operation_1_update", queueOps[1]},
                                     {"queue_operation_3_delete", queueOps[3]}};
    m["users"] = json::array();
    m["agents"] = json::array();
    m["threads"] = json::array();
    m["deleted_ids"] = deletedIds;
    m["updated"] = {{"id", notes[updatedIdx].id}, {"old_text", notes[updatedIdx].document}, {"new_text", updatedDoc},
                    {"new_retrieval_count", notes[updatedIdx].retrievalCount + 1}};
    m["seq_ids"] = {{"flushed_max_seq_id", kFlushed},
                    {"queue_first", kFlushed + 1},
                    {"queue_last", kFlushed + kQueueAdds + queueOps[1] + queueOps[3]},
                    {"queue_topic", topic}};
    m["hnsw"] = {{"persistence_version", 1},
                 {"labels", "sequential from 1 in seq_id order"},
                 {"max_elements", h.maxElements},
                 {"cur_element_count", h.curElementCount},
                 {"M", h.M},
                 {"maxM0", h.maxM0},
                 {"ef_construction", h.efConstruction},
                 {"size_data_per_element", h.sizeDataPerElement},
                 {"offset_data", h.offsetData},
                 {"label_offset", h.labelOffset},
                 {"space", "ip on normalised vectors (cosine)"},
                 {"length_bin", "float32 norm before normalisation per internal id; 0 for unused slots"}};
    json samples = json::array();
    for (size_t idx : {size_t(0), size_t(1), size_t(150), size_t(299), size_t(300), size_t(314)})
        samples.push_back({{"id", notes[idx].id},
                           {"text", notes[idx].document},
                           {"where", idx < size_t(kFlushed) ? "flushed" : "queue_only"},
                           {"category", topics()[size_t(notes[idx].topic)].name},
                           {"keywords", notes[idx].keywords},
                           {"links", notes[idx].links},
                           {"timestamp", amemTs(notes[idx].created)}});
    samples.push_back({{"id", notes[updatedIdx].id}, {"text", updatedDoc}, {"where", "flushed, updated in queue"}});
    m["samples"] = samples;
    m["knn_exact_in_hnsw_segment"] = json::array({json{{"query_id", notes[0].id}, {"neighbours", knn(0, 5)}},
                                                   json{{"query_id", notes[150].id}, {"neighbours", knn(150, 5)}}});
    writeManifest(dir, m);
}

// ---------------------------------------------------------------------------------------------------------------------
// 2. Letta V1 server sqlite.db

void generateLetta(const fs::path& outDir) {
    const std::string kind = "letta";
    const std::string vendor = "letta (Python server, SQLAlchemy ORM)";
    const fs::path dir = prepareKindDir(outDir, kind);
    writeMarker(dir, kind, vendor);  // first, so a half-written folder can still be replaced
    Rng rng(0x1E77A002ull);

    const std::string ddl = R"SQL(
CREATE TABLE organizations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL,
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE TABLE users (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, organization_id TEXT REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE TABLE agents (
    id TEXT PRIMARY KEY, name TEXT, description TEXT, agent_type TEXT, system TEXT,
    message_ids JSON, llm_config JSON, embedding_config JSON, tool_rules JSON, metadata_ JSON,
    enable_sleeptime BOOLEAN, last_run_completion DATETIME, last_stop_reason TEXT, timezone TEXT, hidden BOOLEAN,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE TABLE block (
    id TEXT PRIMARY KEY, label TEXT NOT NULL, value TEXT NOT NULL, "limit" INTEGER NOT NULL, description TEXT,
    metadata_ JSON, read_only BOOLEAN NOT NULL DEFAULT 0, hidden BOOLEAN, is_template BOOLEAN NOT NULL DEFAULT 0,
    template_name TEXT, current_history_entry_id TEXT, version INTEGER NOT NULL DEFAULT 1,
    organization_id TEXT REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE TABLE block_history (
    id TEXT PRIMARY KEY, block_id TEXT NOT NULL REFERENCES block(id), sequence_number INTEGER NOT NULL,
    label TEXT NOT NULL, value TEXT NOT NULL, "limit" INTEGER NOT NULL, description TEXT, metadata_ JSON,
    actor_type TEXT, actor_id TEXT, organization_id TEXT REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT,
    UNIQUE (block_id, sequence_number)
);
CREATE TABLE blocks_agents (
    agent_id TEXT NOT NULL REFERENCES agents(id), block_id TEXT NOT NULL REFERENCES block(id),
    block_label TEXT NOT NULL,
    PRIMARY KEY (agent_id, block_id), UNIQUE (agent_id, block_label)
);
CREATE TABLE archives (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, embedding_config JSON, metadata_ JSON,
    organization_id TEXT REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE TABLE archives_agents (
    agent_id TEXT NOT NULL REFERENCES agents(id), archive_id TEXT NOT NULL REFERENCES archives(id),
    is_owner BOOLEAN NOT NULL DEFAULT 1, created_at DATETIME,
    PRIMARY KEY (agent_id, archive_id)
);
CREATE TABLE archival_passages (
    id TEXT PRIMARY KEY, text TEXT NOT NULL, embedding BLOB, embedding_config JSON, metadata_ JSON, tags JSON,
    archive_id TEXT NOT NULL REFERENCES archives(id), organization_id TEXT REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE INDEX archival_passages_org_idx ON archival_passages (organization_id);
CREATE INDEX archival_passages_created_at_id_idx ON archival_passages (created_at, id);
CREATE TABLE messages (
    id TEXT PRIMARY KEY, agent_id TEXT NOT NULL REFERENCES agents(id), role TEXT NOT NULL, text TEXT,
    content JSON, model TEXT, name TEXT, tool_calls JSON, tool_call_id TEXT, tool_returns JSON,
    step_id TEXT, run_id TEXT, otid TEXT, group_id TEXT, sender_id TEXT, conversation_id TEXT,
    is_err BOOLEAN, sequence_id INTEGER NOT NULL UNIQUE,
    organization_id TEXT REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE INDEX ix_messages_agent_created_at ON messages (agent_id, created_at);
CREATE TABLE identities (
    id TEXT PRIMARY KEY, identifier_key TEXT NOT NULL, name TEXT NOT NULL, identity_type TEXT NOT NULL,
    project_id TEXT, properties JSON, organization_id TEXT REFERENCES organizations(id),
    created_at DATETIME, updated_at DATETIME, is_deleted BOOLEAN NOT NULL DEFAULT 0,
    _created_by_id TEXT, _last_updated_by_id TEXT
);
CREATE TABLE identities_agents (
    identity_id TEXT NOT NULL REFERENCES identities(id), agent_id TEXT NOT NULL REFERENCES agents(id),
    PRIMARY KEY (identity_id, agent_id)
);
CREATE TABLE identities_blocks (
    identity_id TEXT NOT NULL REFERENCES identities(id), block_id TEXT NOT NULL REFERENCES block(id),
    PRIMARY KEY (identity_id, block_id)
);
)SQL";

    int64_t clock = kBaseTime;
    auto tick = [&](int64_t seconds) { return clock += seconds; };

    const std::string orgId = "org-" + uuid4(rng);
    const std::string userId = "user-" + uuid4(rng);
    const json embeddingConfig = {{"embedding_endpoint_type", "openai"},
                                  {"embedding_endpoint", "https://api.openai.com/v1"},
                                  {"embedding_model", "text-embedding-3-small"},
                                  {"embedding_dim", kDim},
                                  {"embedding_chunk_size", 300},
                                  {"handle", "openai/text-embedding-3-small"},
                                  {"batch_size", 32}};
    const json llmConfig = {{"model", "gpt-4o-mini"},
                            {"model_endpoint_type", "openai"},
                            {"model_endpoint", "https://api.openai.com/v1"},
                            {"context_window", 128000},
                            {"handle", "openai/gpt-4o-mini"},
                            {"temperature", 0.7}};

    struct Agent {
        std::string id, name, description, type, system;
        std::vector<std::string> messageIds;
        std::string archiveId;
        int64_t created;
    };
    std::vector<Agent> agents = {
        {"agent-" + uuid4(rng), "companion", "Personal companion that remembers Alice's life and preferences",
         "memgpt_v2_agent", "You are a warm personal companion. Keep core memory up to date.", {}, "", 0},
        {"agent-" + uuid4(rng), "research-assistant", "Helps Alice track reading and research notes",
         "letta_v1_agent", "You are a careful research assistant. File findings in archival memory.", {}, "", 0}};

    struct Block {
        std::string id, label, description;
        std::vector<std::string> versions;  // block_history values, oldest first; the last one is block.value
        std::vector<int> editorAgent;       // per version: -1 user, else agent index
        std::vector<std::string> historyIds;
    };
    std::vector<Block> blocks = {
        {"block-" + uuid4(rng), "human", "Facts about the human, shared by both agents",
         {"Name: Alice.", "Name: Alice. Lives in Lisbon.", "Name: Alice. Lives in Lisbon. Works as a data engineer.",
          "Name: Alice. Lives in Porto (moved from Lisbon in February 2026). Works as a data engineer.",
          "Name: Alice. Lives in Porto (moved from Lisbon in February 2026). Works as a data engineer. Prefers concise "
          "answers with sources."},
         {-1, 0, 0, 1, 0},
         {}},
        {"block-" + uuid4(rng), "persona", "The companion's persona",
         {"I am a friendly companion.", "I am a friendly companion. I ask one follow-up question at a time.",
          "I am a friendly companion. I ask one follow-up question at a time and remember birthdays."},
         {-1, 0, 0},
         {}},
        {"block-" + uuid4(rng), "persona", "The research assistant's persona",
         {"I am a research assistant.", "I am a research assistant. I cite sources.",
          "I am a research assistant. I cite sources and keep a reading list.",
          "I am a research assistant. I cite sources, keep a reading list and flag contradictions."},
         {-1, 1, 1, 1},
         {}}};
    // blocks_agents: human shared by both agents; persona 1 -> agent 0, persona 2 -> agent 1.
    const std::vector<std::pair<int, int>> blockLinks = {{0, 0}, {1, 0}, {0, 1}, {2, 1}};

    struct Passage {
        std::string id, text, archiveId;
        std::vector<std::string> tags;
        Vec vec;
        bool deleted = false;
        int64_t created;
    };
    const auto centres = makeCentres(rng, int(topics().size()));
    std::vector<Passage> passages;

    struct Message {
        std::string id, agentId, role, text, toolCallId, name;
        json toolCalls;
        int64_t sequenceId, created;
    };
    std::vector<Message> messages;

    const std::string identityId = "identity-" + uuid4(rng);

    Db db(freshDbPath(dir / "sqlite.db"));
    db.exec(ddl);
    db.exec("BEGIN");
    auto base = [&](Row row, int64_t created, int64_t updated, bool deleted = false) {
        row.emplace_back("created_at", sqlaTz(created));
        row.emplace_back("updated_at", sqlaTz(updated));
        row.emplace_back("is_deleted", deleted);
        row.emplace_back("_created_by_id", userId);
        row.emplace_back("_last_updated_by_id", userId);
        return row;
    };

    const int64_t t0 = tick(0);
    db.insert("organizations", base({{"id", orgId}, {"name", "default_org"}}, t0, t0));
    db.insert("users", base({{"id", userId}, {"name", "alice"}, {"organization_id", orgId}}, t0, t0));

    for (auto& a : agents) {
        a.created = tick(120);
        a.archiveId = "archive-" + uuid4(rng);
    }

    // Passages: 15 for the companion, 10 for the research assistant; one soft-deleted.
    for (int i = 0; i < 25; ++i) {
        Passage p;
        p.id = "passage-" + uuid4(rng);
        const int agentIdx = i < 15 ? 0 : 1;
        p.archiveId = agents[size_t(agentIdx)].archiveId;
        const int topicIdx = agentIdx == 0 ? int(rng.below(6)) : (i % 2 == 0 ? 2 : 5);
        const Topic& t = topics()[size_t(topicIdx)];
        const std::string a = rng.pick(t.things);
        p.text = "Alice " + rng.pick(verbs()) + " " + a + " (" + t.name + ", noted " + std::to_string(i + 1) + ").";
        p.tags = {t.name, agentIdx == 0 ? "companion" : "research"};
        p.vec = noisyUnit(rng, centres[size_t(topicIdx)], 0.12);
        p.deleted = (i == 5);
        p.created = tick(300);
        passages.push_back(std::move(p));
    }

    // Messages: 12 for the companion (with one tool call), 8 for the research assistant.
    int64_t seq = 0;
    auto addMessage = [&](int agentIdx, const std::string& role, const std::string& text, json toolCalls = nullptr,
                          const std::string& toolCallId = "") {
        Message msg;
        msg.id = "message-" + uuid4(rng);
        msg.agentId = agents[size_t(agentIdx)].id;
        msg.role = role;
        msg.text = text;
        msg.toolCalls = std::move(toolCalls);
        msg.toolCallId = toolCallId;
        msg.sequenceId = ++seq;
        msg.created = tick(45);
        messages.push_back(msg);
        return messages.size() - 1;
    };
    addMessage(0, "system", agents[0].system);
    addMessage(1, "system", agents[1].system);
    const std::vector<std::pair<std::string, std::string>> companionTurns = {
        {"Hi! I just moved to Porto.", "Welcome to Porto! How is the new flat?"},
        {"Small but bright. Can you remember that I like concise answers?", "Noted: concise answers from now on."},
        {"What was that risotto recipe I liked?", "The mushroom risotto with thyme; I saved it in your notes."},
        {"Remind me about the tax deadline.", "Your tax filing is due at the end of June."}};
    for (const auto& [u, a] : companionTurns) {
        addMessage(0, "user", u);
        addMessage(0, "assistant", a);
    }
    const std::string callId = "call_" + hex64(rng.next()).substr(0, 12);
    addMessage(0, "assistant", "Saving the Porto move to archival memory.",
               json::array({{{"id", callId},
                             {"type", "function"},
                             {"function",
                              {{"name", "archival_memory_insert"},
                               {"arguments", json{{"content", "Alice moved to Porto in February 2026."}}.dump()}}}}}));
    addMessage(0, "tool", json{{"status", "OK"}, {"message", "None"}}.dump(), nullptr, callId);
    addMessage(0, "user", "Good night!");
    const std::vector<std::pair<std::string, std::string>> researchTurns = {
        {"Summarise the paper on HNSW graphs.", "HNSW builds a layered small-world graph for fast k-NN search."},
        {"Add it to my reading list.", "Added to your reading list with a note on index persistence."},
        {"Any contradictions with last week's notes?", "One: last week you noted ef_search 50; the paper uses 100."}};
    for (const auto& [u, a] : researchTurns) {
        addMessage(1, "user", u);
        addMessage(1, "assistant", a);
    }
    addMessage(1, "user", "Thanks, that's all for today.");

    // message_ids: the in-context window = system message + the last 5 messages of each agent.
    for (size_t ai = 0; ai < agents.size(); ++ai) {
        std::vector<std::string> own;
        for (const auto& msg : messages)
            if (msg.agentId == agents[ai].id) own.push_back(msg.id);
        agents[ai].messageIds.push_back(own.front());
        for (size_t k = own.size() > 6 ? own.size() - 5 : 1; k < own.size(); ++k) agents[ai].messageIds.push_back(own[k]);
    }

    const int64_t tAgentsUpdated = tick(60);
    for (const auto& a : agents) {
        db.insert("agents", base({{"id", a.id},
                                  {"name", a.name},
                                  {"description", a.description},
                                  {"agent_type", a.type},
                                  {"system", a.system},
                                  {"message_ids", jsonText(a.messageIds)},
                                  {"llm_config", llmConfig.dump()},
                                  {"embedding_config", embeddingConfig.dump()},
                                  {"tool_rules", "[]"},
                                  {"metadata_", json{{"fixture", "mnemo"}}.dump()},
                                  {"enable_sleeptime", false},
                                  {"last_run_completion", sqlaTz(tAgentsUpdated)},
                                  {"last_stop_reason", "end_turn"},
                                  {"timezone", "Europe/Lisbon"},
                                  {"hidden", Val()},
                                  {"organization_id", orgId}},
                                 a.created, tAgentsUpdated));
        db.insert("archives", base({{"id", a.archiveId},
                                    {"name", a.name + "-archive"},
                                    {"description", "Archival memory of " + a.name},
                                    {"embedding_config", embeddingConfig.dump()},
                                    {"metadata_", "{}"},
                                    {"organization_id", orgId}},
                                   a.created, a.created));
        db.insert("archives_agents",
                  {{"agent_id", a.id}, {"archive_id", a.archiveId}, {"is_owner", true}, {"created_at", sqlaTz(a.created)}});
    }

    // Blocks and their history. Versions are spread over the morning.
    int historyRows = 0;
    for (auto& b : blocks) {
        const int64_t createdAt = tick(30);
        int64_t last = createdAt;
        for (size_t v = 0; v < b.versions.size(); ++v) {
            b.historyIds.push_back("block_hist-" + uuid4(rng));
            last = tick(900);
            const bool byUser = b.editorAgent[v] < 0;
            db.insert("block_history",
                      base({{"id", b.historyIds.back()},
                            {"block_id", b.id},
                            {"sequence_number", int(v + 1)},
                            {"label", b.label},
                            {"value", b.versions[v]},
                            {"limit", 5000},
                            {"description", b.description},
                            {"metadata_", "{}"},
                            {"actor_type", byUser ? "letta_user" : "letta_agent"},
                            {"actor_id", byUser ? userId : agents[size_t(b.editorAgent[v])].id},
                            {"organization_id", orgId}},
                           last, last));
            ++historyRows;
        }
        db.insert("block", base({{"id", b.id},
                                 {"label", b.label},
                                 {"value", b.versions.back()},
                                 {"limit", 5000},
                                 {"description", b.description},
                                 {"metadata_", "{}"},
                                 {"read_only", false},
                                 {"hidden", Val()},
                                 {"is_template", false},
                                 {"template_name", Val()},
                                 {"current_history_entry_id", b.historyIds.back()},
                                 {"version", int(b.versions.size())},
                                 {"organization_id", orgId}},
                                createdAt, last));
    }
    for (const auto& [bi, ai] : blockLinks)
        db.insert("blocks_agents", {{"agent_id", agents[size_t(ai)].id},
                                    {"block_id", blocks[size_t(bi)].id},
                                    {"block_label", blocks[size_t(bi)].label}});

    for (const auto& p : passages)
        db.insert("archival_passages", base({{"id", p.id},
                                             {"text", p.text},
                                             {"embedding", floatsLE(p.vec)},
                                             {"embedding_config", embeddingConfig.dump()},
                                             {"metadata_", "{}"},
                                             {"tags", jsonText(p.tags)},
                                             {"archive_id", p.archiveId},
                                             {"organization_id", orgId}},
                                            p.created, p.deleted ? p.created + 3600 : p.created, p.deleted));

    for (const auto& msg : messages)
        db.insert("messages", base({{"id", msg.id},
                                    {"agent_id", msg.agentId},
                                    {"role", msg.role},
                                    {"text", msg.text},
                                    {"content", json::array({{{"type", "text"}, {"text", msg.text}}}).dump()},
                                    {"model", msg.role == "assistant" ? Val("gpt-4o-mini") : Val()},
                                    {"name", Val()},
                                    {"tool_calls", msg.toolCalls.is_null() ? Val() : Val(msg.toolCalls.dump())},
                                    {"tool_call_id", msg.toolCallId.empty() ? Val() : Val(msg.toolCallId)},
                                    {"is_err", Val()},
                                    {"sequence_id", msg.sequenceId},
                                    {"organization_id", orgId}},
                                   msg.created, msg.created));

    const int64_t tIdentity = tick(10);
    db.insert("identities", base({{"id", identityId},
                                  {"identifier_key", "alice@example.com"},
                                  {"name", "Alice"},
                                  {"identity_type", "user"},
                                  {"project_id", Val()},
                                  {"properties", "[]"},
                                  {"organization_id", orgId}},
                                 tIdentity, tIdentity));
    for (const auto& a : agents) db.insert("identities_agents", {{"identity_id", identityId}, {"agent_id", a.id}});
    db.insert("identities_blocks", {{"identity_id", identityId}, {"block_id", blocks[0].id}});
    db.exec("COMMIT");

    const int livePassages = int(std::count_if(passages.begin(), passages.end(), [](const Passage& p) { return !p.deleted; }));
    db.expect("SELECT count(*) FROM archival_passages WHERE is_deleted = 0", livePassages);
    db.expect("SELECT count(*) FROM block_history", historyRows);
    db.expect("SELECT count(*) FROM messages", int64_t(messages.size()));
    db.expect("SELECT count(*) FROM blocks_agents WHERE block_id = (SELECT id FROM block WHERE version = 5)", 2);
    db.close();

    json m = manifestHeader(kind, vendor, "anchors-agentmemory.md 1.6 (Letta V1 server)");
    m["files"] = {"sqlite.db", "manifest.json", kMarkerName};
    m["dimension"] = kDim;
    m["organization_id"] = orgId;
    m["users"] = json::array({{{"id", userId}, {"name", "alice"}}});
    json agentsJ = json::array();
    for (size_t ai = 0; ai < agents.size(); ++ai) {
        json blockIds = json::array();
        for (const auto& [bi, aj] : blockLinks)
            if (size_t(aj) == ai) blockIds.push_back(blocks[size_t(bi)].id);
        int msgCount = 0, livePass = 0;
        for (const auto& msg : messages) msgCount += msg.agentId == agents[ai].id;
        for (const auto& p : passages) livePass += (p.archiveId == agents[ai].archiveId && !p.deleted);
        agentsJ.push_back({{"id", agents[ai].id},
                           {"name", agents[ai].name},
                           {"agent_type", agents[ai].type},
                           {"archive_id", agents[ai].archiveId},
                           {"block_ids", blockIds},
                           {"messages", msgCount},
                           {"in_context_message_ids", agents[ai].messageIds},
                           {"live_archival_passages", livePass}});
    }
    m["agents"] = agentsJ;
    m["threads"] = json::array();
    json blocksJ = json::array();
    for (const auto& b : blocks)
        blocksJ.push_back({{"id", b.id},
                           {"label", b.label},
                           {"versions", b.versions.size()},
                           {"value", b.versions.back()},
                           {"first_value", b.versions.front()},
                           {"current_history_entry_id", b.historyIds.back()}});
    m["blocks"] = blocksJ;
    m["shared_block_id"] = blocks[0].id;
    std::map<std::string, int> byRole;
    for (const auto& msg : messages) ++byRole[msg.role];
    std::map<std::string, int> actorTypes;
    for (const auto& b : blocks)
        for (int e : b.editorAgent) ++actorTypes[e < 0 ? "letta_user" : "letta_agent"];
    m["counts"] = {{"agents", agents.size()},
                   {"blocks", blocks.size()},
                   {"block_history", historyRows},
                   {"blocks_agents", blockLinks.size()},
                   {"archival_passages_total", passages.size()},
                   {"archival_passages_live", livePassages},
                   {"messages", messages.size()},
                   {"identities", 1}};
    m["history_events_by_action"] = {{"block_history_by_actor_type", actorTypes}};
    m["messages_by_role"] = byRole;
    json deleted = json::array();
    for (const auto& p : passages)
        if (p.deleted) deleted.push_back(p.id);
    m["deleted_ids"] = deleted;
    m["identity"] = {{"id", identityId}, {"identifier_key", "alice@example.com"}, {"agents", 2}, {"blocks", json::array({blocks[0].id})}};
    m["samples"] = json::array({samplePair(passages[0].id, passages[0].text), samplePair(passages[24].id, passages[24].text),
                                samplePair(messages[2].id, messages[2].text), samplePair(blocks[0].id, blocks[0].versions.back())});
    m["timestamp_format"] = "YYYY-MM-DD HH:MM:SS.ffffff+00:00";
    writeManifest(dir, m);
}

// ---------------------------------------------------------------------------------------------------------------------
// 3. OpenMemory openmemory.db

void generateOpenMemory(const fs::path& outDir) {
    const std::string kind = "openmemory";
    const std::string vendor = "mem0 OpenMemory API (SQLAlchemy)";
    const fs::path dir = prepareKindDir(outDir, kind);
    writeMarker(dir, kind, vendor);  // first, so a half-written folder can still be replaced
    Rng rng(0x0BE2003ull);

    const std::string ddl = R"SQL(
CREATE TABLE users (
    id CHAR(32) PRIMARY KEY, user_id VARCHAR NOT NULL UNIQUE, name VARCHAR, email VARCHAR UNIQUE,
    metadata JSON, created_at DATETIME, updated_at DATETIME
);
CREATE TABLE apps (
    id CHAR(32) PRIMARY KEY, owner_id CHAR(32) NOT NULL REFERENCES users(id), name VARCHAR NOT NULL,
    description VARCHAR, metadata JSON, is_active BOOLEAN, created_at DATETIME, updated_at DATETIME,
    UNIQUE (owner_id, name)
);
CREATE TABLE configs (
    id CHAR(32) PRIMARY KEY, key VARCHAR NOT NULL UNIQUE, value JSON NOT NULL, created_at DATETIME, updated_at DATETIME
);
CREATE TABLE memories (
    id CHAR(32) PRIMARY KEY, user_id CHAR(32) NOT NULL REFERENCES users(id), app_id CHAR(32) NOT NULL REFERENCES apps(id),
    content VARCHAR NOT NULL, vector VARCHAR, metadata JSON,
    state VARCHAR(8), created_at DATETIME, updated_at DATETIME, archived_at DATETIME, deleted_at DATETIME
);
CREATE INDEX idx_memory_user_state ON memories (user_id, state);
CREATE TABLE categories (
    id CHAR(32) PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, description VARCHAR, created_at DATETIME, updated_at DATETIME
);
CREATE TABLE memory_categories (
    memory_id CHAR(32) NOT NULL REFERENCES memories(id), category_id CHAR(32) NOT NULL REFERENCES categories(id),
    PRIMARY KEY (memory_id, category_id)
);
CREATE TABLE access_controls (
    id CHAR(32) PRIMARY KEY, subject_type VARCHAR NOT NULL, subject_id CHAR(32), object_type VARCHAR NOT NULL,
    object_id CHAR(32), effect VARCHAR NOT NULL, created_at DATETIME
);
CREATE TABLE archive_policies (
    id CHAR(32) PRIMARY KEY, criteria_type VARCHAR NOT NULL, criteria_id CHAR(32), days_to_archive INTEGER NOT NULL,
    created_at DATETIME
);
CREATE TABLE memory_status_history (
    id CHAR(32) PRIMARY KEY, memory_id CHAR(32) NOT NULL REFERENCES memories(id),
    changed_by CHAR(32) NOT NULL REFERENCES users(id), old_state VARCHAR(8) NOT NULL, new_state VARCHAR(8) NOT NULL,
    changed_at DATETIME
);
CREATE TABLE memory_access_logs (
    id CHAR(32) PRIMARY KEY, memory_id CHAR(32) NOT NULL REFERENCES memories(id), app_id CHAR(32) NOT NULL REFERENCES apps(id),
    accessed_at DATETIME, access_type VARCHAR NOT NULL, metadata JSON
);
)SQL";

    int64_t clock = kBaseTime;
    auto tick = [&](int64_t s) { return clock += s; };

    struct User {
        std::string id, userId, name, email;
    };
    std::vector<User> users = {{uuidHex(rng), "alice", "Alice Martins", "alice@example.com"},
                               {uuidHex(rng), "bob", "Bob Okafor", "bob@example.com"}};
    struct App {
        std::string id, name;
        int owner;
        bool active;
    };
    std::vector<App> apps = {{uuidHex(rng), "claude", 0, true}, {uuidHex(rng), "cursor", 0, false}, {uuidHex(rng), "windsurf", 1, true}};

    const std::vector<std::string> categoryNames = {"personal", "work", "preferences", "health", "travel", "finance"};
    std::vector<std::string> categoryIds;
    for (size_t i = 0; i < categoryNames.size(); ++i) categoryIds.push_back(uuidHex(rng));

    struct Memory {
        std::string id, content, hash;
        int user, app, topic;
        std::vector<std::string> path;  // state transitions; front() is the initial state ("active")
        std::vector<int> categories;
        int64_t created, updated;
        int64_t archivedAt = 0, deletedAt = 0;
        Vec vec;
    };
    const auto centres = makeCentres(rng, int(topics().size()));
    // topic index -> category index
    const std::map<int, int> topicCategory = {{0, 2}, {1, 4}, {2, 1}, {3, 3}, {4, 0}, {5, 5}};
    // Planned state paths for 20 memories (12 alice, 8 bob).
    const std::vector<std::vector<std::string>> paths = {
        {"active"}, {"active"}, {"active", "paused", "active"}, {"active"}, {"active", "paused"}, {"active"},
        {"active", "archived"}, {"active"}, {"active", "deleted"}, {"active", "paused", "archived"}, {"active"},
        {"active", "paused", "active"},
        // bob
        {"active"}, {"active", "archived", "deleted"}, {"active"}, {"active", "paused"}, {"active", "archived"},
        {"active"}, {"active", "paused", "active"}, {"active"}};
    std::vector<Memory> memories;
    std::set<std::string> seen;
    for (size_t i = 0; i < paths.size(); ++i) {
        Memory mem;
        mem.id = uuidHex(rng);
        mem.user = i < 12 ? 0 : 1;
        mem.app = mem.user == 1 ? 2 : (i % 4 == 3 ? 1 : 0);
        mem.topic = int(rng.below(6));
        const Topic& t = topics()[size_t(mem.topic)];
        do {
            mem.content = (mem.user == 0 ? "Alice " : "Bob ") + rng.pick(verbs()) + " " + rng.pick(t.things);
        } while (!seen.insert(mem.content).second);
        mem.hash = md5hex(mem.content);
        mem.path = paths[i];
        mem.categories = {topicCategory.at(mem.topic)};
        if (i % 5 == 0) mem.categories.push_back(0);
        std::sort(mem.categories.begin(), mem.categories.end());
        mem.categories.erase(std::unique(mem.categories.begin(), mem.categories.end()), mem.categories.end());
        mem.created = tick(420);
        mem.updated = mem.created;
        mem.vec = noisyUnit(rng, centres[size_t(mem.topic)], 0.12);
        memories.push_back(std::move(mem));
    }

    Db db(freshDbPath(dir / "openmemory.db"));
    db.exec(ddl);
    db.exec("BEGIN");
    const int64_t tUsers = kBaseTime;
    for (const auto& u : users)
        db.insert("users", {{"id", u.id},
                            {"user_id", u.userId},
                            {"name", u.name},
                            {"email", u.email},
                            {"metadata", "{}"},
                            {"created_at", sqlaNaive(tUsers)},
                            {"updated_at", sqlaNaive(tUsers)}});
    for (const auto& a : apps)
        db.insert("apps", {{"id", a.id},
                           {"owner_id", users[size_t(a.owner)].id},
                           {"name", a.name},
                           {"description", Val()},
                           {"metadata", "{}"},
                           {"is_active", a.active},
                           {"created_at", sqlaNaive(tUsers + 60)},
                           {"updated_at", sqlaNaive(a.active ? tUsers + 60 : tUsers + 7200)}});
    db.insert("configs",
              {{"id", uuidHex(rng)},
               {"key", "main"},
               {"value", json{{"openmemory", {{"custom_instructions", nullptr}}},
                              {"mem0",
                               {{"llm", {{"provider", "openai"}, {"config", {{"model", "gpt-4o-mini"}, {"temperature", 0.1}}}}},
                                {"embedder", {{"provider", "openai"}, {"config", {{"model", "text-embedding-3-small"}}}}}}}}
                             .dump()},
               {"created_at", sqlaNaive(tUsers)},
               {"updated_at", sqlaNaive(tUsers)}});
    for (size_t i = 0; i < categoryNames.size(); ++i)
        db.insert("categories", {{"id", categoryIds[i]},
                                 {"name", categoryNames[i]},
                                 {"description", "Automatically created category: " + categoryNames[i]},
                                 {"created_at", sqlaNaive(tUsers + 30)},
                                 {"updated_at", sqlaNaive(tUsers + 30)}});

    // Status history: one row per transition, after all memories exist.
    std::map<std::string, int> transitions;
    int historyRows = 0;
    for (auto& mem : memories) {
        for (size_t k = 1; k < mem.path.size(); ++k) {
            const int64_t at = tick(240);
            db.insert("memory_status_history", {{"id", uuidHex(rng)},
                                                {"memory_id", mem.id},
                                                {"changed_by", users[size_t(mem.user)].id},
                                                {"old_state", mem.path[k - 1]},
                                                {"new_state", mem.path[k]},
                                                {"changed_at", sqlaNaive(at)}});
            ++transitions[mem.path[k - 1] + "->" + mem.path[k]];
            ++historyRows;
            mem.updated = at;
            if (mem.path[k] == "archived") mem.archivedAt = at;
            if (mem.path[k] == "deleted") mem.deletedAt = at;
        }
    }
    for (const auto& mem : memories) {
        const std::string& app = apps[size_t(mem.app)].name;
        db.insert("memories", {{"id", mem.id},
                               {"user_id", users[size_t(mem.user)].id},
                               {"app_id", apps[size_t(mem.app)].id},
                               {"content", mem.content},
                               {"vector", Val()},
                               {"metadata", json{{"source_app", "openmemory"}, {"mcp_client", app}}.dump()},
                               {"state", mem.path.back()},
                               {"created_at", sqlaNaive(mem.created)},
                               {"updated_at", sqlaNaive(mem.updated)},
                               {"archived_at", mem.archivedAt ? Val(sqlaNaive(mem.archivedAt)) : Val()},
                               {"deleted_at", mem.deletedAt ? Val(sqlaNaive(mem.deletedAt)) : Val()}});
        for (int c : mem.categories)
            db.insert("memory_categories", {{"memory_id", mem.id}, {"category_id", categoryIds[size_t(c)]}});
    }

    // Access controls and archive policy.
    struct Acl {
        int app;
        size_t memory;
        std::string effect;
    };
    const std::vector<Acl> acls = {{0, 0, "allow"}, {0, 1, "allow"}, {0, 10, "deny"}, {2, 14, "allow"}};
    for (const auto& acl : acls)
        db.insert("access_controls", {{"id", uuidHex(rng)},
                                      {"subject_type", "app"},
                                      {"subject_id", apps[size_t(acl.app)].id},
                                      {"object_type", "memory"},
                                      {"object_id", memories[acl.memory].id},
                                      {"effect", acl.effect},
                                      {"created_at", sqlaNaive(tick(30))}});
    db.insert("archive_policies", {{"id", uuidHex(rng)},
                                   {"criteria_type", "app"},
                                   {"criteria_id", apps[1].id},
                                   {"days_to_archive", 30},
                                   {"created_at", sqlaNaive(tick(30))}});

    // Access logs. A search returns the top 3 of the user's memories that are active, belong to an active app and
    // carry no 'deny' rule for the searching app, scored by cosine similarity; then one list call by windsurf.
    // (This is how the fixture picks rows to log, not a claim about OpenMemory's exact permission logic.)
    struct Search {
        int app;
        size_t topicOf;  // the query is about this memory's topic
        int queryIdx;
    };
    const std::vector<Search> searches = {{0, 0, 0}, {0, 2, 0}, {0, 5, 0}, {0, 10, 1}, {0, 7, 0}, {0, 2, 1},
                                          {2, 12, 0}, {2, 18, 0}, {2, 14, 1}};
    auto denied = [&](int app, size_t memory) {
        return std::any_of(acls.begin(), acls.end(),
                           [&](const Acl& a) { return a.app == app && a.memory == memory && a.effect == "deny"; });
    };
    std::set<std::string> distinctQueries;
    std::map<std::string, int> logsByType;
    json searchFacts = json::array();
    for (const auto& s : searches) {
        const int user = apps[size_t(s.app)].owner;
        const int topic = memories[s.topicOf].topic;
        const std::string query = topics()[size_t(topic)].queries[size_t(s.queryIdx)];
        distinctQueries.insert(query);
        const Vec qv = noisyUnit(rng, centres[size_t(topic)], 0.12);
        std::vector<std::pair<double, size_t>> scored;
        for (size_t i = 0; i < memories.size(); ++i)
            if (memories[i].user == user && memories[i].path.back() == "active" && apps[size_t(memories[i].app)].active &&
                !denied(s.app, i))
                scored.emplace_back(-round4(dot(qv, memories[i].vec)), i);
        std::sort(scored.begin(), scored.end());
        const int64_t at = tick(180);
        json hits = json::array();
        for (size_t r = 0; r < std::min<size_t>(3, scored.size()); ++r) {
            const Memory& mem = memories[scored[r].second];
            const double score = -scored[r].first;
            db.insert("memory_access_logs", {{"id", uuidHex(rng)},
                                             {"memory_id", mem.id},
                                             {"app_id", apps[size_t(s.app)].id},
                                             {"accessed_at", sqlaNaive(at)},
                                             {"access_type", "search"},
                                             {"metadata", json{{"query", query}, {"score", score}, {"hash", mem.hash}}.dump()}});
            ++logsByType["search"];
            hits.push_back({{"memory_id", mem.id}, {"score", score}});
        }
        searchFacts.push_back({{"app", apps[size_t(s.app)].name}, {"query", query}, {"accessed_at", sqlaNaive(at)}, {"results", hits}});
    }
    {
        const int64_t at = tick(180);
        for (const auto& mem : memories)
            if (mem.user == 1 && mem.path.back() == "active") {
                db.insert("memory_access_logs", {{"id", uuidHex(rng)},
                                                 {"memory_id", mem.id},
                                                 {"app_id", apps[2].id},
                                                 {"accessed_at", sqlaNaive(at)},
                                                 {"access_type", "list"},
                                                 {"metadata", json{{"hash", mem.hash}}.dump()}});
                ++logsByType["list"];
            }
    }
    db.exec("COMMIT");

    std::map<std::string, int> byState;
    for (const auto& mem : memories) ++byState[mem.path.back()];
    db.expect("SELECT count(*) FROM memories WHERE state = 'active'", byState["active"]);
    db.expect("SELECT count(*) FROM memory_status_history", historyRows);
    db.expect("SELECT count(*) FROM memory_access_logs", logsByType["search"] + logsByType["list"]);
    db.close();

    json m = manifestHeader(kind, vendor, "anchors-agentmemory.md 1.3 (OpenMemory models.py)");
    m["files"] = {"openmemory.db", "manifest.json", kMarkerName};
    m["dimension"] = nullptr;
    m["uuid_format"] = "32 lowercase hex characters, no dashes";
    m["timestamp_format"] = "YYYY-MM-DD HH:MM:SS.ffffff (naive UTC)";
    json usersJ = json::array();
    for (const auto& u : users) {
        int live = 0, total = 0;
        for (const auto& mem : memories)
            if (&users[size_t(mem.user)] == &u) {
                ++total;
                live += mem.path.back() == "active";
            }
        usersJ.push_back({{"id", u.id}, {"user_id", u.userId}, {"memories", total}, {"active_memories", live}});
    }
    m["users"] = usersJ;
    json appsJ = json::array();
    for (const auto& a : apps) {
        int count = 0;
        for (const auto& mem : memories) count += &apps[size_t(mem.app)] == &a;
        appsJ.push_back({{"id", a.id}, {"name", a.name}, {"owner", users[size_t(a.owner)].userId}, {"is_active", a.active}, {"memories", count}});
    }
    m["apps"] = appsJ;
    m["agents"] = json::array();
    m["threads"] = json::array();
    std::map<std::string, int> catCounts;
    for (const auto& mem : memories)
        for (int c : mem.categories) ++catCounts[categoryNames[size_t(c)]];
    int memCatRows = 0;
    for (const auto& mem : memories) memCatRows += int(mem.categories.size());
    m["counts"] = {{"users", users.size()},
                   {"apps", apps.size()},
                   {"inactive_apps", std::count_if(apps.begin(), apps.end(), [](const App& a) { return !a.active; })},
                   {"memories", memories.size()},
                   {"live_memories_active", byState["active"]},
                   {"categories", categoryNames.size()},
                   {"memory_categories", memCatRows},
                   {"access_controls", acls.size()},
                   {"archive_policies", 1},
                   {"memory_status_history", historyRows},
                   {"memory_access_logs", logsByType["search"] + logsByType["list"]},
                   {"search_calls", searches.size()},
                   {"distinct_search_queries", distinctQueries.size()}};
    m["memories_by_state"] = byState;
    m["memories_by_category"] = catCounts;
    m["history_events_by_action"] = {{"status_transitions", transitions}, {"access_logs_by_type", logsByType}};
    json deleted = json::array();
    for (const auto& mem : memories)
        if (mem.path.back() == "deleted") deleted.push_back(mem.id);
    m["deleted_ids"] = deleted;
    m["searches"] = searchFacts;
    m["samples"] = json::array({samplePair(memories[0].id, memories[0].content), samplePair(memories[5].id, memories[5].content),
                                samplePair(memories[12].id, memories[12].content), samplePair(memories[19].id, memories[19].content)});
    m["sample_hash"] = {{"id", memories[0].id}, {"md5", memories[0].hash}};
    writeManifest(dir, m);
}

// ---------------------------------------------------------------------------------------------------------------------
// 4. Mem0 Python history.db

void generateMem0Py(const fs::path& outDir) {
    const std::string kind = "mem0py";
    const std::string vendor = "mem0ai (Python OSS) SQLiteManager";
    const fs::path dir = prepareKindDir(outDir, kind);
    writeMarker(dir, kind, vendor);  // first, so a half-written folder can still be replaced
    Rng rng(0x3E30004ull);
    constexpr int kPacific = -8 * 60;  // US/Pacific in early March 2026 (PST, before the 8 March DST switch)

    const std::string ddl = R"SQL(
CREATE TABLE history (
    id TEXT PRIMARY KEY, memory_id TEXT, old_memory TEXT, new_memory TEXT, event TEXT,
    created_at DATETIME, updated_at DATETIME, is_deleted INTEGER, actor_id TEXT, role TEXT
);
CREATE TABLE messages (
    id TEXT PRIMARY KEY, session_scope TEXT, role TEXT, content TEXT, name TEXT, created_at DATETIME
);
)SQL";

    struct Mem {
        std::string id, actor;
        std::vector<std::string> texts;  // version chain
        std::string createdIso;
        bool deleted = false;
    };
    const std::vector<std::pair<std::string, std::string>> adds = {
        {"alice", "Is vegetarian"},
        {"alice", "Lives in Lisbon"},
        {"alice", "Works as a data engineer"},
        {"alice", "Training for a half marathon in May"},
        {"alice", "Prefers concise answers"},
        {"alice", "Allergic to peanuts"},
        {"bob", "Plays jazz piano"},
        {"bob", "Saving for a flat in Porto"},
        {"bob", "Uses Rust at work"},
        {"bob", "Has a dog named Miso"}};
    const std::vector<std::pair<size_t, std::string>> updates = {{1, "Lives in Porto, moved from Lisbon in February 2026"},
                                                                  {3, "Training for a full marathon in October"},
                                                                  {6, "Plays jazz piano and is learning modal scales"},
                                                                  {1, "Lives in Porto near the river"}};
    const std::vector<size_t> deletes = {5, 9};

    std::vector<Mem> mems;
    int64_t clock = kBaseTime;
    auto nowIso = [&](int64_t step) {
        clock += step;
        return isoOffset(clock, kPacific, unsigned(1 + rng.below(999999)));
    };

    Db db(freshDbPath(dir / "history.db"));
    db.exec(ddl);
    db.exec("BEGIN");
    std::map<std::string, int> byEvent;
    auto history = [&](const std::string& memoryId, Val oldText, Val newText, const std::string& event, Val created,
                       Val updated, bool isDeleted, Val actor, Val role) {
        db.insert("history", {{"id", uuid4(rng)},
                              {"memory_id", memoryId},
                              {"old_memory", std::move(oldText)},
                              {"new_memory", std::move(newText)},
                              {"event", event},
                              {"created_at", std::move(created)},
                              {"updated_at", std::move(updated)},
                              {"is_deleted", isDeleted ? 1 : 0},
                              {"actor_id", std::move(actor)},
                              {"role", std::move(role)}});
        ++byEvent[event];
    };
    // Conversation messages that led to the memories.
    int messageRows = 0;
    auto message = [&](const std::string& user, const std::string& role, const std::string& content) {
        db.insert("messages", {{"id", uuid4(rng)},
                               {"session_scope", "user_id=" + user},
                               {"role", role},
                               {"content", content},
                               {"name", role == "user" ? Val(user) : Val()},
                               {"created_at", nowIso(5)}});
        ++messageRows;
    };

    for (const auto& [actor, text] : adds) {
        Mem mem;
        mem.id = uuid4(rng);
        mem.actor = actor;
        mem.texts = {text};
        if (mems.size() % 3 == 0) message(actor, "user", "Quick note about me: " + text + ".");
        mem.createdIso = nowIso(300);
        history(mem.id, Val(), text, "ADD", mem.createdIso, Val(), false, actor, "user");
        mems.push_back(std::move(mem));
    }
    for (const auto& [idx, text] : updates) {
        Mem& mem = mems[idx];
        message(mem.actor, "user", "Update: " + text + ".");
        history(mem.id, mem.texts.back(), text, "UPDATE", mem.createdIso, nowIso(600), false, mem.actor, "user");
        mem.texts.push_back(text);
    }
    for (size_t idx : deletes) {
        Mem& mem = mems[idx];
        message(mem.actor, "user", "Please forget that: " + mem.texts.back() + ".");
        const std::string at = nowIso(600);
        history(mem.id, mem.texts.back(), Val(), "DELETE", at, at, true, Val(), Val());
        mem.deleted = true;
    }
    message("alice", "assistant", "Done. I have updated what I remember about you.");
    db.exec("COMMIT");

    const int live = int(std::count_if(mems.begin(), mems.end(), [](const Mem& x) { return !x.deleted; }));
    db.expect("SELECT count(DISTINCT memory_id) FROM history", int64_t(mems.size()));
    db.expect("SELECT count(DISTINCT memory_id) FROM history WHERE memory_id NOT IN "
              "(SELECT memory_id FROM history WHERE event = 'DELETE')",
              live);
    db.close();

    json m = manifestHeader(kind, vendor, "anchors-agentmemory.md 1.1 (mem0/memory/storage.py)");
    m["files"] = {"history.db", "manifest.json", kMarkerName};
    m["dimension"] = nullptr;
    m["timestamp_format"] = "Python isoformat() with microseconds, US/Pacific offset -08:00";
    m["counts"] = {{"memories", mems.size()},
                   {"live_memories", live},
                   {"history_rows", byEvent["ADD"] + byEvent["UPDATE"] + byEvent["DELETE"]},
                   {"messages", messageRows}};
    m["history_events_by_action"] = byEvent;
    m["users"] = json::array({"alice", "bob"});
    m["agents"] = json::array();
    m["threads"] = json::array({"user_id=alice", "user_id=bob"});
    json deleted = json::array();
    for (const auto& x : mems)
        if (x.deleted) deleted.push_back(x.id);
    m["deleted_ids"] = deleted;
    json samples = json::array();
    for (size_t idx : {size_t(0), size_t(1), size_t(3), size_t(6), size_t(8)})
        samples.push_back({{"id", mems[idx].id}, {"text", mems[idx].texts.back()}, {"versions", mems[idx].texts.size()}, {"actor_id", mems[idx].actor}});
    m["samples"] = samples;
    m["deleted_last_text"] = {{mems[5].id, mems[5].texts.back()}, {mems[9].id, mems[9].texts.back()}};
    writeManifest(dir, m);
}

// ---------------------------------------------------------------------------------------------------------------------
// 5. LangGraph Python SqliteStore store.db

void generateLangGraphStore(const fs::path& outDir) {
    const std::string kind = "langgraph-store";
    const std::string vendor = "langgraph-checkpoint-sqlite SqliteStore (Python)";
    const fs::path dir = prepareKindDir(outDir, kind);
    writeMarker(dir, kind, vendor);  // first, so a half-written folder can still be replaced
    Rng rng(0x1A96005ull);

    const std::string ddl = R"SQL(
CREATE TABLE store_migrations (v INTEGER PRIMARY KEY);
CREATE TABLE vector_migrations (v INTEGER PRIMARY KEY);
CREATE TABLE store (
    prefix TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP, ttl_minutes REAL,
    PRIMARY KEY (prefix, key)
);
CREATE INDEX store_prefix_idx ON store (prefix);
CREATE INDEX idx_store_expires_at ON store (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE store_vectors (
    prefix TEXT NOT NULL, key TEXT NOT NULL, field_name TEXT NOT NULL, embedding BLOB,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (prefix, key, field_name),
    FOREIGN KEY (prefix, key) REFERENCES store (prefix, key) ON DELETE CASCADE
);
)SQL";

    struct Item {
        std::string prefix, key;
        json value;
        bool vectorised;
        int topic;
        int64_t created, updated;
        double ttl = 0.0;
    };
    const auto centres = makeCentres(rng, int(topics().size()));
    std::vector<Item> items;
    int64_t clock = kBaseTime;
    auto add = [&](const std::string& prefix, const std::string& key, json value, bool vectorised, int topic) {
        clock += 240;
        items.push_back({prefix, key, std::move(value), vectorised, topic, clock, clock});
    };
    // memories.alice (6), memories.bob (5): free-text memories with a kind.
    const std::vector<std::pair<std::string, int>> aliceMem = {
        {"Alice is learning to bake sourdough", 0}, {"Alice is planning a night-train trip to Vienna", 1},
        {"Alice debugs SQLite index problems at work", 2}, {"Alice runs intervals on Tuesdays", 3},
        {"Alice keeps a monthly budget spreadsheet", 5}, {"Alice practises jazz piano voicings", 4}};
    const std::vector<std::pair<std::string, int>> bobMem = {
        {"Bob prefers ferry timetables over flights", 1}, {"Bob is writing a Vulkan renderer", 2},
        {"Bob tracks his sleep with a ring", 3}, {"Bob collects vinyl records", 4},
        {"Bob compares mortgage rates every month", 5}};
    for (size_t i = 0; i < aliceMem.size(); ++i)
        add("memories.alice", "mem-" + std::to_string(i + 1),
            {{"text", aliceMem[i].first}, {"kind", "episodic"}, {"topic", topics()[size_t(aliceMem[i].second)].name}}, true,
            aliceMem[i].second);
    for (size_t i = 0; i < bobMem.size(); ++i)
        add("memories.bob", "mem-" + std::to_string(i + 1),
            {{"text", bobMem[i].first}, {"kind", "episodic"}, {"topic", topics()[size_t(bobMem[i].second)].name}}, true,
            bobMem[i].second);
    add("profile.alice.preferences", "diet", {{"text", "Vegetarian, no peanuts"}, {"strength", 0.9}}, true, 0);
    add("profile.alice.preferences", "answers", {{"text", "Concise answers with sources"}, {"strength", 0.8}}, true, 2);
    add("profile.alice.preferences", "travel", {{"text", "Window seat, trains over planes"}, {"strength", 0.6}}, true, 1);
    add("profile.alice.contacts", "bob", {{"name", "Bob Okafor"}, {"relation", "friend"}}, false, 0);
    add("profile.alice.contacts", "mum", {{"name", "Maria Martins"}, {"relation", "mother"}}, false, 0);
    add("profile.bob.preferences", "music", {{"text", "Modal jazz and synth records"}, {"strength", 0.7}}, true, 4);
    add("profile.bob.preferences", "money", {{"text", "Low-fee index funds only"}, {"strength", 0.75}}, true, 5);
    add("agents.planner.instructions", "style", {{"instructions", "Plan in small steps and confirm before booking."}}, false, 0);
    add("agents.planner.instructions", "tools", {{"instructions", "Use the calendar tool before suggesting dates."}}, false, 0);

    // Updates and TTL: alice mem-2 updated later; one item carries a 1-day TTL.
    items[1].value["text"] = "Alice booked the night train to Vienna for April";
    items[1].updated = clock + 3600;
    Item& ttlItem = items[size_t(6 + 5 + 2)];  // profile.alice.preferences/travel
    ttlItem.ttl = 1440.0;

    Db db(freshDbPath(dir / "store.db"));
    db.exec(ddl);
    db.exec("BEGIN");
    for (int v = 0; v < 3; ++v) db.insert("store_migrations", {{"v", v}});
    db.insert("vector_migrations", {{"v", 0}});
    int vectors = 0;
    for (const auto& it : items) {
        db.insert("store", {{"prefix", it.prefix},
                            {"key", it.key},
                            {"value", it.value.dump()},
                            {"created_at", sqlTs(it.created)},
                            {"updated_at", sqlTs(it.updated)},
                            {"expires_at", it.ttl > 0 ? Val(sqlTs(it.updated + int64_t(it.ttl) * 60)) : Val()},
                            {"ttl_minutes", it.ttl > 0 ? Val(it.ttl) : Val()}});
        if (it.vectorised) {
            db.insert("store_vectors", {{"prefix", it.prefix},
                                        {"key", it.key},
                                        {"field_name", "text"},
                                        {"embedding", floatsLE(noisyUnit(rng, centres[size_t(it.topic)], 0.12))},
                                        {"created_at", sqlTs(it.created)},
                                        {"updated_at", sqlTs(it.updated)}});
            ++vectors;
        }
    }
    db.exec("COMMIT");
    db.expect("SELECT count(*) FROM store", int64_t(items.size()));
    db.expect("SELECT count(*) FROM store_vectors", vectors);
    db.expect("SELECT count(*) FROM store_vectors WHERE length(embedding) <> 128", 0);
    db.close();

    std::map<std::string, int> byPrefix;
    for (const auto& it : items) ++byPrefix[it.prefix];
    // Namespace tree: every ancestor prefix with the number of items at or below it.
    std::map<std::string, int> tree;
    for (const auto& it : items) {
        std::string p;
        size_t start = 0;
        while (true) {
            const size_t dot = it.prefix.find('.', start);
            p = it.prefix.substr(0, dot);
            ++tree[p];
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
    }
    json m = manifestHeader(kind, vendor, "anchors-agentmemory.md 1.5 (LangGraph Python SqliteStore)");
    m["files"] = {"store.db", "manifest.json", kMarkerName};
    m["dimension"] = kDim;
    m["counts"] = {{"items", items.size()},
                   {"vectors", vectors},
                   {"namespaces", byPrefix.size()},
                   {"items_with_ttl", 1},
                   {"updated_items", 1}};
    m["items_by_namespace"] = byPrefix;
    m["namespace_tree_item_counts"] = tree;
    m["vector_field_name"] = "text";
    m["history_events_by_action"] = json::object();
    m["users"] = json::array({"alice", "bob"});
    m["agents"] = json::array({"planner"});
    m["threads"] = json::array();
    m["deleted_ids"] = json::array();
    m["ttl_item"] = {{"prefix", ttlItem.prefix}, {"key", ttlItem.key}, {"ttl_minutes", ttlItem.ttl},
                     {"expires_at", sqlTs(ttlItem.updated + int64_t(ttlItem.ttl) * 60)}};
    m["updated_item"] = {{"prefix", items[1].prefix}, {"key", items[1].key}, {"text", items[1].value["text"]},
                         {"created_at", sqlTs(items[1].created)}, {"updated_at", sqlTs(items[1].updated)}};
    json samples = json::array();
    for (size_t idx : {size_t(0), size_t(1), size_t(6), size_t(11), size_t(18)})
        samples.push_back({{"id", items[idx].prefix + "/" + items[idx].key},
                           {"prefix", items[idx].prefix},
                           {"key", items[idx].key},
                           {"text", items[idx].value.contains("text") ? items[idx].value["text"] : items[idx].value["instructions"]},
                           {"has_vector", items[idx].vectorised}});
    m["samples"] = samples;
    writeManifest(dir, m);
}

// ---------------------------------------------------------------------------------------------------------------------

const std::vector<std::pair<std::string, void (*)(const fs::path&)>>& generators() {
    static const std::vector<std::pair<std::string, void (*)(const fs::path&)>> g = {
        {"chroma", &generateChroma},
        {"letta", &generateLetta},
        {"openmemory", &generateOpenMemory},
        {"mem0py", &generateMem0Py},
        {"langgraph-store", &generateLangGraphStore}};
    return g;
}

int usage(const char* argv0) {
    std::cerr << "usage: " << argv0 << " KIND OUTDIR\n  KIND: all";
    for (const auto& [name, fn] : generators()) std::cerr << " | " << name;
    std::cerr << "\nWrites OUTDIR/<kind>/ with the store, manifest.json and " << kMarkerName << ".\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return usage(argv[0]);
    const std::string kind = argv[1];
    const fs::path outDir = argv[2];
    bool known = kind == "all";
    for (const auto& [name, fn] : generators()) known = known || name == kind;
    if (!known) {
        std::cerr << "unknown KIND '" << kind << "'\n";
        return usage(argv[0]);
    }
    try {
        if (std::string_view(sqlite3_sourceid()).empty()) fail("sqlite3 library unusable");
        std::error_code ec;
        fs::create_directories(outDir, ec);
        if (ec) fail("cannot create " + outDir.string() + ": " + ec.message());
        for (const auto& [name, fn] : generators())
            if (kind == "all" || kind == name) {
                fn(outDir);
                std::cout << "wrote " << (outDir / name).string() << "\n";
            }
    } catch (const std::exception& e) {
        std::cerr << "mnemo_agent_store_gen: error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
