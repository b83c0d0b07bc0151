#include "ledger/bundle_assemble.h"

#include <algorithm>

#include "ledger/consistent_read.h"
#include "ledger/entry_builder.h"

namespace jobcard::ledger {

std::set<PayloadFieldId> DefaultDisclosure() {
  std::set<PayloadFieldId> out;
  for (std::uint8_t i = 1; i <= kMaxPayloadFieldId; ++i) {
    auto id = static_cast<PayloadFieldId>(i);
    if (!IsSensitiveField(id)) out.insert(id);
  }
  return out;
}

std::vector<EntryId> PeriodEntryIds(const SubjectRecord& record, const BundlePeriod& period) {
  std::vector<EntryId> out;
  for (const auto& ref : record.entries) {
    if (RequiredInPeriod(ref, period)) out.push_back(ref.id);
  }
  return out;
}

std::vector<CorporateNumber> SigningEmployers(const std::vector<Tx>& entries) {
  std::vector<CorporateNumber> out;
  auto add = [&out](const CorporateNumber& id) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  };
  for (const auto& tx : entries) {
    const auto* e = std::get_if<CareerEntry>(&tx.body);
    if (!e) continue;
    add(e->employer);
    if (tx.kind == TxKind::kSecondmentStart || tx.kind == TxKind::kSecondmentEnd) add(e->host_employer);
  }
  return out;
}

namespace {

std::vector<FieldOpening> Openings(const Payload& payload, const std::set<PayloadFieldId>& disclose) {
  std::vector<FieldOpening> out;
  for (const auto& field : payload.fields) {
    FieldOpening o;
    const Hash32 salt = FieldSalt(payload.salt, field.id);
    if (disclose.count(field.id)) {
      o.disclosed = true;
      o.id = field.id;
      o.value = field.value;
      o.field_salt = salt;
    } else {
      o.leaf = FieldLeaf(salt, field.id, field.value);
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

Result<Bundle> AssembleBundle(BundleMaterial m, const BundleRequest& request, const crypto::SigningKey& subject_key) {
  if (subject_key.public_key() != m.subject_record.key) {
    return MakeError("bundle.not_subject_key", "this key is not the subject's current key; the bundle could not be verified");
  }
  if (m.entries.empty()) return MakeError("bundle.no_entries", "a bundle needs at least one entry");
  if (m.entries.size() > kMaxBundleEntries) {
    return MakeError("bundle.too_many_entries", "a bundle holds at most " + std::to_string(kMaxBundleEntries) + " entries");
  }
  Bundle b;
  b.chain_id = std::move(m.chain_id);
  b.genesis_hash = m.genesis_hash;
  b.subject = m.subject_record.id;
  b.audience = request.audience;
  b.created_at = request.created_at;
  b.expires_at = request.expires_at;
  b.period = request.period;
  b.anchor = m.anchor;
  b.anchor_certificate = std::move(m.anchor_certificate);
  b.transitions = std::move(m.transitions);
  b.subject_record = std::move(m.subject_record);
  b.subject_proof = std::move(m.subject_proof);
  b.employers = std::move(m.employers);
  for (auto& e : m.entries) {
    auto payload = OpenEntryPayload(e.tx, subject_key);
    if (!payload.ok()) {
      return MakeError("bundle.cannot_open", "entry " + ToHex(TxId(b.chain_id, e.tx)).substr(0, 16) +
                                                 "… does not open with this key: " + payload.error().message);
    }
    BundleEntry out;
    out.fields = Openings(*payload, request.disclose);
    out.tx = std::move(e.tx);
    out.log_index = e.log_index;
    out.inclusion = std::move(e.inclusion);
    b.entries.push_back(std::move(out));
  }
  SignBundle(b, subject_key);
  return b;
}

namespace {

Result<BundleMaterial> ReadMaterial(const ChainStore& store, const SubjectId& subject, const std::vector<EntryId>& ids) {
  const ChainTip tip = store.Tip();
  BundleMaterial m;
  m.chain_id = store.genesis().chain_id;
  m.genesis_hash = GenesisHash(store.genesis());
  auto header = store.GetBlockHeader(tip.height);
  if (!header.ok()) return header.error();
  auto cert = store.GetCertificate(tip.height);
  if (!cert.ok()) return cert.error();
  m.anchor = *header;
  m.anchor_certificate = *cert;
  auto record = store.GetSubject(subject);
  if (!record) return MakeError("bundle.unknown_subject", "the subject is not enrolled");
  m.subject_record = *record;
  auto proof = store.StateProof(SubjectStateKey(subject));
  if (!proof.ok()) return proof.error();
  m.subject_proof = *proof;
  std::vector<Tx> txs;
  for (const auto& id : ids) {
    auto tx = store.GetTx(id);
    auto loc = store.GetTxLocation(id);
    if (!tx || !loc) return MakeError("bundle.unknown_entry", "no committed entry " + ToHex(id));
    auto path = store.LogInclusionProof(loc->log_index, tip.log_size);
    if (!path.ok()) return path.error();
    m.entries.push_back({*tx, loc->log_index, *path});
    txs.push_back(*tx);
  }
  for (const auto& id : SigningEmployers(txs)) {
    auto employer = store.GetEmployer(id);
    if (!employer) return MakeError("bundle.unknown_employer", "employer " + id.str() + " is not registered");
    auto employer_proof = store.StateProof(EmployerStateKey(id));
    if (!employer_proof.ok()) return employer_proof.error();
    m.employers.push_back({*employer, *employer_proof});
  }
  return m;
}

}  // namespace

// The anchor, the records and every proof must belong to one tip, or the
// bundle would not verify (spec/bundle.md): read them as one.
Result<BundleMaterial> MaterialFromStore(const ChainStore& store, const SubjectId& subject, const std::vector<EntryId>& ids) {
  return ReadAtOneTip(store, [&] { return ReadMaterial(store, subject, ids); });
}

}  // namespace jobcard::ledger
