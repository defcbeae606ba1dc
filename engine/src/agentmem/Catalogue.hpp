#pragma once
// What an open store is backed by: the native file itself, or a temporary catalogue a foreign store was imported
// into (plus the snapshot its files were copied to). Shared by every reader connection; the last one to go
// removes the temporary files.

#include "mnemo/agentmem/StoreKind.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mnemo::agentmem {

class NeighbourIndex;
struct IvfListCache;

// Modification stamps of a store's files: a change in any means the store was written.
using FileStamps = std::map<std::string, std::pair<int64_t, int64_t>>; // path -> (mtime ns, size)
FileStamps stampFiles(const std::vector<std::string> &files);

struct Catalogue {
    DetectedStore detected;
    std::string sourcePath;
    std::string dbPath;        // what SQLite opens
    bool nativeInPlace = false; // the user's own native store, opened read-only in place
    std::filesystem::path workDir; // temporary; removed with the catalogue
    std::string variant;
    std::string embedder;
    std::vector<std::string> notes;
    std::shared_ptr<NeighbourIndex> nativeIndex; // e.g. Chroma's HNSW graph
    FileStamps stamps;

    // Neighbour-search state shared by every connection: the IVF lists read so far, or the exact index.
    std::mutex indexMutex;
    std::shared_ptr<IvfListCache> ivfLists;
    std::shared_ptr<NeighbourIndex> exact;

    ~Catalogue();
};

// Opens the SQLite URI for a catalogue: a native store in place is opened read-only when a writer's WAL is
// present (so its commits are seen) and immutable otherwise (so not even a -shm file is created next to it).
std::string catalogueUri(const Catalogue &c);

} // namespace mnemo::agentmem
