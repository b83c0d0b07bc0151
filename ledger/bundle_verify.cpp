// The checks of spec/bundle.md §Verification, one function each. Entry-level
// checks collect every problem and report the first with a count, so a
// bundle of fifty entries with one bad signature says which one.
#include "ledger/bundle_verify.h"

#include <algorithm>
#include <set>

#include "crypto/hash.h"
#include "ledger/merkle_log.h"

namespace jobcard::ledger {

namespace check = bundle_check;

namespace {

std::string Short(const Hash32& id) { return ToHex(id).substr(0, 16) + "…"; }

// Builds one check from the problems found (none: passed with `established`).
class CheckBuilder {
 public:
  explicit CheckBuilder(std::string_view name) : name_(name) {}
  void Problem(std::string text) { problems_.push_back(std::move(text)); }
  void Note(std::string text) { notes_.push_back(std::move(text)); }
  bool clean() const { return problems_.empty(); }
  BundleCheck Done(std::string established) const {
    if (problems_.empty()) {
      for (const auto& n : notes_) established += "; " + n;
      return {std::string(name_), true, std::move(established)};
    }
    std::string detail = problems_.front();
    if (problems_.size() > 1) detail += " (and " + std::to_string(problems_.size() - 1) + " more)";
    return {std::string(name_), false, std::move(detail)};
  }

