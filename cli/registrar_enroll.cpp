// `jobcard registrar enroll`: the registrar's enrolment step. A person's My
// Number (マイナンバー) becomes their subject id through the registrar's keyed
// hash (ledger/pseudonym.h); the enroll_subject transaction binds the id to
// the worker's key. The My Number is checked, used once in memory and
// dropped: it is never printed, stored, logged or sent to the node.
#include <cstdio>

#include "cli/client_common.h"
#include "cli/passphrase.h"
#include "cli/registrar_commands.h"
#include "cli/registrar_context.h"
#include "cli/subject_file.h"
#include "cli/submit_flow.h"
#include "ledger/pseudonym.h"

namespace jobcard::cli {

namespace {

constexpr std::size_t kMaxMyNumberLineBytes = 64;

constexpr const char* kEnrollUsage =
    "usage: jobcard registrar enroll --my-number NUMBER|- (--subject-key FILE | --subject-pub HEX)\n"
    "                                [--home DIR] [--registrar-key FILE]... [--node URL] [--json]\n"
    "\n"
    "Enrols a worker: checks the 12-digit My Number's check digit, turns it into the\n"
    "worker's subject id with the registrar's pseudonym key (DIR/keys/registrar-pseudonym.key),\n"
    "and records an enroll_subject that binds the id to the worker's public key.\n"
    "Prints the subject id. The My Number is never printed, stored or sent.\n"
    "\n"
    "  --my-number NUMBER    the worker's My Number; '-' reads it from standard input\n"
    "                        (keeps it out of the shell history and the process list)\n"
    "  --subject-key FILE    the worker's key file (`jobcard key new`); its public key is\n"
    "                        read without a passphrase, and the subject id is saved next\n"
    "                        to it as FILE.subject for `jobcard history` and `dispute`\n"
    "  --subject-pub HEX     or the worker's Ed25519 public key in hex (nothing is saved)\n";

// The My Number from the option, or one line of standard input for '-',
// kept in locked memory.
Result<crypto::SecureBuffer> ReadMyNumber(const std::string& option) {
  if (option == "-") return ReadPassphraseLine(0, kMaxMyNumberLineBytes);
  return crypto::SecureBuffer::CopyOf(AsBytes(option));
}

std::string_view AsText(const crypto::SecureBuffer& buffer) {
  return std::string_view(reinterpret_cast<const char*>(buffer.view().data()), buffer.view().size());
}

std::string Usage() { return std::string(kEnrollUsage) + "\n" + kRegistrarOptionsHelp + kNodeOptionsHelp + kSubmitOptionsHelp; }

}  // namespace

int RunRegistrarEnroll(const Words& words) {
  const Reporter report("registrar enroll", Usage());
  if (WantsHelp(words)) return report.Help();
  auto args = ParseClientArgs(words, WithSubmitOptions(WithRegistrarOptions({{"my-number", "subject-key", "subject-pub"}, {}})));
  if (!args.ok()) return report.Usage(args.error().message);
  auto submit_options = SubmitOptionsFrom(*args);
  if (!submit_options.ok()) return report.Usage(submit_options.error().message);
  auto my_number_option = Required(*args, "my-number", "NUMBER");
  if (!my_number_option.ok()) return report.Usage(my_number_option.error().message);

  // Every local check comes before anything is unlocked or sent.
  auto my_number = ReadMyNumber(*my_number_option);
  if (!my_number.ok()) {
    // Only an overlong line or a read error get here; say it in My Number terms.
    return report.Invalid(MakeError("id.my_number_form", "cannot read a My Number from standard input (" +
                                                             my_number.error().code + ")"));
  }
  if (Status valid = ledger::ValidateMyNumber(AsText(*my_number)); !valid.ok()) return report.Invalid(valid.error());
  auto subject_key = PublicKeyOption(*args, "subject");
  if (!subject_key.ok()) {
    return subject_key.error().code == "cli.usage" ? report.Usage(subject_key.error().message)
                                                   : report.Fail(subject_key.error());
  }
  if (auto usable = crypto::X25519PublicKeyOf(*subject_key); !usable.ok()) {
    return report.Invalid(MakeError("validation.bad_key", "the subject's public key is not a usable Ed25519 key"));
  }

  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);
  auto registrar = OpenRegistrar(*args, *node);
  if (!registrar.ok()) return report.Fail(registrar.error());
  auto pseudonym_key = ReadPseudonymKey(registrar->home);
  if (!pseudonym_key.ok()) return report.Fail(pseudonym_key.error());
  auto subject = ledger::DeriveSubjectId(pseudonym_key->view(), AsText(*my_number));
  if (!subject.ok()) return report.Fail(subject.error());

  ledger::Tx tx{ledger::TxKind::kEnrollSubject, FreshNonce(), ledger::EnrollSubject{*subject, *subject_key}, {}};
  SignAsRegistrar(tx, *registrar);
  auto submitted = SubmitTx(*node, tx, *submit_options);
  if (!submitted.ok()) return report.Fail(submitted.error());

  nlohmann::ordered_json fields = {{"kind", "enroll_subject"}, {"subject", ToHex(*subject)}};
  if (auto key_file = args->Get("subject-key")) {
    if (Status saved = WriteSubjectFile(*key_file, *subject); !saved.ok()) {
      std::fprintf(stderr, "jobcard registrar enroll: warning: enrolled, but the subject id was not saved: %s\n",
                   saved.error().message.c_str());
    } else {
      fields["subject_file"] = SubjectFileFor(*key_file).string();
    }
  }
  PrintSubmitted(*submitted, *submit_options, fields);
  return kExitOk;
}

}  // namespace jobcard::cli
