#pragma once
// The SQL that reads Letta's server schema in PostgreSQL (agents, core-memory blocks and their history, archival
// passages, messages, identities), and its rows turned into the common model; kept apart from the store so the
// queries can be read in one place. The same mapping as the SQLite reader (adapters/LettaImport.cpp), computed by
// the server: blocks, passages and messages are the items, block_history the updates, blocks_agents the relations
// and the read grants, agents and identities the principals.

#include "Pg.hpp"

#include "mnemo/agentmem/AgentStore.hpp"

#include <string>
#include <vector>

namespace mnemo::agentmem::lettasql {

// What a database has of the optional tables (older or newer servers lack some).
struct Tables {
    bool history = false;    // block_history
    bool identities = false; // identities and identities_agents
};

// Whether the tables Letta's reader needs are there (one row: needed, history, identities).
inline constexpr const char *kFind =
    "SELECT to_regclass('agents') IS NOT NULL AND to_regclass('block') IS NOT NULL AND to_regclass('messages')"
    " IS NOT NULL AND to_regclass('archival_passages') IS NOT NULL AND to_regclass('blocks_agents') IS NOT NULL AND"
    " to_regclass('archives_agents') IS NOT NULL, to_regclass('block_history') IS NOT NULL,"
    " to_regclass('identities') IS NOT NULL AND to_regclass('identities_agents') IS NOT NULL";
// The first column the reader needs that a table lacks: (table, column), or no row.
extern const char *const kMissingColumns;

// The items as one relation "i" with columns id, kind, text, tier, agent_id, scope, thread_id, created_us,
// updated_us, is_deleted, meta, embedding (its text form).
std::string itemsRelation();
// The events, numbered in a total order (seq): block versions, adds of blocks without history, passages and
// messages, deletes; columns seq, item_id, action, time_us, actor, old_text, new_text, detail.
std::string eventsRelation(const Tables &tables);
// Relations (src, dst, kind, label, created_us): blocks attached to agents, identities using agents.
std::string relationsRelation(const Tables &tables);
// The text of a block as it was at a time ($n, microseconds), else the row's own.
std::string textAsOf(const Tables &tables, const std::string &param);
// The live tail's watermark: the server's row-change counters for the tables read.
extern const char *const kWatermark;

// The filter as a WHERE over "i" (time travel: what existed and was not yet deleted at asOf).
pg::Where whereFor(const ItemFilter &filter);

MemoryItem itemFromRow(const pg::Rows &rows, int row, bool withEmbedding);
MemoryEvent eventFromRow(const pg::Rows &rows, int row);
// pgvector's text form "[1,2,3]" or an array's "{1,2,3}".
std::vector<float> floatsFromText(const std::string &text);

} // namespace mnemo::agentmem::lettasql
