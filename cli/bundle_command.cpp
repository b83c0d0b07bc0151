// `jobcard bundle` and `jobcard bundle create`: a worker builds a disclosure bundle for one
// matcher (spec/bundle.md): chosen entries or every current entry of a
// period, the fields to open (sensitive ones withheld unless asked for), an
// expiry, signed with the worker's key. The node supplies the proofs; the
// bundle is verified here before it is written, so a node that serves bad
// proofs cannot make the worker hand out a bundle that fails.
#include <cstdio>
#include <set>

#include "cli/bundle_commands.h"
#include "cli/bundle_fetch.h"
#include "cli/bundle_print.h"
#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/entry_input.h"
#include "cli/subcommand_table.h"
#include "cli/subject_file.h"
#include "crypto/private_file.h"
#include "ledger/bundle_verify.h"

namespace jobcard::cli {

namespace {

constexpr const char* kCreateUsage =
    "usage: jobcard bundle create --subject-key FILE --audience KEY --out FILE\n"
    "                             (--entry ID [--entry ID ...] | --from YYYY-MM-DD --to YYYY-MM-DD)\n"
    "                             [--expires YYYY-MM-DD|DAYSd] [--disclose FIELD ...] [--withhold FIELD ...]\n"
    "                             [--subject HEX] [options]\n"
    "\n"
    "Builds a verified history bundle for one matcher: the entries you choose, their\n"
    "employers' signatures, the ledger's proofs, and the payload fields you open, signed\n"
    "with your key. The matcher checks it with `jobcard verify`, offline, with only the\n"
    "ledger's genesis file. The file holds your career details: it is written mode 0600.\n"
    "\n"
    "  --subject-key FILE    your key file: it opens the payloads and signs the bundle\n"
    "  --audience KEY        the matcher's public key (64 hex digits); only it can use the bundle\n"
    "  --out FILE            where to write the bundle (JSON); an existing file is not replaced\n"
    "  --entry ID            an entry to include (see `jobcard history`); repeat for more\n"
    "  --from, --to DATE     instead of --entry: every current entry effective in the period,\n"
    "                        with a proof that none is left out (corrected entries are\n"
    "                        replaced by their corrections)\n"
    "  --expires WHEN        a date (the bundle expires at its start, UTC) or a number of days\n"
    "                        such as 30d (the default)\n"
    "  --disclose FIELD      also open a sensitive field: salary_band, separation_reason, note\n"
    "  --withhold FIELD      keep a field closed (e.g. duties); the matcher sees only that a\n"
    "                        field is there\n"
    "  --subject HEX         your subject id (default: the one saved in FILE.subject)\n";

constexpr std::uint64_t kDefaultExpiryDays = 30;
constexpr std::uint64_t kMaxExpiryDays = 366;

Result<std::uint64_t> ExpiryFrom(const Args& args, std::uint64_t now) {
  const std::string when = args.GetOr("expires", std::to_string(kDefaultExpiryDays) + "d");
  std::uint64_t expires = 0;
  if (!when.empty() && when.back() == 'd') {
    auto days = ParseUnsigned<std::uint64_t>(std::string_view(when).substr(0, when.size() - 1));
    if (!days || *days == 0 || *days > kMaxExpiryDays) {
      return MakeError("cli.bad_expiry", "--expires DAYSd takes 1 to " + std::to_string(kMaxExpiryDays) + " days");
    }
    expires = now + *days * 86400;
  } else {
    auto date = ledger::Date::Parse(when);
    if (!date.ok()) return MakeError("cli.bad_expiry", "--expires takes a date (YYYY-MM-DD) or a number of days (30d)");
    expires = static_cast<std::uint64_t>(std::max<std::int64_t>(0, date->DaysSinceEpoch())) * 86400;
  }
  if (expires <= now) return MakeError("cli.bad_expiry", "--expires is in the past");
  if (expires > now + kMaxExpiryDays * 86400) {
    return MakeError("cli.bad_expiry", "--expires is more than " + std::to_string(kMaxExpiryDays) + " days ahead");
  }
  return expires;
}

Result<std::set<ledger::PayloadFieldId>> DisclosureFrom(const Args& args) {
  std::set<ledger::PayloadFieldId> fields = ledger::DefaultDisclosure();
  for (const auto& [option, add] : {std::pair{"disclose", true}, std::pair{"withhold", false}}) {
    for (const auto& name : args.GetAll(option)) {
      auto id = ledger::PayloadFieldFromName(name);
      if (!id) return MakeError("cli.bad_field", "--" + std::string(option) + ": unknown payload field '" + name + "'");
      if (add) fields.insert(*id);
      else fields.erase(*id);
    }
  }
  return fields;
}

Result<EntryChoice> ChoiceFrom(const Args& args) {
  EntryChoice choice;
  const bool by_period = args.Has("from") || args.Has("to");
  if (by_period == args.Has("entry")) return MakeError("cli.usage", "give either --entry ID (one or more) or --from and --to");
  if (by_period) {
    auto from = DateOption(args, "from");
    if (!from.ok()) return from.error();
    auto to = DateOption(args, "to");
    if (!to.ok()) return to.error();
    if (*to < *from) return MakeError("cli.bad_period", "--to is before --from");
    choice.period = ledger::BundlePeriod{*from, *to};
    return choice;
  }
  for (const auto& hex : args.GetAll("entry")) {
    auto id = ParseIdOption("entry", hex);
    if (!id.ok()) return id.error();
    choice.ids.push_back(*id);
  }
  return choice;
}

struct CreateInput {
  std::string key_file;
  std::string out;
  ledger::SubjectId subject{};
  EntryChoice choice;
  ledger::BundleRequest request;
};

Result<CreateInput> InputFromArgs(const Args& args) {
  CreateInput in;
  auto key_file = Required(args, "subject-key", "FILE");
  if (!key_file.ok()) return key_file.error();
  in.key_file = *key_file;
  auto out = Required(args, "out", "FILE");
  if (!out.ok()) return out.error();
  in.out = *out;
  auto audience_hex = Required(args, "audience", "KEY");
  if (!audience_hex.ok()) return audience_hex.error();
  auto audience = FixedFromHex<32>(*audience_hex);
  if (!audience.ok()) return MakeError("cli.bad_key", "--audience takes the matcher's public key: 64 hex digits");
  in.request.audience = *audience;
  auto choice = ChoiceFrom(args);
  if (!choice.ok()) return choice.error();
  in.choice = std::move(*choice);
  in.request.period = in.choice.period;
  in.request.created_at = NowUnixSeconds();
  auto expires = ExpiryFrom(args, in.request.created_at);
  if (!expires.ok()) return expires.error();
  in.request.expires_at = *expires;
  auto disclose = DisclosureFrom(args);
  if (!disclose.ok()) return disclose.error();
  in.request.disclose = std::move(*disclose);
  return in;
}

// Checks a worker may knowingly fail: they choose to show a corrected or
// disputed entry, and the matcher will see it marked.
bool WorkersChoice(const ledger::BundleCheck& c) {
  return c.name == ledger::bundle_check::kNotSuperseded || c.name == ledger::bundle_check::kNotDisputed;
}

}  // namespace

int RunBundleCreate(const Words& words) {
  const Reporter report("bundle create", std::string(kCreateUsage) + kNodeOptionsHelp);
  if (WantsHelp(words)) return report.Help();
  OptionSpec spec{{"subject-key", "subject", "audience", "out", "from", "to", "expires"}, {}, {"entry", "disclose", "withhold"}};
  auto args = ParseClientArgs(words, WithNodeOptions(spec));
  if (!args.ok()) return report.Usage(args.error().message);
  auto input = InputFromArgs(*args);
  if (!input.ok()) return report.BadInput(input.error());
  if (Status can = crypto::CheckCanCreate(input->out, /*replace=*/false, "bundle"); !can.ok()) return report.Fail(can.error());
  auto subject = ResolveSubject(args->Get("subject"), input->key_file);
  if (!subject.ok()) return subject.error().code == "cli.bad_id" ? report.Invalid(subject.error()) : report.Fail(subject.error());
  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);

