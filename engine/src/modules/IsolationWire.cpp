#include "IsolationWire.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mnemo::modules::wire {

SharedMemory::~SharedMemory() {
    if (m_data) munmap(m_data, m_mapped);
    if (m_fd >= 0) close(m_fd);
}

bool SharedMemory::create(std::string &why) {
    m_fd = memfd_create("mnemo-module-frames", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (m_fd < 0) {
        why = std::string("cannot create shared memory: ") + std::strerror(errno);
        return false;
    }
    // The child may not shrink the file under the host's mapping (the host would die of SIGBUS); the host still grows it.
    if (fcntl(m_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
        why = std::string("cannot seal shared memory: ") + std::strerror(errno);
        return false;
    }
    return true;
}

bool SharedMemory::remap(size_t bytes, std::string &why) {
    if (m_data) munmap(m_data, m_mapped);
    m_data = nullptr;
    m_mapped = 0;
    void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, m_fd, 0);
    if (p == MAP_FAILED) {
        why = "cannot map " + std::to_string(bytes) + " bytes of shared memory: " + std::strerror(errno);
        return false;
    }
    m_data = static_cast<uint8_t *>(p);
    m_mapped = bytes;
    return true;
}

bool SharedMemory::grow(size_t bytes, std::string &why) {
    if (bytes <= m_mapped) return true;
    if (ftruncate(m_fd, off_t(bytes)) != 0) {
        why = "cannot grow shared memory to " + std::to_string(bytes) + " bytes: " + std::strerror(errno);
        return false;
    }
    return remap(bytes, why);
}

bool SharedMemory::mapAtLeast(size_t bytes, std::string &why) {
    if (bytes <= m_mapped) return true;
    const off_t fileSize = lseek(m_fd, 0, SEEK_END);
    if (fileSize < 0 || size_t(fileSize) < bytes) {
        why = "the shared memory holds " + std::to_string(fileSize) + " bytes, not " + std::to_string(bytes);
        return false;
    }
    return remap(bytes, why);
}

bool sendMessage(int socket, const Writer &message, std::string &why) {
    const auto &bytes = message.bytes();
    if (bytes.size() > kMaxMessage) {
        why = "a message of " + std::to_string(bytes.size()) + " bytes (at most " + std::to_string(kMaxMessage) + ")";
        return false;
    }
    for (;;) {
        const ssize_t sent = send(socket, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent == ssize_t(bytes.size())) return true;
        if (sent < 0 && errno == EINTR) continue;
        why = sent < 0 ? std::string(std::strerror(errno)) : "a short send";
        return false;
    }
}

Received receiveMessage(int socket, std::vector<uint8_t> &message, int timeoutMs, std::string &why) {
    pollfd p{socket, POLLIN, 0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        int wait = timeoutMs;
        if (timeoutMs >= 0) { // an interrupted wait goes on until the same deadline, not a fresh timeout
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            wait = int(std::max<int64_t>(0, left.count()));
        }
        const int ready = poll(&p, 1, wait);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            why = std::strerror(errno);
            return Received::Error;
        }
        if (ready == 0) return Received::Timeout;
        break;
    }
    message.resize(kMaxMessage + 1);
    for (;;) {
        const ssize_t got = recv(socket, message.data(), message.size(), MSG_TRUNC);
        if (got < 0 && errno == EINTR) continue;
        if (got == 0) return Received::Closed;
        if (got < 0) {
            if (errno == ECONNRESET) return Received::Closed;
            why = std::strerror(errno);
            return Received::Error;
        }
        if (size_t(got) > kMaxMessage) {
            why = "a message of " + std::to_string(got) + " bytes (at most " + std::to_string(kMaxMessage) + ")";
            return Received::Error;
        }
        message.resize(size_t(got));
        return Received::Ok;
    }
}

} // namespace mnemo::modules::wire
