#pragma once
// mnemo-cli's commands. Each add function puts its command (and its options, with their help) into the CLI11 tree
// and, when the command is the one chosen, sets the action that runs it and prints its result.

#include "CliOptions.hpp"

namespace mnemo::cli {

void addGpuCommand(CLI::App &root, CommandLine &line);
void addPluginsCommand(CLI::App &root, CommandLine &line);
void addRunCommand(CLI::App &root, CommandLine &line);
void addServeCommand(CLI::App &root, CommandLine &line); // a local module over the remote protocol
void addReplayCommand(CLI::App &root, CommandLine &line);
void addSessionCommand(CLI::App &root, CommandLine &line);
void addExportCommand(CLI::App &root, CommandLine &line);
void addProbeCommand(CLI::App &root, CommandLine &line);
void addTrackCommand(CLI::App &root, CommandLine &line);
void addEvalCommand(CLI::App &root, CommandLine &line);     // eval revisit|consistency
void addBenchCommand(CLI::App &root, CommandLine &line);    // bench pipeline|reference-world|retrieval|decode|inspect
void addInspectCommand(CLI::App &root, CommandLine &line);
void addEditCommand(CLI::App &root, CommandLine &line);
void addMemstoreCommand(CLI::App &root, CommandLine &line); // memstore create|add|update|...|script|index
void addNnCommand(CLI::App &root, CommandLine &line);       // nn run

// The benchmarks that live in their own files, added under `bench`.
void addBenchDecodeCommand(CLI::App &bench, CommandLine &line);
void addBenchInspectCommand(CLI::App &bench, CommandLine &line);
void addBenchEditCommand(CLI::App &bench, CommandLine &line);
void addBenchRemoteCommand(CLI::App &bench, CommandLine &line);
void addBenchNnCommand(CLI::App &bench, CommandLine &line);
// Evaluations in their own files, added under `eval`.
void addEvalConsistencyCommand(CLI::App &eval, CommandLine &line);
void addEvalDriftCommand(CLI::App &eval, CommandLine &line);

} // namespace mnemo::cli
