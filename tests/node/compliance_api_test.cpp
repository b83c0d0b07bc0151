// The compliance routes' handlers over a real store, without sockets: the
// JSON shape, the report date parameter and the error answers.
#include "node/compliance_api.h"

#include <gtest/gtest.h>

#include "tests/support/dated_chain.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::node {
namespace {

namespace http = boost::beast::http;
using ledger::TxKind;

class ComplianceApiTest : public ::testing::Test {
 protected:
  ComplianceApiTest() : chain_((dir_.path() / "db").string()) {
    chain_.BeginBlock("2026-04-01");
    chain_.Enroll(0);
    chain_.Commit();
    chain_.BeginBlock("2026-05-01");
    late_ = chain_.Entry(testing::EntrySpec(TxKind::kHire, chain_.chain().a, 0, "2026-04-10"));
    chain_.Commit();
  }
  HttpRequest Request(const std::string& employer, const std::string& as_of) const {
    HttpRequest r;
    if (!employer.empty()) r.path_params["id"] = employer;
    if (!as_of.empty()) r.query_params["as_of"] = as_of;
    return r;
  }
  testing::TempDir dir_;
  testing::DatedChain chain_;
  ledger::EntryId late_{};
};

TEST_F(ComplianceApiTest, LedgerReportAsJson) {
  HttpResponse r = LedgerCompliance(chain_.store(), Request("", ""));
  ASSERT_EQ(r.status, http::status::ok) << r.json.dump();
  EXPECT_EQ(r.json["as_of"], "2026-05-01");
  EXPECT_EQ(r.json["recording_deadline_days"], 14);
  EXPECT_EQ(r.json["compliance_start_date"], "2026-03-31");
  EXPECT_EQ(r.json["employer_count"], 2);
  EXPECT_EQ(r.json["truncated"], false);
  ASSERT_EQ(r.json["late_entries"].size(), 1u);
  const auto& row = r.json["late_entries"][0];
  EXPECT_EQ(row["id"], ToHex(late_));
  EXPECT_EQ(row["kind"], "hire");
  EXPECT_EQ(row["employer"], chain_.chain().a.str());
  EXPECT_EQ(row["effective_date"], "2026-04-10");
  EXPECT_EQ(row["committed_date"], "2026-05-01");
  EXPECT_EQ(row["days_late"], 7);
  EXPECT_TRUE(r.json["overdue_secondments"].empty());
  EXPECT_TRUE(r.json["headcount_mismatches"].empty());

  HttpResponse earlier = LedgerCompliance(chain_.store(), Request("", "2026-04-30"));
  ASSERT_EQ(earlier.status, http::status::ok);
  EXPECT_EQ(earlier.json["as_of"], "2026-04-30");
  EXPECT_TRUE(earlier.json["late_entries"].empty()) << "not yet recorded on that date";
}

TEST_F(ComplianceApiTest, EmployerReportAsJson) {
  HttpResponse r = EmployerCompliance(chain_.store(), Request(chain_.chain().a.str(), "2026-06-01"));
  ASSERT_EQ(r.status, http::status::ok) << r.json.dump();
  EXPECT_EQ(r.json["employer"], chain_.chain().a.str());
  EXPECT_EQ(r.json["covered_employers"], nlohmann::json::array({chain_.chain().a.str()}));
  EXPECT_EQ(r.json["late_entries"].size(), 1u);
  HttpResponse b = EmployerCompliance(chain_.store(), Request(chain_.chain().b.str(), ""));
  ASSERT_EQ(b.status, http::status::ok);
  EXPECT_TRUE(b.json["late_entries"].empty());
}

TEST_F(ComplianceApiTest, BadInputIsRefused) {
  EXPECT_EQ(LedgerCompliance(chain_.store(), Request("", "2026-5-1")).json["code"], "date.form");
  HttpResponse invalid = LedgerCompliance(chain_.store(), Request("", "2026-02-30"));
  EXPECT_EQ(invalid.status, http::status::bad_request);
  EXPECT_EQ(invalid.json["code"], "date.invalid");
  HttpResponse bad_date = EmployerCompliance(chain_.store(), Request(chain_.chain().a.str(), "tomorrow"));
  EXPECT_EQ(bad_date.status, http::status::bad_request);
  EXPECT_EQ(bad_date.json["code"], "date.form");
  HttpResponse bad_id = EmployerCompliance(chain_.store(), Request("12345", ""));
  EXPECT_EQ(bad_id.status, http::status::bad_request);
  EXPECT_EQ(bad_id.json["code"], "id.corporate_number_form");
  HttpResponse unknown = EmployerCompliance(chain_.store(), Request(testing::Corp(999).str(), ""));
  EXPECT_EQ(unknown.status, http::status::not_found);
  EXPECT_EQ(unknown.json["code"], "compliance.unknown_employer");
}

}  // namespace
}  // namespace jobcard::node
