// Commit certificates (ledger/block.cpp DecodeCertificate), as a node reads
// them from a peer during sync or from its store.
// Invariants: canonical (re-encodes to the same bytes); signers strictly
// increasing and at most kMaxCertificateSignatures; nobody can forge one, so
// once pointed at a header it was not made for (whose hash and validator set
// match, so that the check reaches the signatures) it never verifies.
#include "ledger/block.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  auto cert = ledger::DecodeCertificate(fuzz::Input(data, size));
  if (!cert.ok()) {
    FUZZ_CHECK(!cert.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(ledger::EncodeCertificate(*cert) == Bytes(data, data + size));
  FUZZ_CHECK(cert->signatures.size() <= ledger::kMaxCertificateSignatures);
  for (std::size_t i = 1; i < cert->signatures.size(); ++i) {
    FUZZ_CHECK(cert->signatures[i - 1].validator < cert->signatures[i].validator);
  }
  // A set made of the certificate's own signers, a header of the same height
  // for that set, and the certificate pointed at the header: the hash and set
  // checks pass, and the fuzzer cannot sign, so the signatures must refuse.
  std::vector<ledger::ValidatorRecord> set;
  for (const auto& s : cert->signatures) set.push_back(ledger::ValidatorRecord{s.validator, 1, "v"});
  ledger::BlockHeader header;
  header.height = cert->height;
  header.time_ms = 0xf0f0f0f0;  // no seed certifies this header
  header.validator_set_hash = ledger::ValidatorSetHash(set);
  ledger::CommitCertificate repointed = *cert;
  repointed.block_hash = ledger::BlockHash(header);
  auto verified = ledger::VerifyCertificate(fuzz::kFuzzChainId, header, repointed, set);
  FUZZ_CHECK(!verified.ok());
  FUZZ_CHECK(verified.error().code == (cert->signatures.empty() ? "certificate.insufficient_power"
                                                                 : "certificate.bad_signature"));
  return 0;
}
