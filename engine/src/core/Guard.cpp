#include "mnemo/core/Guard.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace mnemo {

void faultPoint(const char *point) {
    const char *list = std::getenv("MNEMO_FAULT_INJECT");
    if (!list || !*list) return;
    std::string_view names(list), want(point);
    while (!names.empty()) {
        size_t comma = names.find(',');
        if (names.substr(0, comma) == want) throw std::runtime_error("injected fault at " + std::string(point));
        if (comma == std::string_view::npos) break;
        names.remove_prefix(comma + 1);
    }
}

} // namespace mnemo
