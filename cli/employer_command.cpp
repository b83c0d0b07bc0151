// `jobcard employer`: an employer's HR records career entries.
#include "cli/employer_commands.h"
#include "cli/subcommand_table.h"

namespace jobcard::cli {

namespace {

constexpr const char* kEmployerIntro =
    "An employer (事業主) records its workers' career events as signed entries. Each\n"
    "needs the employer's key file (--key), its 法人番号 (--employer) and the worker's\n"
    "subject id (--subject); the details are encrypted to the worker and the employer.\n";

constexpr Subcommand kEmployerSubcommands[] = {
    {"hire", "雇入れ: employment starts", RunEmployerHire},
    {"position-change", "昇進・異動: new position, grade or department (alias: promote)", RunEmployerPositionChange},
    {"promote", "same as position-change", RunEmployerPositionChange},
    {"role-change", "職務変更: new duties", RunEmployerRoleChange},
    {"second", "在籍出向: secondment to a host employer (co-signed by the host)", RunEmployerSecond},
    {"end-secondment", "在籍出向 終了: the secondment ends (co-signed by the host)", RunEmployerEndSecondment},
    {"side-job", "兼業・副業: side job starts at this employer", RunEmployerSideJob},
    {"end-side-job", "兼業・副業 終了: the side job ends", RunEmployerEndSideJob},
    {"separate", "退職: employment ends", RunEmployerSeparate},
    {"correct", "訂正: supersede an earlier entry, with a reason", RunEmployerCorrect},
    {"headcount", "在籍者数の届出: declare the number of employees", RunEmployerHeadcount},
};

}  // namespace

int RunEmployerCommand(const Words& words) {
  return DispatchSubcommand("employer", kEmployerIntro, kEmployerSubcommands, words);
}

}  // namespace jobcard::cli
