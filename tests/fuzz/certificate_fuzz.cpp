// Commit certificates (ledger/block.cpp DecodeCertificate), as a node reads
// them from a peer during sync or from its store.
// Invariants: canonical (re-encodes to the same bytes); signers strictly
// increasing and at most kMaxCertificateSignatures; nobody can forge one, so
// checking it against its own signers for a header it was not made for fails.
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
  // A set made of the certificate's own signers, and a header of the same
  // height: the fuzzer cannot sign, so verification must refuse.
  std::vector<ledger::ValidatorRecord> set;
  for (const auto& s : cert->signatures) set.push_back(ledger::ValidatorRecord{s.validator, 1, "v"});
  ledger::BlockHeader header;
  header.height = cert->height;
  header.time_ms = 0xf0f0f0f0;  // no seed certifies this header
  FUZZ_CHECK(!ledger::VerifyCertificate(fuzz::kFuzzChainId, header, *cert, set).ok());
  return 0;
}