 private:
  std::string_view name_;
  std::vector<std::string> problems_;
  std::vector<std::string> notes_;
};

const SubjectEntryRef* FindRef(const SubjectRecord& record, const EntryId& id) {
  for (const auto& ref : record.entries) {
    if (ref.id == id) return &ref;
  }
  return nullptr;
}

const EmployerRecord* FindEmployer(const Bundle& b, const CorporateNumber& id) {
  for (const auto& e : b.employers) {
    if (e.record.id == id) return &e.record;
  }
  return nullptr;
}

bool IsSecondment(TxKind kind) { return kind == TxKind::kSecondmentStart || kind == TxKind::kSecondmentEnd; }

// The entries the bundle shows, with their ids (computed once).
struct ShownEntry {
  const BundleEntry* entry;
  EntryId id;
  const CareerEntry* body;        // null if the tx is not a career entry
  const SubjectEntryRef* ref;     // null if the subject's record does not list it
};

std::vector<ShownEntry> Shown(const Bundle& b) {
  std::vector<ShownEntry> out;
  for (const auto& e : b.entries) {
    EntryId id = TxId(b.chain_id, e.tx);
    out.push_back({&e, id, std::get_if<CareerEntry>(&e.tx.body), FindRef(b.subject_record, id)});
  }
  return out;
}

bool InPeriod(const BundlePeriod& p, const Date& d) { return p.from <= d && d <= p.to; }

BundleCheck CheckChain(const Bundle& b, const Genesis& g) {
  CheckBuilder c(check::kChain);
  if (b.chain_id != g.chain_id) c.Problem("the bundle is for chain '" + b.chain_id + "', the genesis for '" + g.chain_id + "'");
  if (b.genesis_hash != GenesisHash(g)) c.Problem("the bundle names another genesis (hash " + Short(b.genesis_hash) + ")");
  return c.Done("chain '" + g.chain_id + "', genesis " + Short(GenesisHash(g)));
}

BundleCheck CheckHeaderChain(const Bundle& b, const Genesis& g) {
  CheckBuilder c(check::kHeaderChain);
  std::vector<ValidatorRecord> set;
  for (const auto& v : g.validators) set.push_back({v.key, v.power, v.name});
  std::uint64_t last = 0;
  for (const auto& t : b.transitions) {
    const std::string at = "validator set change at height " + std::to_string(t.header.height);
    if (t.header.height <= last || t.header.height >= b.anchor.height) {
      c.Problem(at + ": transitions must be in increasing height order, below the anchor");
      break;
    }
    if (Status s = VerifyCertificate(b.chain_id, t.header, t.certificate, set); !s.ok()) {
      c.Problem(at + ": " + s.error().message + " [" + s.error().code + "]");
      break;
    }
    if (t.header.next_validator_set_hash == t.header.validator_set_hash ||
        ValidatorSetHash(t.next_validators) != t.header.next_validator_set_hash) {
      c.Problem(at + ": the listed next validator set is not the one the header names");
      break;
    }
    set = t.next_validators;
    last = t.header.height;
  }
  if (c.clean()) {
    if (Status s = VerifyCertificate(b.chain_id, b.anchor, b.anchor_certificate, set); !s.ok()) {
      c.Problem("the anchor block " + std::to_string(b.anchor.height) + " is not certified: " + s.error().message + " [" +
                s.error().code + "]");
    }
  }
  const std::string how = b.transitions.empty() ? "the genesis validator set"
                                                : "the validator set after " + std::to_string(b.transitions.size()) +
                                                      " recorded change(s) from genesis";
  return c.Done("block " + std::to_string(b.anchor.height) + " (" + Short(BlockHash(b.anchor)) + ") is certified by " +
                std::to_string(b.anchor_certificate.signatures.size()) + " signature(s) of " + how);
}

BundleCheck CheckSubjectState(const Bundle& b) {
  CheckBuilder c(check::kSubjectState);
  if (b.subject_record.id != b.subject) c.Problem("the subject record is for another subject");
  if (Status s = VerifySmtProof(b.anchor.state_root, SubjectStateKey(b.subject), SubjectStateValue(b.subject_record),
                                b.subject_proof);
      !s.ok()) {
    c.Problem("the subject's record does not match the anchor's state root: " + s.error().message + " [" + s.error().code + "]");
  }
  return c.Done("the subject's record (" + std::to_string(b.subject_record.entries.size()) +
                " entries) is the ledger's at height " + std::to_string(b.anchor.height));
}

BundleCheck CheckEmployerState(const Bundle& b) {
  CheckBuilder c(check::kEmployerState);
  std::set<std::string> seen;
  for (const auto& e : b.employers) {
    if (!seen.insert(e.record.id.str()).second) c.Problem("employer " + e.record.id.str() + " is listed twice");
    if (Status s = VerifySmtProof(b.anchor.state_root, EmployerStateKey(e.record.id), EmployerStateValue(e.record), e.proof);
        !s.ok()) {
      c.Problem("employer " + e.record.id.str() + "'s record does not match the anchor's state root [" + s.error().code + "]");
    }
  }
  return c.Done(std::to_string(b.employers.size()) + " employer record(s) are the ledger's at height " +
                std::to_string(b.anchor.height));
}

BundleCheck CheckInclusion(const Bundle& b, const std::vector<ShownEntry>& shown) {
  CheckBuilder c(check::kInclusion);
  for (const auto& s : shown) {
    Status v = VerifyInclusion(LeafHash(s.id), s.entry->log_index, b.anchor.log_size, s.entry->inclusion, b.anchor.log_root);
    if (!v.ok()) c.Problem("entry " + Short(s.id) + " is not in the log at the anchor: " + v.error().message + " [" + v.error().code + "]");
  }
  return c.Done(std::to_string(shown.size()) + " entr" + (shown.size() == 1 ? "y is" : "ies are") +
                " in the entry log of size " + std::to_string(b.anchor.log_size));
}

BundleCheck CheckSubjectEntries(const Bundle& b, const std::vector<ShownEntry>& shown) {
  CheckBuilder c(check::kSubjectEntries);
  if (shown.empty()) c.Problem("the bundle shows no entries");
  std::set<EntryId> seen;
  for (const auto& s : shown) {
    if (!seen.insert(s.id).second) c.Problem("entry " + Short(s.id) + " is shown twice");
    if (!s.body || s.entry->tx.kind == TxKind::kDispute) {
      c.Problem("entry " + Short(s.id) + " is not an employer's career entry (" + std::string(TxKindName(s.entry->tx.kind)) + ")");
    } else if (s.body->subject != b.subject) {
      c.Problem("entry " + Short(s.id) + " is about another subject");
    }
    if (!s.ref) c.Problem("entry " + Short(s.id) + " is not in the subject's record");
  }
  return c.Done("every entry is a career entry listed in the subject's record");
}

// The signature on `tx` by a key of `employer`, or null.
const EmployerKeyRecord* SignerOf(const Tx& tx, const EmployerRecord& employer) {
  for (const auto& sig : tx.signatures) {
    if (const EmployerKeyRecord* k = employer.FindKey(sig.signer)) return k;
  }
  return nullptr;
}

// For each signing party of an entry (the employer; the host for
// secondments): (role, corporate number).
std::vector<std::pair<const char*, CorporateNumber>> Parties(const ShownEntry& s) {
  std::vector<std::pair<const char*, CorporateNumber>> out = {{"employer", s.body->employer}};
  if (IsSecondment(s.entry->tx.kind)) out.push_back({"host employer", s.body->host_employer});
  return out;
}

BundleCheck CheckEmployerSignatures(const Bundle& b, const std::vector<ShownEntry>& shown) {
  CheckBuilder c(check::kEmployerSignatures);
  for (const auto& s : shown) {
    if (Status v = VerifyTxSignatures(s.entry->tx, b.chain_id); !v.ok()) {
      c.Problem("entry " + Short(s.id) + ": " + v.error().message + " [" + v.error().code + "]");
      continue;
    }
    if (!s.body) continue;  // subject_entries reports it
    for (const auto& [role, id] : Parties(s)) {
      const EmployerRecord* employer = FindEmployer(b, id);
      if (!employer) c.Problem("entry " + Short(s.id) + ": the bundle lacks the record of its " + role + " " + id.str());
      else if (!SignerOf(s.entry->tx, *employer)) c.Problem("entry " + Short(s.id) + " is not signed by a key of its " + role + " " + id.str());
    }
  }
  return c.Done("every entry is signed by its employer (and the host, for secondments)");
}

BundleCheck CheckKeyActive(const Bundle& b, const std::vector<ShownEntry>& shown) {
  CheckBuilder c(check::kKeyActive);
  for (const auto& s : shown) {
    if (!s.body || !s.ref) continue;  // reported by subject_entries
    for (const auto& [role, id] : Parties(s)) {
      const EmployerRecord* employer = FindEmployer(b, id);
      const EmployerKeyRecord* key = employer ? SignerOf(s.entry->tx, *employer) : nullptr;
      if (!key) continue;  // reported by employer_signatures
      const std::string what = "entry " + Short(s.id) + " (height " + std::to_string(s.ref->height) + ")";
      if (!key->ActiveAt(s.ref->height)) {
        c.Problem(what + " was signed by a key of its " + role + " not active at that height (added at " +
                  std::to_string(key->added_height) +
                  (key->revoked_from_height ? ", revoked from " + std::to_string(key->revoked_from_height) : std::string()) +
                  "): the entry is void");
      } else if (key->revoked_from_height != 0) {
        c.Note(what + " was signed before its " + role + "'s key was revoked (from height " +
               std::to_string(key->revoked_from_height) + ") and stays valid");
      }
    }
  }
  return c.Done("every signing key was active at its entry's height");
}

BundleCheck CheckCompleteness(const Bundle& b, const std::vector<ShownEntry>& shown) {
  CheckBuilder c(check::kCompleteness);
  if (!b.period) return c.Done("not claimed: the bundle shows chosen entries, and others may exist");
  std::set<EntryId> present;
  for (const auto& s : shown) present.insert(s.id);
  for (const auto& s : shown) {
    if (s.ref && !InPeriod(*b.period, s.ref->effective_date)) {
      c.Problem("entry " + Short(s.id) + " (" + s.ref->effective_date.str() + ") is outside the claimed period");
    }
  }
  std::size_t required = 0;
  for (const auto& ref : b.subject_record.entries) {
    if (!RequiredInPeriod(ref, *b.period)) continue;
    ++required;
    if (!present.count(ref.id)) {
      c.Problem("the " + std::string(TxKindName(ref.kind)) + " of " + ref.effective_date.str() + " at " + ref.employer.str() +
                " (" + Short(ref.id) + ") is missing");
    }
  }
  return c.Done("all " + std::to_string(required) + " current entries from " + b.period->from.str() + " to " +
                b.period->to.str() + " are present");
}

BundleCheck CheckMark(std::string_view name, const std::vector<ShownEntry>& shown, bool SubjectEntryRef::*mark,
                      const char* what) {
  CheckBuilder c(name);
  for (const auto& s : shown) {
    if (s.ref && s.ref->*mark) c.Problem("entry " + Short(s.id) + " (" + std::string(TxKindName(s.ref->kind)) + " of " +
                                         s.ref->effective_date.str() + ") is " + what);
  }
  return c.Done(std::string("no entry is ") + what);
}

BundleCheck CheckDisclosedFields(const std::vector<ShownEntry>& shown) {
  CheckBuilder c(check::kDisclosedFields);
  std::size_t opened = 0, withheld = 0;
  for (const auto& s : shown) {
    if (!s.body) continue;
    std::vector<Hash32> leaves;
    for (const auto& f : s.entry->fields) {
      leaves.push_back(f.disclosed ? FieldLeaf(f.field_salt, f.id, f.value) : f.leaf);
      (f.disclosed ? opened : withheld) += 1;
    }
    if (CommitmentFromLeaves(leaves) != s.body->commitment) {
      c.Problem("entry " + Short(s.id) + ": the shown fields do not match the employer's commitment");
    }
  }
  return c.Done(std::to_string(opened) + " disclosed field(s) match the signed commitments; " + std::to_string(withheld) +
                " withheld");
}

BundleCheck CheckAudience(const Bundle& b, const BundleVerifyOptions& o) {
  CheckBuilder c(check::kAudience);
  if (!o.verifier) c.Problem("the bundle is addressed to matcher " + ToHex(b.audience).substr(0, 16) + "…; say who is verifying");
  else if (*o.verifier != b.audience) {
    c.Problem("the bundle is addressed to matcher " + ToHex(b.audience).substr(0, 16) + "…, not to " +
              ToHex(*o.verifier).substr(0, 16) + "…");
  }
  return c.Done("addressed to this matcher (" + ToHex(b.audience).substr(0, 16) + "…)");
}

BundleCheck CheckExpiry(const Bundle& b, const BundleVerifyOptions& o) {
  CheckBuilder c(check::kExpiry);
  if (b.expires_at <= b.created_at) c.Problem("the bundle expires before it was made");
  else if (o.now >= b.expires_at) c.Problem("the bundle expired at unix time " + std::to_string(b.expires_at));
  if (b.created_at > o.now + o.max_clock_skew_seconds) c.Problem("the bundle claims to be made in the future");
  return c.Done("valid until unix time " + std::to_string(b.expires_at));
}

BundleCheck CheckSubjectSignature(const Bundle& b) {
  CheckBuilder c(check::kSubjectSignature);
  if (!crypto::Verify(b.subject_record.key, kBundleSignatureTag, BundleSigningMessage(b), b.signature)) {
    c.Problem("the bundle is not signed by the subject's key of record (altered, or signed by someone else)");
  }
  return c.Done("signed by the subject's key " + ToHex(b.subject_record.key).substr(0, 16) + "…");
}

BundleCheck CheckFreshness(const Bundle& b, const std::vector<ShownEntry>& shown, const BundleFreshness& f) {
  CheckBuilder c(check::kFreshness);
  if (f.block_hash_at_anchor != BlockHash(b.anchor)) {
    c.Problem("the node's block at height " + std::to_string(b.anchor.height) + " is not the bundle's anchor: another chain");
  }
  // Only changes since the anchor: marks already there are not_superseded's
  // and not_disputed's to report.
  for (const auto& s : shown) {
    const SubjectEntryRef* now = FindRef(f.current, s.id);
    const bool was_superseded = s.ref && s.ref->superseded, was_disputed = s.ref && s.ref->disputed;
    if (!now) c.Problem("entry " + Short(s.id) + " is not in the subject's record now");
    else if (now->superseded && !was_superseded) c.Problem("entry " + Short(s.id) + " was corrected since the bundle was made");
    else if (now->disputed && !was_disputed) c.Problem("entry " + Short(s.id) + " was disputed since the bundle was made");
  }
  if (b.period) {
    std::set<EntryId> present;
    for (const auto& s : shown) present.insert(s.id);
    for (const auto& ref : f.current.entries) {
      if (RequiredInPeriod(ref, *b.period) && !present.count(ref.id)) {
        c.Problem("a " + std::string(TxKindName(ref.kind)) + " of " + ref.effective_date.str() +
                  " in the period was recorded since the bundle was made");
      }
    }
  }
  return c.Done("nothing shown was corrected or disputed up to the node's height " + std::to_string(f.height));
}

}  // namespace

bool BundleReport::ok() const {
  return !checks.empty() && std::all_of(checks.begin(), checks.end(), [](const BundleCheck& c) { return c.passed; });
}

const BundleCheck* BundleReport::Find(std::string_view name) const {
  for (const auto& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

BundleReport VerifyBundle(const Bundle& b, const Genesis& g, const BundleVerifyOptions& o) {
  const std::vector<ShownEntry> shown = Shown(b);
  BundleReport r;
  r.checks.push_back(CheckChain(b, g));
  r.checks.push_back(CheckHeaderChain(b, g));
  r.checks.push_back(CheckSubjectState(b));
  r.checks.push_back(CheckEmployerState(b));
  r.checks.push_back(CheckInclusion(b, shown));
  r.checks.push_back(CheckSubjectEntries(b, shown));
  r.checks.push_back(CheckEmployerSignatures(b, shown));
  r.checks.push_back(CheckKeyActive(b, shown));
  r.checks.push_back(CheckCompleteness(b, shown));
  r.checks.push_back(CheckMark(check::kNotSuperseded, shown, &SubjectEntryRef::superseded, "superseded by a correction"));
  r.checks.push_back(CheckMark(check::kNotDisputed, shown, &SubjectEntryRef::disputed, "disputed by the subject"));
  r.checks.push_back(CheckDisclosedFields(shown));
  r.checks.push_back(CheckAudience(b, o));
  r.checks.push_back(CheckExpiry(b, o));
  r.checks.push_back(CheckSubjectSignature(b));
  if (o.freshness) r.checks.push_back(CheckFreshness(b, shown, *o.freshness));
  return r;
}

BundleReport VerifyBundleText(std::string_view json_text, const Genesis& genesis, const BundleVerifyOptions& options) {
  auto bundle = ParseBundle(json_text);
  if (!bundle.ok()) return FormatFailure(bundle.error());
  return VerifyBundle(*bundle, genesis, options);
}

BundleReport FormatFailure(const Error& parse_error) {
  BundleReport r;
  r.checks.push_back({std::string(check::kFormat), false, parse_error.message + " [" + parse_error.code + "]"});
  return r;
}

nlohmann::json BundleReportToJson(const BundleReport& report) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : report.checks) checks.push_back({{"name", c.name}, {"passed", c.passed}, {"detail", c.detail}});
  return {{"valid", report.ok()}, {"checks", checks}};
}

}  // namespace jobcard::ledger
