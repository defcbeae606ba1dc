#pragma once
// Importers: each reads one foreign store's snapshot (never the user's files) and writes the common model into
// a catalogue through NativeStoreWriter. A table, column or blob that does not match what the importer expects is
// an error naming it.

#include "Catalogue.hpp"
#include "mnemo/agentmem/NativeStore.hpp"

#include <string>

namespace mnemo::agentmem {

struct ImportContext {
    std::string snapshotRoot;       // the snapshot's copy of DetectedStore::root
    std::string originalRoot;       // the user's path, for messages
    std::vector<std::string> files; // snapshot copies of DetectedStore::files
    NativeStoreWriter &out;
    Catalogue &catalogue;           // importers fill variant, embedder, notes and nativeIndex
};

Status importMem0(ImportContext &ctx);
Status importChroma(ImportContext &ctx);
Status importLangGraph(ImportContext &ctx);
Status importLetta(ImportContext &ctx);
Status importMcpMemory(ImportContext &ctx);

// Shared by importers: a JSON text's value as a display string; empty for null.
std::string jsonText(const std::string &json, const char *key);

} // namespace mnemo::agentmem
