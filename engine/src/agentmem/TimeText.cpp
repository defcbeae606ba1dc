#include "mnemo/agentmem/TimeText.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace mnemo::agentmem {
namespace {

int64_t fromEpochNumber(double v) {
    double a = v < 0 ? -v : v;
    if (a < 1e11) return int64_t(v * 1e6);   // seconds
    if (a < 1e14) return int64_t(v * 1e3);   // milliseconds
    return int64_t(v);                       // microseconds
}

bool allDigits(const std::string &s) {
    if (s.empty()) return false;
    for (char c : s) if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

} // namespace

std::optional<int64_t> parseTimeUs(const std::string &raw) {
    std::string s = raw;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    if (s.empty()) return std::nullopt;
    if (allDigits(s) && s.size() == 12) { // A-MEM: YYYYMMDDHHMM
        std::tm tm{};
        tm.tm_year = std::atoi(s.substr(0, 4).c_str()) - 1900;
        tm.tm_mon = std::atoi(s.substr(4, 2).c_str()) - 1;
        tm.tm_mday = std::atoi(s.substr(6, 2).c_str());
        tm.tm_hour = std::atoi(s.substr(8, 2).c_str());
        tm.tm_min = std::atoi(s.substr(10, 2).c_str());
        return int64_t(timegm(&tm)) * 1000000;
    }
    char *end = nullptr;
    double number = std::strtod(s.c_str(), &end);
    if (end && *end == '\0') return fromEpochNumber(number);

    std::tm tm{};
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, consumed = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) return std::nullopt;
    size_t pos = size_t(consumed);
    if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
        int c2 = 0;
        if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &c2) >= 2) pos += 1 + size_t(c2);
    }
    int64_t fracUs = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int64_t scale = 100000;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
            fracUs += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
    }
    int64_t offsetS = 0;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh = 0, om = 0;
        int sign = s[pos] == '-' ? -1 : 1;
        if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &oh, &om) >= 1 ||
            std::sscanf(s.c_str() + pos + 1, "%2d%2d", &oh, &om) >= 1) {
            offsetS = sign * (oh * 3600 + om * 60);
        }
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return (int64_t(timegm(&tm)) - offsetS) * 1000000 + fracUs;
}

std::string formatTimeUs(int64_t us) {
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) { // floor, so times before 1970 read correctly
        frac += 1000000;
        --secs;
    }
    time_t t = time_t(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, int(frac));
    return buf;
}

} // namespace mnemo::agentmem
