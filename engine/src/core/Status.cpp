#include "mnemo/core/Status.hpp"

namespace mnemo {

const char *statusCodeName(StatusCode code) {
    switch (code) {
    case StatusCode::Ok: return "ok";
    case StatusCode::InvalidArgument: return "invalid argument";
    case StatusCode::NotFound: return "not found";
    case StatusCode::Unsupported: return "unsupported";
    case StatusCode::OutOfMemory: return "out of memory";
    case StatusCode::DeviceLost: return "device lost";
    case StatusCode::Timeout: return "timeout";
    case StatusCode::Internal: return "internal error";
    }
    return "unknown";
}

} // namespace mnemo
