#include "mnemo/agentmem/HashingEmbedder.hpp"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

namespace mnemo::agentmem {
namespace {

// FNV-1a: stable across platforms and builds, which the stored vectors depend on.
uint64_t fnv1a(std::string_view s, uint64_t seed = 1469598103934665603ull) {
    uint64_t h = seed;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

// Function words carry no topic and would make every sentence a neighbour of every other.
bool isStopword(const std::string &w) {
    static const std::unordered_set<std::string> stop = {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for", "from", "by", "with", "about",
        "as", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had",
        "it", "its", "this", "that", "these", "those", "there", "here", "what", "which", "who", "whom", "whose",
        "where", "when", "why", "how", "will", "would", "shall", "should", "can", "could", "may", "might", "must",
        "i", "me", "my", "we", "our", "you", "your", "he", "him", "his", "she", "her", "they", "them", "their",
        "so", "if", "then", "than", "too", "very", "not", "no", "yes", "all", "any", "some", "into", "over", "up"};
    return stop.count(w) > 0;
}

// A light stemmer: plural and common verb endings, so "seats" meets "seat" and "booked" meets "book".
std::string stem(std::string w) {
    auto strip = [&](std::string_view suffix, size_t minStem) {
        if (w.size() >= suffix.size() + minStem && w.compare(w.size() - suffix.size(), suffix.size(), suffix) == 0) {
            w.resize(w.size() - suffix.size());
            return true;
        }
        return false;
    };
    if (strip("ing", 3) || strip("ed", 3) || strip("es", 3)) return w;
    if (w.size() > 3 && w.back() == 's' && w[w.size() - 2] != 's') w.pop_back();
    return w;
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty() && !isStopword(cur)) out.push_back(stem(cur));
        cur.clear();
    };
    for (unsigned char c : text) {
        if (std::isalnum(c) || c >= 0x80) cur.push_back(char(std::tolower(c)));
        else flush();
    }
    flush();
    return out;
}

} // namespace

int HashingEmbedder::dimForName(std::string_view name) {
    constexpr std::string_view prefix = "mnemo-hash-";
    if (name.substr(0, prefix.size()) != prefix) return 0;
    int dim = 0;
    for (char c : name.substr(prefix.size())) {
        if (c < '0' || c > '9') return 0;
        dim = dim * 10 + (c - '0');
        if (dim > 65536) return 0;
    }
    return dim;
}

std::vector<float> HashingEmbedder::embed(std::string_view text) const {
    std::vector<float> v(size_t(m_dim), 0.0f);
    std::vector<std::string> w = words(text);
    std::unordered_map<std::string, int> counts;
    for (size_t i = 0; i < w.size(); ++i) {
        counts[w[i]] += 2; // unigrams weigh more than bigrams
        if (i + 1 < w.size()) counts[w[i] + ' ' + w[i + 1]] += 1;
    }
    for (const auto &[term, n] : counts) {
        uint64_t h = fnv1a(term);
        size_t index = size_t(h % uint64_t(m_dim));
        float sign = (h >> 63) ? -1.0f : 1.0f;
        v[index] += sign * (1.0f + std::log(float(n)));
    }
    double norm = 0;
    for (float x : v) norm += double(x) * x;
    if (norm > 0) {
        float inv = float(1.0 / std::sqrt(norm));
        for (float &x : v) x *= inv;
    }
    return v;
}

} // namespace mnemo::agentmem
