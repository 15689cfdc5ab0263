// Export then import gives the same data, on both backends: a generated cohort with
// several readers, differing clinical measures and a consensus, and examples/.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/synth/synth.hpp"
#include "formats/exam_json.hpp"
#include "formats/input_error.hpp"
#include "store/manifest.hpp"
#include "store/transfer.hpp"
#include "store_fixture.hpp"

using namespace crmo;
using namespace crmo::store;
namespace fs = std::filesystem;

namespace {

class TransferTest : public crmo::store::test_support::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    std::random_device rd;
    work_ = fs::temp_directory_path() / ("crmo-transfer-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(work_);
  }
  void TearDown() override {
    fs::remove_all(work_);
    StoreTest::TearDown();
  }
  static const Scheme& scheme() {
    static const Scheme s = SchemeRegistry::with_builtins().get("rai-cromris");  // get() returns a copy
    return s;
  }
  fs::path work_;
};

// A generated cohort, then second readings of every third exam (one missing a site, one
// grade changed, one with its own clinical measures), values a text round trip could
// spoil, and a consensus that becomes the main reading of the first exam.
std::vector<Exam> cohort(ImportExtras& extras) {
  synth::Request request;
  request.patients = 24;
  request.seed = 20261125;
  auto exams = synth::generate(request, default_atlas());
  exams[0].clinical.crp = 0.1 + 0.2;
  exams[1].clinical.chaq = 1.0 / 3.0;
  exams[1].timepoint = "suivi à 6 mois, \"early\"";
  for (auto& e : exams)
    if (!e.lesions.empty()) {
      e.lesions[0].si_ratio = 6.123456789012345;
      e.lesions[0].grades["periosteal"] = 0;  // an explicit 0 stays explicit
      break;
    }
  std::vector<Exam> out = exams;
  for (std::size_t i = 0; i < exams.size(); i += 3) {
    Exam r2 = exams[i];
    r2.reader = "R2";
    if (!r2.lesions.empty()) {
      r2.lesions.pop_back();
      if (!r2.lesions.empty()) r2.lesions[0].grades["signal"] = 3 - r2.lesions[0].grade("signal");
    }
    if (i % 2 == 1) r2.clinical.pga = r2.clinical.pga.value_or(0) + 1;
    out.push_back(r2);
  }
  Exam c = exams[0];
  c.reader = "consensus";
  out.push_back(c);
  extras.main_reader[c.id] = "consensus";
  extras.consensus_sources[{c.id, "consensus"}] = {"R1", "R2"};
  return out;
}

std::vector<Exam> sorted(std::vector<Exam> v) {
  std::stable_sort(v.begin(), v.end(),
                   [](const Exam& a, const Exam& b) { return std::tie(a.id, a.reader) < std::tie(b.id, b.reader); });
  return v;
}

// Exactly equal: every field, grades as given (an explicit 0 is not an absent grade).
void expect_same(const std::vector<Exam>& a, const std::vector<Exam>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a[i].id + " by " + a[i].reader);
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].reader, b[i].reader);
    EXPECT_TRUE(same_exam(a[i], b[i]));
    EXPECT_EQ(a[i].timepoint, b[i].timepoint);
    EXPECT_EQ(a[i].clinical, b[i].clinical);
    EXPECT_EQ(exam_to_json(a[i]), exam_to_json(b[i]));  // every field, as the document writes it
    ASSERT_EQ(a[i].lesions.size(), b[i].lesions.size());
    for (std::size_t k = 0; k < a[i].lesions.size(); ++k) EXPECT_EQ(a[i].lesions[k].grades, b[i].lesions[k].grades);
  }
}

void expect_same_records(const std::vector<Reading>& a, const std::vector<Reading>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a[i].exam_id + " by " + a[i].reader);
    EXPECT_EQ(a[i].exam_id, b[i].exam_id);
    EXPECT_EQ(a[i].reader, b[i].reader);
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].main, b[i].main);
    EXPECT_EQ(a[i].sources, b[i].sources);
    EXPECT_EQ(a[i].clinical.has_value(), b[i].clinical.has_value());
  }
}

std::map<std::string, std::string> folder_files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs::directory_iterator(dir)) {
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out[f.path().filename().string()] = ss.str();
  }
  return out;
}

