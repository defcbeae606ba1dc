#pragma once
// What the host and an isolated module's child (mnemo-module-host) say to each other: one SOCK_SEQPACKET message per
// call and one per answer (the socket keeps message boundaries), frames and other bulk bytes in a shared memory file
// both map. Same machine, same build: values go in native byte order; every read is bounds-checked, so a malformed
// message is an error, never a crash.

#include <mnemo/module.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace mnemo::modules::wire {

constexpr uint32_t kMagic = 0x4F4D4E4D; // "MNMO"
constexpr uint32_t kVersion = 1;
constexpr size_t kMaxMessage = 64 * 1024; // bulk bytes go through shared memory
constexpr int kChildSocketFd = 3;         // where the child finds its end of the socket
constexpr int kChildShmFd = 4;            // and the shared memory file

enum class Op : uint32_t {
    Ready = 1, // child -> host, once: the library loaded (status, message, module id)
    Create,
    Destroy,
    Reset,
    SetParam,
    SetParamText,
    WorldStep,
    Edit,
    EditWithSource,
    Answer = 100, // child -> host: status, message, then the call's results
};

// Every message starts with the magic, the version, the operation and a sequence number: an answer echoes its
// request's, so a stray message (a module writing to the socket) cannot pass for the answer to a later call.
class Writer {
public:
    Writer(Op op, uint64_t sequence) : m_sequence(sequence) {
        put(kMagic);
        put(kVersion);
        put(uint32_t(op));
        put(sequence);
    }
    template <typename T> void put(const T &value) {
        static_assert(std::is_trivially_copyable_v<T>);
        append(&value, sizeof(T));
    }
    void putString(const std::string &text) {
        put(uint32_t(text.size()));
        append(text.data(), text.size());
    }
    const std::vector<uint8_t> &bytes() const { return m_bytes; }
    uint64_t sequence() const { return m_sequence; }

private:
    void append(const void *data, size_t n) {
        if (n == 0) return;
        const size_t at = m_bytes.size();
        m_bytes.resize(at + n);
        std::memcpy(m_bytes.data() + at, data, n);
    }
    uint64_t m_sequence;
    std::vector<uint8_t> m_bytes;
};

class Reader {
public:
    Reader(const uint8_t *data, size_t size) : m_data(data), m_size(size) {}
    // Checks the header; false (and failed()) for another magic, version or a short message.
    bool header(Op &op, uint64_t &sequence) {
        uint32_t magic = 0, version = 0, code = 0;
        if (!get(magic) || !get(version) || !get(code) || !get(sequence) || magic != kMagic || version != kVersion) {
            return fail();
        }
        op = Op(code);
        return true;
    }
    template <typename T> bool get(T &value) {
        static_assert(std::is_trivially_copyable_v<T>);
        if (m_failed || m_size - m_at < sizeof(T)) return fail();
        std::memcpy(&value, m_data + m_at, sizeof(T));
        m_at += sizeof(T);
        return true;
    }
    bool getString(std::string &text, size_t maxBytes = kMaxMessage) {
        uint32_t n = 0;
        if (!get(n) || n > maxBytes || m_size - m_at < n) return fail();
        text.assign(reinterpret_cast<const char *>(m_data + m_at), n);
        m_at += n;
        return true;
    }
    bool failed() const { return m_failed; }
    bool atEnd() const { return m_at == m_size; }

private:
    bool fail() {
        m_failed = true;
        return false;
    }
    const uint8_t *m_data;
    size_t m_size;
    size_t m_at = 0;
    bool m_failed = false;
};

// A memory file both processes map; grows (never shrinks) to what a call needs.
class SharedMemory {
public:
    SharedMemory() = default;
    explicit SharedMemory(int fd) : m_fd(fd) {} // an inherited file (the child's)
    ~SharedMemory();
    SharedMemory(const SharedMemory &) = delete;
    SharedMemory &operator=(const SharedMemory &) = delete;

    bool create(std::string &why);                  // a new anonymous file (the host's)
    bool grow(size_t bytes, std::string &why);      // the host: enlarge the file and the mapping
    bool mapAtLeast(size_t bytes, std::string &why); // the child: map what the host says the file holds
    uint8_t *data() const { return m_data; }
    size_t size() const { return m_mapped; }
    int fd() const { return m_fd; }

private:
    bool remap(size_t bytes, std::string &why);
    int m_fd = -1;
    uint8_t *m_data = nullptr;
    size_t m_mapped = 0;
};

// Sends one message; false with `why` when the peer is gone.
bool sendMessage(int socket, const Writer &message, std::string &why);
// Waits up to timeoutMs (negative: forever) for one message. Result: Ok, Timeout, Closed (peer gone), Error (why).
enum class Received { Ok, Timeout, Closed, Error };
Received receiveMessage(int socket, std::vector<uint8_t> &message, int timeoutMs, std::string &why);

// Bulk regions of one call, laid out one after another in the shared memory (16-byte aligned).
class Layout {
public:
    size_t add(size_t bytes) {
        const size_t at = m_end;
        m_end += (bytes + 15) & ~size_t(15);
        return at;
    }
    size_t size() const { return m_end; }

private:
    size_t m_end = 0;
};

} // namespace mnemo::modules::wire
