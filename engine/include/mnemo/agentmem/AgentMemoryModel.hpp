#pragma once
// The common model every agent-memory store is read into: items, their history events, relations, provenance,
// access (retrieval) records, principals and access policies. It follows the four-part decomposition of the
// agent-native memory study (representation, extraction history, retrieval, maintenance) and Collaborative
// Memory's private/shared fragments with time-evolving permissions. Times are microseconds since the Unix epoch.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mnemo::agentmem {

// One remembered thing: a memory, an entity, a core-memory block, an archival passage, a checkpoint, a document.
struct MemoryItem {
    int64_t rowid = 0;       // the catalogue's row; stable while a store is open
    std::string id;          // the store's own id
    std::string kind = "memory";
    std::string text;
    std::string userId, agentId, appId, threadId;
    std::string tier;        // LightMem tier, namespace, collection or block label
    std::string scope = "private"; // "private" or "shared" (Collaborative Memory fragments)
    std::string parentId;    // tree parent: time-ordered tree node, namespace, checkpoint parent
    int64_t createdUs = 0, updatedUs = 0;
    std::optional<int64_t> deletedUs; // empty while the item is live
    std::vector<float> embedding;     // empty when the store keeps none
    std::string metadataJson = "{}";
};

// A change to one item. "add", "update" and "delete" carry old/new text; "access" is a retrieval, "checkpoint" a
// saved agent state.
struct MemoryEvent {
    int64_t seq = 0;
    std::string itemId;
    std::string action;
    int64_t timeUs = 0;
    std::string actorId;
    std::string oldText, newText;
    std::string detailJson = "{}";
};

// A directed edge: an entity mention, a graph relation, a checkpoint's parent, a shared block.
struct Relation {
    std::string src, dst;
    std::string kind;  // "mentions", "relates", "parent", "link", "attached", ...
    std::string label;
    int64_t createdUs = 0;
    std::optional<int64_t> deletedUs;
};

// Who contributed to an item, and from which resources (Collaborative Memory's immutable provenance).
struct Provenance {
    std::string itemId;
    std::string principalId;
    std::string role;  // "author", "contributor", "resource", "source"
    int64_t timeUs = 0;
    std::string detail;
};

// One retrieval: which item a principal got back for which query, with what score.
struct AccessRecord {
    int64_t seq = 0;
    std::string itemId, principalId, query, kind;
    double score = 0;
    int rank = -1;
    int64_t timeUs = 0;
};

// A user, agent, app or resource.
struct Principal {
    std::string id;
    std::string kind;  // "user", "agent", "app", "resource"
    std::string name;
};

// A read permission valid over [validFromUs, validToUs). objectKind is "item", "user", "agent", "app", "tier" or
// "scope"; objectId "*" matches every object of that kind. Deny wins over allow.
struct Policy {
    int64_t seq = 0;
    std::string subjectId; // principal id, or "*" for everyone
    std::string objectKind, objectId;
    std::string effect;    // "allow" or "deny"
    int64_t validFromUs = 0;
    std::optional<int64_t> validToUs;
};

} // namespace mnemo::agentmem