TEST_P(TransferTest, ExportThenImportGivesTheSameData) {
  ImportExtras extras;
  auto input = cohort(extras);
  auto a = open();
  a->import_exams(input, "tester", extras);
  expect_same(sorted(a->all_readings()), sorted(input));
  ASSERT_EQ(a->find_exam(input[0].id)->exam.reader, "consensus");

  for (const std::string format : {"json", "cohort"}) {
    SCOPED_TRACE(format);
    const fs::path out = work_ / ("out-" + format), again = work_ / ("again-" + format);
    auto n = export_to(*a, out, format);
    EXPECT_EQ(n.readings, input.size());
    auto b = Store::open((work_ / ("b-" + format + ".db")).string());
    auto m = import_from(*b, out, default_atlas(), scheme(), "tester");
    EXPECT_EQ(m.readings, input.size());
    expect_same(a->all_readings(), b->all_readings());
    expect_same_records(a->readings(), b->readings());
    // And the second export is the first, byte for byte.
    export_to(*b, again, format);
    EXPECT_EQ(folder_files(out), folder_files(again));
  }
  // The cohort tables carry the readers: lesions.csv has a reader column.
  auto files = folder_files(work_ / "out-cohort");
  EXPECT_EQ(files.at("lesions.csv").rfind("exam_id,reader,site,", 0), 0u) << files.at("lesions.csv").substr(0, 80);
  EXPECT_TRUE(files.count(kManifestName));
}

TEST_P(TransferTest, ExamplesComeBackAsTheyWent) {
  const fs::path examples = fs::path(CRMO_SOURCE_DIR) / "examples/exams";
  auto s = open();
  auto n = import_from(*s, examples, default_atlas(), scheme(), "tester");
  EXPECT_EQ(n.exams, 3u);
  export_to(*s, work_ / "out", "json");
  int compared = 0;
  for (const auto& f : fs::directory_iterator(examples)) {
    if (f.path().extension() != ".json") continue;
    std::ifstream a(f.path()), b(work_ / "out" / f.path().filename());
    ASSERT_TRUE(b) << f.path().filename();
    // The same JSON document (numbers compared as numbers, key order free).
    EXPECT_EQ(nlohmann::json::parse(a), nlohmann::json::parse(b)) << f.path().filename();
    ++compared;
  }
  EXPECT_EQ(compared, 3);
}

TEST_P(TransferTest, BadInputImportsNothing) {
  auto s = open();
  // examples/ plus one broken document: every problem listed, nothing imported.
  fs::create_directories(work_ / "in");
  for (const auto& f : fs::directory_iterator(fs::path(CRMO_SOURCE_DIR) / "examples/exams"))
    if (f.path().extension() == ".json") fs::copy_file(f.path(), work_ / "in" / f.path().filename());
  std::ofstream(work_ / "in" / "bad.json")
      << R"({"format": "crmo.exam/1", "patient": {"id": "P9"}, "exam": {"id": "P9-1", "date": "2021-02-30"},
             "lesions": [{"site": "tibia.distal_metaphysis:L", "signal": 7, "extnet": 1}]})";
  try {
    import_from(*s, work_ / "in", default_atlas(), scheme(), "tester");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_GE(e.problems().size(), 3u);  // the date, the signal, the misspelt field
    for (const auto& p : e.problems()) EXPECT_NE(p.place.find("bad.json"), std::string::npos) << p.place;
  }
  EXPECT_TRUE(s->list_exams().empty());
  EXPECT_TRUE(s->audit().empty());
  // A broken manifest is bad input too.
  s->import_exams(examples(), "tester");
  export_to(*s, work_ / "out", "json");
  std::ofstream(work_ / "out" / kManifestName) << R"({"format": "crmo.readings-manifest/1", "exams": [{"exam_id": 1}]})";
  auto t = Store::open((work_ / "t.db").string());
  EXPECT_THROW(import_from(*t, work_ / "out", default_atlas(), scheme(), "tester"), InputError);
  EXPECT_TRUE(t->list_exams().empty());
  // Exporting into a folder that is not empty changes nothing in it.
  fs::create_directories(work_ / "full");
  std::ofstream(work_ / "full" / "keep.txt") << "mine";
  EXPECT_ANY_THROW(export_to(*s, work_ / "full", "json"));
  EXPECT_EQ(folder_files(work_ / "full").size(), 1u);
}

CRMO_STORE_BACKENDS(TransferTest);

}  // namespace
