// `jobcard registrar` subcommands (dev registrar): cli/registrar_command.cpp
// dispatches to them. Same contract as cli/commands.h.
#pragma once

#include "cli/commands.h"

namespace jobcard::cli {

int RunRegistrarEnroll(const Words& words);            // registrar_enroll.cpp
int RunRegistrarRegisterEmployer(const Words& words);  // registrar_employer.cpp
int RunRegistrarAddEmployerKey(const Words& words);    // registrar_employer.cpp
int RunRegistrarRevokeEmployerKey(const Words& words);  // registrar_employer.cpp
int RunRegistrarAddValidator(const Words& words);       // registrar_validator.cpp
int RunRegistrarRemoveValidator(const Words& words);    // registrar_validator.cpp

}  // namespace jobcard::cli
