#pragma once
// A small argument parser for mnemo-cli: positional words, `--key value` / `--key=value` options (repeatable ones
// collected in order), and boolean flags declared up front.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mnemo::cli {

class CliArgs {
public:
    CliArgs(const std::vector<std::string> &args, const std::set<std::string> &booleanFlags);

    const std::vector<std::string> &positional() const { return m_positional; }
    bool flag(const std::string &name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string &name) const;
    std::vector<std::string> values(const std::string &name) const;
    std::string valueOr(const std::string &name, const std::string &fallback) const;
    // Options given but never read: reported as errors so typos do not pass silently.
    std::vector<std::string> unusedOptions() const;
    // A malformed command line (an option without its value).
    const std::string &error() const { return m_error; }

private:
    std::vector<std::string> m_positional;
    std::set<std::string> m_flags;
    std::multimap<std::string, std::string> m_options;
    mutable std::set<std::string> m_read;
    std::string m_error;
};

// "640x360" -> (640, 360); nothing on a malformed size.
std::optional<std::pair<uint32_t, uint32_t>> parseSize(const std::string &text);

} // namespace mnemo::cli
