#pragma once
// Where exceptions stop. Errors are values at every boundary (Status.hpp), but code below a boundary can still
// throw: std::bad_alloc, a library's exception, a bug. Every thread body, worker task, CLI command and plugin call
// runs its work through guarded(), which turns whatever escapes into a Status naming what was being done, so the
// process keeps running and the user sees why the work stopped.

#include "mnemo/core/Status.hpp"

#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

namespace mnemo {

// Runs `work` (returning Status or void). `what` reads as the work being done: "loading the map".
template <typename F>
Status guarded(const std::string &what, F &&work) noexcept {
    try {
        if constexpr (std::is_same_v<std::invoke_result_t<F>, Status>) {
            return std::forward<F>(work)();
        } else {
            std::forward<F>(work)();
            return {};
        }
    } catch (const std::bad_alloc &) {
        return Status(StatusCode::OutOfMemory, what + ": out of memory");
    } catch (const std::exception &e) {
        return Status(StatusCode::Internal, what + ": unexpected error: " + e.what());
    } catch (...) {
        return Status(StatusCode::Internal, what + ": unexpected error of an unknown type");
    }
}

// Fault injection for tests: when the environment variable MNEMO_FAULT_INJECT lists `point` (comma-separated),
// this throws std::runtime_error("injected fault at POINT"). The points sit just inside each boundary above, so a
// test can prove the boundary holds. Costs one getenv when the variable is unset.
void faultPoint(const char *point);

} // namespace mnemo
