// JSON views of blocks, certificates and state records, for the API. Like
// the transaction view, they are views: what is hashed is the binary encoding.
#pragma once

#include <nlohmann/json.hpp>

#include "ledger/block.h"
#include "ledger/smt_proof.h"
#include "ledger/state_records.h"

namespace jobcard::ledger {

nlohmann::json HeaderToJson(const BlockHeader& header);
nlohmann::json CertificateToJson(const CommitCertificate& cert);
nlohmann::json EmployerToJson(const EmployerRecord& employer);
nlohmann::json SubjectToJson(const SubjectRecord& subject);
nlohmann::json EntryRecordToJson(const EntryRecord& entry);
nlohmann::json ValidatorsToJson(const std::vector<ValidatorRecord>& set);
nlohmann::json LocationToJson(const TxLocation& location);
nlohmann::json HashesToJson(const std::vector<Hash32>& hashes);
// A state-index proof: its canonical encoding in hex plus a readable form.
nlohmann::json SmtProofToJson(const SmtProof& proof);

std::string_view EmployerStatusName(EmployerStatus status);

}  // namespace jobcard::ledger
