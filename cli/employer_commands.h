// `jobcard employer` subcommands: cli/employer_command.cpp dispatches to
// them. Same contract as cli/commands.h.
#pragma once

#include "cli/commands.h"

namespace jobcard::cli {

// employer_entry.cpp: one per career-entry kind.
int RunEmployerHire(const Words& words);
int RunEmployerPositionChange(const Words& words);
int RunEmployerRoleChange(const Words& words);
int RunEmployerSecond(const Words& words);
int RunEmployerEndSecondment(const Words& words);
int RunEmployerSideJob(const Words& words);
int RunEmployerEndSideJob(const Words& words);
int RunEmployerSeparate(const Words& words);
int RunEmployerCorrect(const Words& words);
// employer_headcount.cpp
int RunEmployerHeadcount(const Words& words);

}  // namespace jobcard::cli
