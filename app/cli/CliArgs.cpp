#include "CliArgs.hpp"

#include <cstdio>

namespace mnemo::cli {

CliArgs::CliArgs(const std::vector<std::string> &args, const std::set<std::string> &booleanFlags) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a.rfind("--", 0) != 0 || a == "--version" || a == "--help") {
            m_positional.push_back(a);
            continue;
        }
        std::string key = a.substr(2);
        if (const auto eq = key.find('='); eq != std::string::npos) {
            m_options.emplace(key.substr(0, eq), key.substr(eq + 1));
        } else if (booleanFlags.count(key)) {
            m_flags.insert(key);
        } else if (i + 1 < args.size()) {
            m_options.emplace(key, args[++i]);
        } else {
            m_error = "option --" + key + " needs a value";
        }
    }
}

std::optional<std::string> CliArgs::value(const std::string &name) const {
    m_read.insert(name);
    auto range = m_options.equal_range(name);
    if (range.first == range.second) return std::nullopt;
    return std::prev(range.second)->second; // the last one wins
}

std::vector<std::string> CliArgs::values(const std::string &name) const {
    m_read.insert(name);
    std::vector<std::string> out;
    auto range = m_options.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

std::string CliArgs::valueOr(const std::string &name, const std::string &fallback) const {
    return value(name).value_or(fallback);
}

std::vector<std::string> CliArgs::unusedOptions() const {
    std::vector<std::string> out;
    for (const auto &[key, v] : m_options) {
        if (!m_read.count(key)) out.push_back("--" + key);
    }
    return out;
}

std::optional<std::pair<uint32_t, uint32_t>> parseSize(const std::string &text) {
    unsigned w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%ux%u%c", &w, &h, &extra) != 2 || w == 0 || h == 0 || w > 8192 || h > 8192) {
        return std::nullopt;
    }
    return std::make_pair(uint32_t(w), uint32_t(h));
}

} // namespace mnemo::cli
