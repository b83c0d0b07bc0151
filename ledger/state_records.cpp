#include "ledger/state_records.h"

#include "crypto/hash.h"
#include "ledger/encoding.h"

namespace jobcard::ledger {

namespace {

void Put(Writer& w, const CorporateNumber& c) { w.Raw(AsBytes(std::string_view(c.digits.data(), c.digits.size()))); }
void Put(Writer& w, const Date& d) { w.U16(d.year).U8(d.month).U8(d.day); }

// Records hold the empty corporate number and date for "none", so reading
// them accepts all-zero bytes as well as valid values.
bool Get(Reader& r, CorporateNumber& c) {
  FixedBytes<13> raw{};
  if (!r.Fixed(raw)) return false;
  bool empty = true;
  for (auto b : raw) empty = empty && b == 0;
  if (empty) {
    c = CorporateNumber{};
    return true;
  }
  auto parsed = CorporateNumber::Parse(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
  if (!parsed.ok()) return r.Fail("record.corrupt", "bad corporate number in a stored record");
  c = *parsed;
  return true;
}
bool Get(Reader& r, Date& d) {
  std::uint16_t y = 0;
  std::uint8_t m = 0, day = 0;
  if (!(r.U16(y) && r.U8(m) && r.U8(day))) return false;
  d = Date{y, m, day};
  if (d == Date{}) return true;
  if (!Date::Make(y, m, day).ok()) return r.Fail("record.corrupt", "bad date in a stored record");
  return true;
}
bool GetKind(Reader& r, TxKind& kind) {
  std::uint8_t b = 0;
  if (!r.U8(b)) return false;
  auto k = TxKindFromByte(b);
  if (!k) return r.Fail("record.corrupt", "unknown kind in a stored record");
  kind = *k;
  return true;
}

template <typename T>
Result<T> Finish(Reader& r, T value) {
  Status s = r.Finish();
  if (!s.ok()) return s.error();
  return value;
}

}  // namespace

const EmployerKeyRecord* EmployerRecord::FindKey(const crypto::PublicKey& key) const {
  for (const auto& k : keys) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

Bytes EncodeEmployer(const EmployerRecord& r) {
  Writer w;
  Put(w, r.id);
  w.Text(r.name).U8(static_cast<std::uint8_t>(r.status)).Count(r.keys.size());
  for (const auto& k : r.keys) w.Fixed(k.key).U64(k.added_height).U64(k.revoked_from_height);
  Put(w, r.successor);
  w.U64(r.registered_height);
  return std::move(w).take();
}

Result<EmployerRecord> DecodeEmployer(ByteView bytes) {
  Reader r(bytes);
  EmployerRecord e;
  std::uint8_t status = 0;
  std::size_t n = 0;
  Get(r, e.id);
  r.Text(e.name, kMaxNameBytes, "name");
  if (r.U8(status) && (status < 1 || status > 3)) r.Fail("record.corrupt", "bad employer status");
  e.status = static_cast<EmployerStatus>(status);
  if (r.Count(n, kMaxEmployerKeys, "employer keys")) {
    e.keys.resize(n);
    for (auto& k : e.keys) {
      r.Fixed(k.key);
      r.U64(k.added_height);
      r.U64(k.revoked_from_height);
    }
  }
  Get(r, e.successor);
  r.U64(e.registered_height);
  return Finish(r, std::move(e));
}

Bytes EncodeSubject(const SubjectRecord& r) {
  Writer w;
  w.Fixed(r.id).Fixed(r.key).U64(r.enrolled_height).Count(r.entries.size());
  for (const auto& e : r.entries) {
    w.Fixed(e.id).U8(static_cast<std::uint8_t>(e.kind));
    Put(w, e.employer);
    Put(w, e.effective_date);
    w.U64(e.height).U8(static_cast<std::uint8_t>((e.superseded ? 1 : 0) | (e.disputed ? 2 : 0)));
  }
  return std::move(w).take();
}

Result<SubjectRecord> DecodeSubject(ByteView bytes) {
  Reader r(bytes);
  SubjectRecord s;
  std::size_t n = 0;
  r.Fixed(s.id);
  r.Fixed(s.key);
  r.U64(s.enrolled_height);
  if (r.Count(n, kMaxSubjectEntries, "subject entries")) {
    s.entries.resize(n);
    for (auto& e : s.entries) {
      std::uint8_t flags = 0;
      r.Fixed(e.id);
      GetKind(r, e.kind);
      Get(r, e.employer);
      Get(r, e.effective_date);
      r.U64(e.height);
      if (r.U8(flags) && flags > 3) r.Fail("record.corrupt", "bad entry flags");
      e.superseded = flags & 1;
      e.disputed = flags & 2;
    }
  }
  return Finish(r, std::move(s));
}

EntryRecord EntryRecordOf(TxKind kind, const CareerEntry& e, const EntryId& id, std::uint64_t height, std::uint64_t log_index) {
  EntryRecord rec;
  rec.id = id;
  rec.kind = kind;
  rec.employer = e.employer;
  rec.subject = e.subject;
  rec.host_employer = e.host_employer;
  rec.effective_date = e.effective_date;
  rec.expected_end = e.expected_end;
  rec.recorded_at = e.recorded_at;
  rec.height = height;
  rec.log_index = log_index;
  return rec;
}

bool IsMarked(const EntryRecord& r) {
  return r.closed_by != EntryId{} || r.superseded_by != EntryId{} || r.dispute_count != 0;
}

Bytes EncodeEntry(const EntryRecord& r) {
  Writer w;
  w.Fixed(r.id).U8(static_cast<std::uint8_t>(r.kind));
  Put(w, r.employer);
  w.Fixed(r.subject);
  Put(w, r.host_employer);
  Put(w, r.effective_date);
  Put(w, r.expected_end);
  w.U64(r.recorded_at).U64(r.height).U64(r.log_index).Fixed(r.closed_by).Fixed(r.superseded_by).U32(r.dispute_count);
  return std::move(w).take();
}

Result<EntryRecord> DecodeEntry(ByteView bytes) {
  Reader r(bytes);
  EntryRecord e;
  r.Fixed(e.id);
  GetKind(r, e.kind);
  Get(r, e.employer);
  r.Fixed(e.subject);
  Get(r, e.host_employer);
  Get(r, e.effective_date);
  Get(r, e.expected_end);
  r.U64(e.recorded_at);
  r.U64(e.height);
  r.U64(e.log_index);
  r.Fixed(e.closed_by);
  r.Fixed(e.superseded_by);
  r.U32(e.dispute_count);
  return Finish(r, std::move(e));
}

Bytes EncodeValidators(const std::vector<ValidatorRecord>& set) {
  Writer w;
  w.Count(set.size());
  for (const auto& v : set) w.Fixed(v.key).U64(v.power).Text(v.name);
  return std::move(w).take();
}

Result<std::vector<ValidatorRecord>> DecodeValidators(ByteView bytes) {
  Reader r(bytes);
  std::vector<ValidatorRecord> set;
  std::size_t n = 0;
  if (r.Count(n, 1024, "validators")) {
    set.resize(n);
    for (auto& v : set) {
      r.Fixed(v.key);
      r.U64(v.power);
      r.Text(v.name, kMaxNameBytes, "name");
    }
  }
  return Finish(r, std::move(set));
}

Bytes EncodeMatcher(const MatcherRecord& m) {
  Writer w;
  w.Fixed(m.key).Text(m.name).U64(m.registered_height);
  return std::move(w).take();
}

Result<MatcherRecord> DecodeMatcher(ByteView bytes) {
  Reader r(bytes);
  MatcherRecord m;
  r.Fixed(m.key);
  r.Text(m.name, kMaxNameBytes, "name");
  r.U64(m.registered_height);
  return Finish(r, std::move(m));
}

Bytes EncodeHeadcount(const HeadcountRecord& h) {
  Writer w;
  Put(w, h.employer);
  Put(w, h.as_of);
  w.U32(h.active_employees).Fixed(h.id).U64(h.height);
  return std::move(w).take();
}

Result<HeadcountRecord> DecodeHeadcount(ByteView bytes) {
  Reader r(bytes);
  HeadcountRecord h;
  Get(r, h.employer);
  Get(r, h.as_of);
  r.U32(h.active_employees);
  r.Fixed(h.id);
  r.U64(h.height);
  return Finish(r, std::move(h));
}

Bytes EncodeTxLocation(const TxLocation& t) {
  Writer w;
  w.U64(t.height).U32(t.index_in_block).U64(t.log_index);
  return std::move(w).take();
}

Result<TxLocation> DecodeTxLocation(ByteView bytes) {
  Reader r(bytes);
  TxLocation t;
  r.U64(t.height);
  r.U32(t.index_in_block);
  r.U64(t.log_index);
  return Finish(r, t);
}

Hash32 SubjectStateKey(const SubjectId& id) { return crypto::TaggedHash("jobcard.v1.state_key.subject", id); }
Hash32 EmployerStateKey(const CorporateNumber& id) {
  return crypto::TaggedHash("jobcard.v1.state_key.employer", AsBytes(id.str()));
}
Hash32 SubjectStateValue(const SubjectRecord& r) { return crypto::TaggedHash("jobcard.v1.state.subject", EncodeSubject(r)); }
Hash32 EmployerStateValue(const EmployerRecord& r) {
  return crypto::TaggedHash("jobcard.v1.state.employer", EncodeEmployer(r));
}
Hash32 ValidatorSetHash(const std::vector<ValidatorRecord>& set) {
  return crypto::TaggedHash("jobcard.v1.validator_set", EncodeValidators(set));
}

}  // namespace jobcard::ledger
