// The canonical binary encoding of transactions (spec/encoding.md).
#include <algorithm>

#include "ledger/encoding.h"
#include "ledger/tx.h"

namespace jobcard::ledger {

namespace {

bool HasHost(TxKind k) { return k == TxKind::kSecondmentStart || k == TxKind::kSecondmentEnd; }
bool HasReason(TxKind k) { return k == TxKind::kCorrection || k == TxKind::kDispute; }

// ---- writing -------------------------------------------------------------

void Put(Writer& w, const CorporateNumber& c) { w.Raw(AsBytes(std::string_view(c.digits.data(), 13))); }
void Put(Writer& w, const Date& d) { w.U16(d.year).U8(d.month).U8(d.day); }

struct BodyWriter {
  Writer& w;
  TxKind kind;

  void operator()(const CareerEntry& e) const {
    Put(w, e.employer);
    w.Fixed(e.subject);
    Put(w, e.effective_date);
    w.U64(e.recorded_at).Count(e.references.size());
    for (const auto& r : e.references) w.Fixed(r);
    w.Fixed(e.commitment).Fixed(e.payload.nonce).VarBytes(e.payload.ciphertext).Count(e.payload.wrapped.size());
    for (const auto& k : e.payload.wrapped) w.Fixed(k);
    if (HasHost(kind)) Put(w, e.host_employer);
    if (kind == TxKind::kSecondmentStart) Put(w, e.expected_end);
    if (HasReason(kind)) w.U8(e.reason);
  }
  void operator()(const Headcount& h) const {
    Put(w, h.employer);
    Put(w, h.as_of);
    w.U32(h.active_employees).U64(h.recorded_at);
  }
  void operator()(const RegisterEmployer& g) const {
    Put(w, g.employer);
    w.Text(g.name).Fixed(g.key);
  }
  void operator()(const SetEmployerStatus& g) const {
    Put(w, g.employer);
    w.U8(static_cast<std::uint8_t>(g.status));
  }
  void operator()(const AddEmployerKey& g) const {
    Put(w, g.employer);
    w.Fixed(g.key);
  }
  void operator()(const RotateEmployerKey& g) const {
    Put(w, g.employer);
    w.Fixed(g.old_key).Fixed(g.new_key);
  }
  void operator()(const RevokeEmployerKey& g) const {
    Put(w, g.employer);
    w.Fixed(g.key).U64(g.effective_height);
  }
  void operator()(const AddValidator& g) const { w.Fixed(g.key).U64(g.power).Text(g.name); }
  void operator()(const RemoveValidator& g) const { w.Fixed(g.key); }
  void operator()(const EnrollSubject& g) const { w.Fixed(g.subject).Fixed(g.key); }
  void operator()(const RecoverSubjectKey& g) const { w.Fixed(g.subject).Fixed(g.new_key); }
  void operator()(const RegisterMatcher& g) const { w.Fixed(g.key).Text(g.name); }
  void operator()(const Succession& g) const {
    Put(w, g.predecessor);
    Put(w, g.successor);
    Put(w, g.effective_date);
  }
};

// ---- reading -------------------------------------------------------------

bool Get(Reader& r, CorporateNumber& c, std::string_view field) {
  FixedBytes<13> raw{};
  if (!r.Fixed(raw)) return false;
  auto parsed = CorporateNumber::Parse(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  if (!parsed.ok()) return r.Fail(parsed.error().code, std::string(field) + ": " + parsed.error().message);
  c = *parsed;
  return true;
}

bool Get(Reader& r, Date& d, std::string_view field) {
  std::uint16_t y = 0;
  std::uint8_t m = 0, day = 0;
  if (!(r.U16(y) && r.U8(m) && r.U8(day))) return false;
  auto made = Date::Make(y, m, day);
  if (!made.ok()) return r.Fail(made.error().code, std::string(field) + ": " + made.error().message);
  d = *made;
  return true;
}

bool GetEntry(Reader& r, TxKind kind, CareerEntry& e) {
  std::size_t n = 0;
  Get(r, e.employer, "employer");
  r.Fixed(e.subject);
  Get(r, e.effective_date, "effective_date");
  r.U64(e.recorded_at);
  if (r.Count(n, kMaxReferences, "references")) {
    e.references.resize(n);
    for (auto& ref : e.references) r.Fixed(ref);
  }
  r.Fixed(e.commitment);
  r.Fixed(e.payload.nonce);
  r.VarBytes(e.payload.ciphertext, kMaxCiphertextBytes, "ciphertext");
  if (r.Count(n, kMaxWrappedKeys, "wrapped keys")) {
    e.payload.wrapped.resize(n);
    for (auto& k : e.payload.wrapped) r.Fixed(k);
  }
  if (HasHost(kind)) Get(r, e.host_employer, "host_employer");
  if (kind == TxKind::kSecondmentStart) Get(r, e.expected_end, "expected_end");
  if (HasReason(kind)) r.U8(e.reason);
  return r.ok();
}

bool GetKey(Reader& r, crypto::PublicKey& key) { return r.Fixed(key); }

bool GetBody(Reader& r, TxKind kind, TxBody& body) {
  switch (kind) {
    case TxKind::kHire:
    case TxKind::kPositionChange:
    case TxKind::kRoleChange:
    case TxKind::kSecondmentStart:
    case TxKind::kSecondmentEnd:
    case TxKind::kSideJobStart:
    case TxKind::kSideJobEnd:
    case TxKind::kSeparation:
    case TxKind::kCorrection:
    case TxKind::kDispute: {
      CareerEntry e;
      GetEntry(r, kind, e);
      body = std::move(e);
      break;
    }
    case TxKind::kHeadcount: {
      Headcount h;
      Get(r, h.employer, "employer");
      Get(r, h.as_of, "as_of");
      r.U32(h.active_employees);
      r.U64(h.recorded_at);
      body = h;
      break;
    }
    case TxKind::kRegisterEmployer: {
      RegisterEmployer g;
      Get(r, g.employer, "employer");
      r.Text(g.name, kMaxNameBytes, "name");
      GetKey(r, g.key);
      body = std::move(g);
      break;
    }
    case TxKind::kSetEmployerStatus: {
      SetEmployerStatus g;
      std::uint8_t s = 0;
      Get(r, g.employer, "employer");
      if (r.U8(s) && (s < 1 || s > 3)) r.Fail("tx.bad_status", "employer status must be 1, 2 or 3");
      g.status = static_cast<EmployerStatus>(s);
      body = g;
      break;
    }
    case TxKind::kAddEmployerKey: {
      AddEmployerKey g;
      Get(r, g.employer, "employer");
      GetKey(r, g.key);
      body = g;
      break;
    }
    case TxKind::kRotateEmployerKey: {
      RotateEmployerKey g;
      Get(r, g.employer, "employer");
      GetKey(r, g.old_key);
      GetKey(r, g.new_key);
      body = g;
      break;
    }
    case TxKind::kRevokeEmployerKey: {
      RevokeEmployerKey g;
      Get(r, g.employer, "employer");
      GetKey(r, g.key);
      r.U64(g.effective_height);
      body = g;
      break;
    }
    case TxKind::kAddValidator: {
      AddValidator g;
      GetKey(r, g.key);
      r.U64(g.power);
      r.Text(g.name, kMaxNameBytes, "name");
      body = std::move(g);
      break;
    }
    case TxKind::kRemoveValidator: {
      RemoveValidator g;
      GetKey(r, g.key);
      body = g;
      break;
    }
    case TxKind::kEnrollSubject: {
      EnrollSubject g;
      r.Fixed(g.subject);
      GetKey(r, g.key);
      body = g;
      break;
    }
    case TxKind::kRecoverSubjectKey: {
      RecoverSubjectKey g;
      r.Fixed(g.subject);
      GetKey(r, g.new_key);
      body = g;
      break;
    }
    case TxKind::kRegisterMatcher: {
      RegisterMatcher g;
      GetKey(r, g.key);
      r.Text(g.name, kMaxNameBytes, "name");
      body = std::move(g);
      break;
    }
    case TxKind::kSuccession: {
      Succession g;
      Get(r, g.predecessor, "predecessor");
      Get(r, g.successor, "successor");
      Get(r, g.effective_date, "effective_date");
      body = g;
      break;
    }
  }
  return r.ok();
}

bool ReadBody(Reader& r, Tx& tx) {
  std::uint8_t version = 0, kind_byte = 0;
  if (!(r.U8(version) && r.U8(kind_byte) && r.U64(tx.nonce))) return false;
  if (version != kTxVersion) {
    return r.Fail("tx.unsupported_version", "transaction version " + std::to_string(version) + " is not supported");
  }
  auto kind = TxKindFromByte(kind_byte);
  if (!kind) return r.Fail("tx.unknown_kind", "unknown transaction kind " + std::to_string(kind_byte));
  tx.kind = *kind;
  return GetBody(r, tx.kind, tx.body);
}

}  // namespace

bool CareerEntry::operator==(const CareerEntry& o) const {
  return employer == o.employer && subject == o.subject && effective_date == o.effective_date &&
         recorded_at == o.recorded_at && references == o.references && commitment == o.commitment &&
         payload.nonce == o.payload.nonce && payload.ciphertext == o.payload.ciphertext &&
         payload.wrapped == o.payload.wrapped && host_employer == o.host_employer &&
         expected_end == o.expected_end && reason == o.reason;
}

namespace {

// Room for a typical transaction up front (a career entry with its sealed
// payload and signature is ~530 bytes), so that encoding one allocates once
// instead of at every doubling of its buffer; the store, the mempool and the
// id each encode every transaction (BENCHMARKS.md, "Session 15").
constexpr std::size_t kTypicalTxBytes = 1024;

void WriteBody(Writer& w, const Tx& tx) {
  w.U8(kTxVersion).U8(static_cast<std::uint8_t>(tx.kind)).U64(tx.nonce);
  std::visit(BodyWriter{w, tx.kind}, tx.body);
}

}  // namespace

Bytes EncodeTxBody(const Tx& tx) {
  Writer w(kTypicalTxBytes);
  WriteBody(w, tx);
  return std::move(w).take();
}

Bytes EncodeTx(const Tx& tx) {
  Writer w(kTypicalTxBytes);
  WriteBody(w, tx);
  w.Count(tx.signatures.size());
  for (const auto& s : tx.signatures) w.Fixed(s.signer).Fixed(s.signature);
  return std::move(w).take();
}

Result<Tx> DecodeTx(ByteView bytes) {
  if (bytes.size() > kMaxTxBytes) {
    return MakeError("tx.too_large", "a transaction is at most " + std::to_string(kMaxTxBytes) + " bytes; this one is " +
                                         std::to_string(bytes.size()));
  }
  Reader r(bytes);
  Tx tx;
  ReadBody(r, tx);
  std::size_t n = 0;
  if (r.Count(n, kMaxSignatures, "signatures")) {
    tx.signatures.resize(n);
    for (auto& s : tx.signatures) {
      r.Fixed(s.signer);
      r.Fixed(s.signature);
    }
  }
  Status done = r.Finish();
  if (!done.ok()) return done.error();
  for (std::size_t i = 1; i < tx.signatures.size(); ++i) {
    if (!(tx.signatures[i - 1].signer < tx.signatures[i].signer)) {
      return MakeError("tx.signature_order", "signatures must be sorted by signer key with no signer twice");
    }
  }
  Status form = CheckTxForm(tx);
  if (!form.ok()) return form.error();
  return tx;
}

Bytes SigningMessage(std::string_view chain_id, const Tx& tx) {
  Writer w(kTypicalTxBytes);
  w.Text(chain_id);
  WriteBody(w, tx);
  return std::move(w).take();
}

Bytes PayloadAssociatedData(TxKind kind, const CareerEntry& entry) {
  Writer w;
  w.U8(static_cast<std::uint8_t>(kind));
  Put(w, entry.employer);
  w.Fixed(entry.subject).Fixed(entry.commitment);
  return std::move(w).take();
}

}  // namespace jobcard::ledger
