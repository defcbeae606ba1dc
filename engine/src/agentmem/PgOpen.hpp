#pragma once
// Opening a PostgreSQL database as an agent-memory store: the kind is recognised by its tables (a LangGraph
// checkpointer, a LangGraph PostgresStore, a Letta server). A database holding several opens the first of those, and
// says the others are there; a suffix picks one: CONNECTION#checkpointer, CONNECTION#store or CONNECTION#letta.

#include "mnemo/agentmem/AgentStore.hpp"

#include <memory>
#include <string>

namespace mnemo::agentmem::pg {

Result<std::unique_ptr<AgentStore>> openDatabase(const std::string &connection);
// The connection string without a password, with its #kind suffix if it has one.
std::string displayConnection(const std::string &connection);

} // namespace mnemo::agentmem::pg
