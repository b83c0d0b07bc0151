#include "cli/bundle_fetch.h"

#include "cli/json_read.h"
#include "ledger/genesis.h"

namespace jobcard::cli {

namespace {

using nlohmann::json;

constexpr int kMaxAttempts = 5;

Error BadResponse(const std::string& what) { return MakeError("node.bad_response", "the node's answer is malformed: " + what); }

// A hex member holding a canonical encoding, decoded.
template <typename T>
Result<T> DecodedMember(const json& object, const char* name, Result<T> (*decode)(ByteView)) {
  auto bytes = FromHex(JsonString(object, name));
  if (!bytes.ok()) return BadResponse(std::string(name) + " is not hex");
  auto decoded = decode(*bytes);
  if (!decoded.ok()) return BadResponse(std::string(name) + ": " + decoded.error().message);
  return decoded;
}

struct Tip {
  std::uint64_t height = 0;
  std::string block_hash;
  std::string state_root;
  bool operator==(const Tip&) const = default;
};
Tip TipOf(const json& answer) {
  const json tip = JsonMember(answer, "tip");
  return {JsonU64(tip, "height"), JsonString(tip, "block_hash"), JsonString(tip, "state_root")};
}

Result<std::vector<ledger::EntryId>> ChosenIds(const ledger::SubjectRecord& record, const EntryChoice& choice) {
  if (choice.period) {
    auto ids = ledger::PeriodEntryIds(record, *choice.period);
    if (ids.empty()) {
      return MakeError("bundle.empty_period", "no current entry is effective from " + choice.period->from.str() + " to " +
                                                  choice.period->to.str());
    }
    return ids;
  }
  for (const auto& id : choice.ids) {
    bool listed = false;
    for (const auto& ref : record.entries) listed |= ref.id == id;
    if (!listed) return MakeError("bundle.unknown_entry", "entry " + ToHex(id) + " is not in your history");
  }
  return choice.ids;
}

// Every block below `anchor_height` after which the validator set changed
// (spec/bundle.md §4.2), page by page; a bundle holds at most
// kMaxValidatorTransitions. The verifier checks what the node answered.
Result<std::vector<ledger::ValidatorTransition>> FetchTransitions(NodeClient& node, std::uint64_t anchor_height) {
  std::vector<ledger::ValidatorTransition> out;
  std::uint64_t from = 0;
  for (;;) {
    auto page = node.GetJson("/v1/validator-transitions?from=" + std::to_string(from) + "&below=" + std::to_string(anchor_height));
    if (!page.ok()) return page.error();
    const json items = JsonMember(*page, "validator_transitions");
    if (!items.is_array()) return BadResponse("validator_transitions");
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (out.size() == ledger::kMaxValidatorTransitions) {
        return MakeError("bundle.too_many_transitions", "the validator set changed more than " +
                                                            std::to_string(ledger::kMaxValidatorTransitions) +
                                                            " times below the anchor; a bundle cannot carry them all");
      }
      ledger::ValidatorTransition t;
      Status read = ledger::ReadTransition(items[i], "validator_transitions[" + std::to_string(i) + "]", t);
      if (!read.ok()) return BadResponse(read.error().message);
      out.push_back(std::move(t));
    }
    const json next = JsonMember(*page, "next_from");
    if (next.is_null()) return out;
    // Every page but the last carries at least one change, so at most
    // kMaxValidatorTransitions + 1 pages are asked for, whatever the node says.
    if (items.empty()) return BadResponse("an empty page of validator transitions names a next one");
    const std::uint64_t next_from = JsonU64(*page, "next_from");
    if (next_from <= from) return BadResponse("next_from does not advance");
    from = next_from;
  }
}

// One attempt; `stale` is set when the tip moved between answers.
Result<ledger::BundleMaterial> FetchOnce(NodeClient& node, const ledger::SubjectId& subject, const EntryChoice& choice,
                                         bool& stale) {
  ledger::BundleMaterial m;
  auto genesis = FetchGenesis(node);
  if (!genesis.ok()) return genesis.error();
  m.chain_id = genesis->chain_id;
  m.genesis_hash = ledger::GenesisHash(*genesis);

  auto subject_answer = node.GetJson("/v1/subjects/" + ToHex(subject));
  if (!subject_answer.ok()) {
    if (subject_answer.error().code == "api.not_found") {
      return MakeError("validation.subject_not_enrolled", "subject " + ToHex(subject).substr(0, 16) + "… is not enrolled");
    }
    return subject_answer.error();
  }
  const Tip tip = TipOf(*subject_answer);
  auto record = DecodedMember<ledger::SubjectRecord>(JsonMember(*subject_answer, "subject"), "encoded", &ledger::DecodeSubject);
  if (!record.ok()) return record.error();
  auto proof = DecodedMember<ledger::SmtProof>(JsonMember(*subject_answer, "proof"), "encoded", &ledger::DecodeSmtProof);
  if (!proof.ok()) return proof.error();
  m.subject_record = std::move(*record);
  m.subject_proof = std::move(*proof);
  auto ids = ChosenIds(m.subject_record, choice);
  if (!ids.ok()) return ids.error();

  auto block = node.GetJson("/v1/blocks/" + std::to_string(tip.height));
  if (!block.ok()) return block.error();
  auto header = DecodedMember<ledger::BlockHeader>(JsonMember(*block, "header"), "encoded", &ledger::DecodeHeader);
  if (!header.ok()) return header.error();
  auto cert = DecodedMember<ledger::CommitCertificate>(JsonMember(*block, "certificate"), "encoded", &ledger::DecodeCertificate);
  if (!cert.ok()) return cert.error();
  if (ToHex(ledger::BlockHash(*header)) != tip.block_hash) return BadResponse("the block at the tip height is not the tip");
  m.anchor = *header;
  m.anchor_certificate = *cert;
  std::vector<ledger::ValidatorRecord> genesis_set;
  for (const auto& v : genesis->validators) genesis_set.push_back({v.key, v.power, v.name});
  if (m.anchor.validator_set_hash != ledger::ValidatorSetHash(genesis_set)) {
    auto transitions = FetchTransitions(node, m.anchor.height);
    if (!transitions.ok()) return transitions.error();
    m.transitions = std::move(*transitions);
  }

  std::vector<ledger::Tx> txs;
  for (const auto& id : *ids) {
    const std::string hex = ToHex(id);
    auto tx = node.GetJson("/v1/txs/" + hex);
    if (!tx.ok()) return tx.error();
    auto decoded = DecodedMember<ledger::Tx>(*tx, "encoded", &ledger::DecodeTx);
    if (!decoded.ok()) return decoded.error();
    if (ledger::TxId(m.chain_id, *decoded) != id) return BadResponse("transaction " + hex + " does not hash to its id");
    auto path = node.GetJson("/v1/entries/" + hex + "/proof?log_size=" + std::to_string(m.anchor.log_size));
    if (!path.ok()) return path.error();
    ledger::MaterialEntry entry{*decoded, JsonU64(*path, "log_index"), {}};
    const json hashes = JsonMember(*path, "proof");
    if (!hashes.is_array()) return BadResponse("inclusion proof");
    for (const json& h : hashes) {
      auto parsed = h.is_string() ? FixedFromHex<32>(h.get<std::string>()) : Result<Hash32>(MakeError("", ""));
      if (!parsed.ok()) return BadResponse("inclusion proof hash");
      entry.inclusion.push_back(*parsed);
    }
    txs.push_back(*decoded);
    m.entries.push_back(std::move(entry));
  }
  for (const auto& id : ledger::SigningEmployers(txs)) {
    auto answer = node.GetJson("/v1/employers/" + id.str());
    if (!answer.ok()) return answer.error();
    if (!(TipOf(*answer) == tip)) stale = true;
    auto employer = DecodedMember<ledger::EmployerRecord>(JsonMember(*answer, "employer"), "encoded", &ledger::DecodeEmployer);
    if (!employer.ok()) return employer.error();
    auto employer_proof = DecodedMember<ledger::SmtProof>(JsonMember(*answer, "proof"), "encoded", &ledger::DecodeSmtProof);
    if (!employer_proof.ok()) return employer_proof.error();
    m.employers.push_back({std::move(*employer), std::move(*employer_proof)});
  }
  return m;
}

}  // namespace

