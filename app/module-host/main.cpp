// mnemo-module-host: runs one module library for a Mnemo host that isolates it (see mnemo/modules/Isolation.hpp).
#include "mnemo/modules/Isolation.hpp"

int main(int argc, char **argv) { return mnemo::modules::runModuleHostProcess(argc, argv); }