  auto key = UnlockKeyFile(input->key_file, /*dev_default=*/false);
  if (!key.ok()) return report.Fail(MakeError(key.error().code, input->key_file + ": " + key.error().message));
  auto material = FetchBundleMaterial(*node, *subject, input->choice);
  if (!material.ok()) return report.Fail(material.error());
  auto genesis = FetchGenesis(*node);
  if (!genesis.ok()) return report.Fail(genesis.error());
  auto bundle = ledger::AssembleBundle(std::move(*material), input->request, *key);
  if (!bundle.ok()) return report.Fail(bundle.error());

  // Verify as the matcher will, before anything is written.
  ledger::BundleVerifyOptions options{input->request.created_at, input->request.audience, std::nullopt};
  const ledger::BundleReport checked = ledger::VerifyBundle(*bundle, *genesis, options);
  for (const auto& c : checked.checks) {
    if (!c.passed && !WorkersChoice(c)) {
      return report.Fail(MakeError("bundle.unverifiable", "the node's proofs do not verify (" + c.name + ": " + c.detail + ")"));
    }
  }
  const std::string text = ledger::BundleToJson(*bundle).dump(1) + "\n";
  if (Status written = crypto::WritePrivateFileAtomically(input->out, text, /*replace=*/false, "bundle"); !written.ok()) {
    return report.Fail(written.error());
  }
  for (const auto& c : checked.checks) {
    if (!c.passed) std::fprintf(stderr, "jobcard bundle create: note: the matcher will see: %s\n", c.detail.c_str());
  }
  if (args->Switch("json")) {
    nlohmann::ordered_json out = BundleSummaryToJson(*bundle);
    out["file"] = input->out;
    PrintJson(out);
  } else {
    std::printf("bundle written to %s\n%s", input->out.c_str(), RenderBundleSummary(*bundle).c_str());
  }
  return kExitOk;
}

namespace {
constexpr Subcommand kBundleCommands[] = {
    {"create", "build a verified history bundle for a matcher", RunBundleCreate},
    {"receipts", "who checked a bundle of yours against a node (access receipts)", RunBundleReceipts},
};
}  // namespace

int RunBundleCommand(const Words& words) {
  return DispatchSubcommand("bundle",
                            "Disclosure bundles: your verified history, for one matcher, with the fields you choose.\n"
                            "The matcher checks one with `jobcard verify`.",
                            kBundleCommands, words);
}

}  // namespace jobcard::cli
