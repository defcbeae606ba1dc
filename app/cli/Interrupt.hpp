#pragma once
// For commands that run until interrupted (serve, inspect --follow): SIGINT and SIGTERM set a flag the command's loop
// reads, so it ends its work cleanly instead of dying mid-write.

namespace mnemo::cli {

void stopOnInterrupt(); // installs the handlers
bool interrupted();

} // namespace mnemo::cli
