#include "cli/entry_input.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/client_common.h"
#include "crypto/private_file.h"

namespace jobcard::cli {

namespace {

using ledger::PayloadFieldId;

Status AddField(ledger::Payload& payload, PayloadFieldId id, std::string value, const std::string& source) {
  for (const auto& f : payload.fields) {
    if (f.id == id) {
      return MakeError("cli.payload_twice", std::string(ledger::PayloadFieldName(id)) + " is given twice (" + source + ")");
    }
  }
  payload.fields.push_back({id, std::move(value)});
  return Status::Ok();
}

Status AddFieldsFromFile(ledger::Payload& payload, const std::string& path) {
  // A payload file holds personal data like a key file does, but it is the
  // user's own document: its mode is not policed.
  auto text = crypto::ReadPrivateFile(path, kMaxPayloadFileBytes, /*require_owner_only=*/false, "payload_file");
  if (!text.ok()) return text.error();
  const nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return MakeError("cli.payload_file", path + " must hold one JSON object of field name -> text, e.g. "
                                                "{\"position\": \"section_head\"}");
  }
  for (const auto& [name, value] : parsed.items()) {
    auto id = ledger::PayloadFieldFromName(name);
    if (!id) return MakeError("cli.payload_file", path + ": unknown payload field '" + name + "'");
    if (!value.is_string()) return MakeError("cli.payload_file", path + ": " + name + " must be a string");
    JOBCARD_TRY_STATUS(AddField(payload, *id, value.get<std::string>(), "--payload and a flag"));
  }
  return Status::Ok();
}

}  // namespace

const char* const kPayloadOptionsHelp =
    "payload (encrypted to the worker and the employer; spec/data-model.md §4):\n"
    "  --employment-type T   雇用形態: regular, fixed_term, part_time, dispatched, reemployed\n"
    "  --position P          役職: director, department_head, section_head, subsection_head,\n"
    "                        senior_staff, staff\n"
    "  --grade G             等級, the employer's own grade, e.g. M2\n"
    "  --department D        部署, e.g. \"営業部 札幌支店\"\n"
    "  --duties TEXT         職務内容\n"
    "  --work-location L     勤務地, e.g. 北海道札幌市\n"
    "  --salary-band B       給与帯 in 万円, e.g. 600-700 (sensitive)\n"
    "  --separation-reason R 退職理由: voluntary, employer, retirement_age, contract_end (sensitive)\n"
    "  --note TEXT           備考 (sensitive)\n"
    "  --work-pattern W      勤務形態, e.g. \"週2日\"\n"
    "  --payload FILE.json   fields as a JSON object, e.g. {\"position\": \"section_head\"}\n"
    "Each value is UTF-8 text of at most 1024 bytes. Never put a name or a My Number in it.\n";

std::string PayloadFlagName(PayloadFieldId id) {
  std::string name(ledger::PayloadFieldName(id));
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

OptionSpec WithPayloadOptions(OptionSpec spec) {
  for (std::uint8_t i = 1; i <= ledger::kMaxPayloadFieldId; ++i) {
    spec.with_value.insert(PayloadFlagName(static_cast<PayloadFieldId>(i)));
  }
  spec.with_value.insert("payload");
  return spec;
}

Result<ledger::Payload> PayloadFromArgs(const Args& args) {
  ledger::Payload payload;
  payload.salt = ledger::FreshSalt();
  for (std::uint8_t i = 1; i <= ledger::kMaxPayloadFieldId; ++i) {
    const auto id = static_cast<PayloadFieldId>(i);
    if (auto value = args.Get(PayloadFlagName(id))) JOBCARD_TRY_STATUS(AddField(payload, id, *value, "flag"));
  }
  if (auto file = args.Get("payload")) JOBCARD_TRY_STATUS(AddFieldsFromFile(payload, *file));
  std::sort(payload.fields.begin(), payload.fields.end(),
            [](const ledger::PayloadField& a, const ledger::PayloadField& b) { return a.id < b.id; });
  JOBCARD_TRY_STATUS(ledger::ValidatePayload(payload));
  return payload;
}

ledger::Date TodayUtc() { return ledger::Date::FromUnixSeconds(NowUnixSeconds()); }

Result<ledger::Date> DateOption(const Args& args, const std::string& option) {
  auto text = Required(args, option, "YYYY-MM-DD");
  if (!text.ok()) return text.error();
  auto date = ledger::Date::Parse(*text);
  if (!date.ok()) return MakeError(date.error().code, "--" + option + ": " + date.error().message);
  return *date;
}

Result<ledger::Date> PastDateOption(const Args& args, const std::string& option) {
  auto date = DateOption(args, option);
  if (!date.ok()) return date.error();
  if (date->DaysSinceEpoch() > TodayUtc().DaysSinceEpoch() + 1) {
    return MakeError("validation.effective_date_in_future",
                     "--" + option + " " + date->str() + " is in the future: record an event on or after the day it happens");
  }
  return *date;
}

Result<ledger::CorporateNumber> CorporateNumberOption(const Args& args, const std::string& option) {
  auto text = Required(args, option, "NUMBER (a 13-digit 法人番号)");
  if (!text.ok()) return text.error();
  auto number = ledger::CorporateNumber::Parse(*text);
  if (!number.ok()) return MakeError(number.error().code, "--" + option + ": " + number.error().message);
  return *number;
}

}  // namespace jobcard::cli
