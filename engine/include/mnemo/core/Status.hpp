#pragma once
// Errors are values. Every fallible engine call returns Status or Result<T>, carrying a message that names the
// input and what was wrong; exceptions never cross a module, thread or ABI boundary.

#include <optional>
#include <string>
#include <utility>

namespace mnemo {

enum class StatusCode {
    Ok = 0,
    InvalidArgument,
    NotFound,
    Unsupported,
    OutOfMemory,
    DeviceLost,
    Timeout,
    Internal,
};

const char *statusCodeName(StatusCode code);

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(StatusCode code, std::string message) : m_code(code), m_message(std::move(message)) {}

    static Status success() { return {}; }

    bool ok() const { return m_code == StatusCode::Ok; }
    StatusCode code() const { return m_code; }
    const std::string &message() const { return m_message; }

    // Prefixes context ("while doing X: ") so errors read from the outermost operation inwards.
    Status withContext(const std::string &context) const {
        return ok() ? *this : Status(m_code, context + ": " + m_message);
    }

private:
    StatusCode m_code = StatusCode::Ok;
    std::string m_message;
};

inline Status errorStatus(StatusCode code, std::string message) { return {code, std::move(message)}; }

// A value or the Status explaining why there is none. (C++20 has no std::expected.)
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Status status) : m_status(std::move(status)) {
        if (m_status.ok()) {
            m_status = Status(StatusCode::Internal, "Result constructed from a success Status without a value");
        }
    }

    bool ok() const { return m_value.has_value(); }
    const Status &status() const { return m_status; }
    const std::string &message() const { return m_status.message(); }

    T &value() & { return *m_value; }
    const T &value() const & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    T *operator->() { return &*m_value; }
    const T *operator->() const { return &*m_value; }

private:
    std::optional<T> m_value;
    Status m_status;
};

} // namespace mnemo