Result<ledger::Genesis> FetchGenesis(NodeClient& node) {
  auto answer = node.GetJson("/v1/genesis");
  if (!answer.ok()) return answer.error();
  auto genesis = ledger::ParseGenesis(answer->dump());
  if (!genesis.ok()) return BadResponse("genesis: " + genesis.error().message);
  return genesis;
}

Result<ledger::BundleMaterial> FetchBundleMaterial(NodeClient& node, const ledger::SubjectId& subject, const EntryChoice& choice) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    bool stale = false;
    auto material = FetchOnce(node, subject, choice, stale);
    if (!material.ok() || !stale) return material;
  }
  return MakeError("bundle.busy", "the node committed blocks while the proofs were being fetched; try again");
}

Result<ledger::BundleFreshness> FetchFreshness(NodeClient& node, const ledger::Bundle& bundle) {
  auto block = node.GetJson("/v1/blocks/" + std::to_string(bundle.anchor.height));
  if (!block.ok()) return block.error();
  auto header = DecodedMember<ledger::BlockHeader>(JsonMember(*block, "header"), "encoded", &ledger::DecodeHeader);
  if (!header.ok()) return header.error();
  auto answer = node.GetJson("/v1/subjects/" + ToHex(bundle.subject));
  if (!answer.ok()) return answer.error();
  auto record = DecodedMember<ledger::SubjectRecord>(JsonMember(*answer, "subject"), "encoded", &ledger::DecodeSubject);
  if (!record.ok()) return record.error();
  auto proof = DecodedMember<ledger::SmtProof>(JsonMember(*answer, "proof"), "encoded", &ledger::DecodeSmtProof);
  if (!proof.ok()) return proof.error();
  auto state_root = FixedFromHex<32>(JsonString(JsonMember(*answer, "tip"), "state_root"));
  if (!state_root.ok()) return BadResponse("tip.state_root");
  if (Status s = ledger::VerifySmtProof(*state_root, ledger::SubjectStateKey(bundle.subject),
                                        ledger::SubjectStateValue(*record), *proof);
      !s.ok()) {
    return BadResponse("the subject's record does not match the node's state root");
  }
  return ledger::BundleFreshness{ledger::BlockHash(*header), TipOf(*answer).height, std::move(*record)};
}

}  // namespace jobcard::cli
