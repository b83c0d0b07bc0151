#include "ledger/bundle.h"

#include "crypto/hash.h"
#include "ledger/encoding.h"

namespace jobcard::ledger {

namespace {

void WriteOpening(Writer& w, const FieldOpening& f) {
  w.Bool(f.disclosed);
  if (f.disclosed) {
    w.U8(static_cast<std::uint8_t>(f.id)).Text(f.value).Fixed(f.field_salt);
  } else {
    w.Fixed(f.leaf);
  }
}

}  // namespace

bool RequiredInPeriod(const SubjectEntryRef& ref, const BundlePeriod& period) {
  return ref.kind != TxKind::kDispute && !ref.superseded && period.from <= ref.effective_date &&
         ref.effective_date <= period.to;
}

// Every field but the signature, in declaration order. Binary parts are
// written as their canonical encodings, so the message has one form per bundle.
Bytes BundleSigningMessage(const Bundle& b) {
  Writer w;
  w.Text(b.chain_id).Text(kBundleFormat).Fixed(b.genesis_hash).Fixed(b.subject).Fixed(b.audience);
  w.U64(b.created_at).U64(b.expires_at).Bool(b.period.has_value());
  if (b.period) w.Text(b.period->from.str()).Text(b.period->to.str());
  w.VarBytes(EncodeHeader(b.anchor)).VarBytes(EncodeCertificate(b.anchor_certificate));
  w.Count(b.transitions.size());
  for (const auto& t : b.transitions) {
    w.VarBytes(EncodeHeader(t.header)).VarBytes(EncodeCertificate(t.certificate)).VarBytes(EncodeValidators(t.next_validators));
  }
  w.VarBytes(EncodeSubject(b.subject_record)).VarBytes(EncodeSmtProof(b.subject_proof));
  w.Count(b.employers.size());
  for (const auto& e : b.employers) w.VarBytes(EncodeEmployer(e.record)).VarBytes(EncodeSmtProof(e.proof));
  w.Count(b.entries.size());
  for (const auto& e : b.entries) {
    w.VarBytes(EncodeTx(e.tx)).U64(e.log_index).Count(e.inclusion.size());
    for (const auto& h : e.inclusion) w.Fixed(h);
    w.Count(e.fields.size());
    for (const auto& f : e.fields) WriteOpening(w, f);
  }
  return std::move(w).take();
}

void SignBundle(Bundle& bundle, const crypto::SigningKey& subject_key) {
  bundle.signature = subject_key.Sign(kBundleSignatureTag, BundleSigningMessage(bundle));
}

Hash32 BundleHash(const Bundle& bundle) {
  Bytes data = BundleSigningMessage(bundle);
  data.insert(data.end(), bundle.signature.begin(), bundle.signature.end());
  return crypto::TaggedHash("jobcard.v1.bundle.id", data);
}

}  // namespace jobcard::ledger
