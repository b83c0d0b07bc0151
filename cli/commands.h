// Every `jobcard` subcommand: one function each, defined in its own file.
// Each takes the words after its name and returns the process exit code
// (0 success, 1 operation failed, 2 usage error).
#pragma once

#include <string>
#include <vector>

namespace jobcard::cli {

using Words = std::vector<std::string>;

int RunNodeCommand(const Words& words);     // node_command.cpp
int RunKeyCommand(const Words& words);      // key_command.cpp
int RunVersionCommand(const Words& words);  // main.cpp
// Clients of a running node (--node URL):
int RunRegistrarCommand(const Words& words);  // registrar_command.cpp
int RunEmployerCommand(const Words& words);   // employer_command.cpp
int RunHistoryCommand(const Words& words);    // history_command.cpp
int RunDisputeCommand(const Words& words);    // dispute_command.cpp
int RunBundleCommand(const Words& words);     // bundle_command.cpp
int RunVerifyCommand(const Words& words);     // verify_command.cpp

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace jobcard::cli
