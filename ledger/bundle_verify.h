// Verifying a disclosure bundle (spec/bundle.md §Verification): a pure
// function of the bundle, the genesis, the time and, optionally, what a live
// node says now. It never stops at the first problem: every check runs and
// says passed or failed with a reason a person can read, so a matcher sees
// all that is wrong at once. The bundle is valid only when every check passed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/bundle.h"
#include "ledger/genesis.h"

namespace jobcard::ledger {

// Check names: part of the interface (CLI output, API, tests).
namespace bundle_check {
inline constexpr std::string_view kFormat = "format";  // only when the document does not parse
inline constexpr std::string_view kChain = "chain";
inline constexpr std::string_view kHeaderChain = "header_chain";
inline constexpr std::string_view kSubjectState = "subject_state";
inline constexpr std::string_view kEmployerState = "employer_state";
inline constexpr std::string_view kInclusion = "inclusion";
inline constexpr std::string_view kSubjectEntries = "subject_entries";
inline constexpr std::string_view kEmployerSignatures = "employer_signatures";
inline constexpr std::string_view kKeyActive = "key_active";
inline constexpr std::string_view kCompleteness = "completeness";
inline constexpr std::string_view kNotSuperseded = "not_superseded";
inline constexpr std::string_view kNotDisputed = "not_disputed";
inline constexpr std::string_view kDisclosedFields = "disclosed_fields";
inline constexpr std::string_view kAudience = "audience";
inline constexpr std::string_view kExpiry = "expiry";
inline constexpr std::string_view kSubjectSignature = "subject_signature";
inline constexpr std::string_view kFreshness = "freshness";  // only with a live node's view
}  // namespace bundle_check

struct BundleCheck {
  std::string name;
  bool passed = false;
  std::string detail;  // why it passed (what was established) or why not
};

struct BundleReport {
  std::vector<BundleCheck> checks;
  bool ok() const;  // every check passed (and there is at least one)
  const BundleCheck* Find(std::string_view name) const;
};

// What a live node says now, for the freshness check: the hash of its block
// at the bundle's anchor height (so it is the same chain) and the subject's
// current record (so later corrections, disputes and back-dated entries show).
struct BundleFreshness {
  Hash32 block_hash_at_anchor{};
  std::uint64_t height = 0;  // the node's tip
  SubjectRecord current;
};

struct BundleVerifyOptions {
  std::uint64_t now = 0;                        // unix seconds
  std::optional<crypto::PublicKey> verifier;    // the matcher verifying; the audience check needs it
  std::optional<BundleFreshness> freshness;     // set: the freshness check runs
  std::uint64_t max_clock_skew_seconds = 600;   // how far created_at may be ahead of now
};

BundleReport VerifyBundle(const Bundle& bundle, const Genesis& genesis, const BundleVerifyOptions& options);
// Parses first; a document that does not parse fails the `format` check alone.
BundleReport VerifyBundleText(std::string_view json_text, const Genesis& genesis, const BundleVerifyOptions& options);
// That report, for a caller that parsed the document itself and got `parse_error`.
BundleReport FormatFailure(const Error& parse_error);

nlohmann::json BundleReportToJson(const BundleReport& report);

}  // namespace jobcard::ledger
