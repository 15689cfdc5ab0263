// Several readers per exam on both backends: readings kept apart, blinded views,
// consensus readings, the main reading, and imports of several readings.
#include <thread>

#include "formats/input_error.hpp"
#include "store_fixture.hpp"

using namespace crmo;
using namespace crmo::store;

namespace {

class ReadingsTest : public crmo::store::test_support::StoreTest {
 protected:
  // examples/ plus a follow-up exam of the first patient, three months later.
  std::vector<Exam> with_followup() {
    auto exams = examples();
    Exam later = exams[0];
    later.id = exams[0].id + "-fu";
    later.date = *parse_date("2021-06-14");  // exams[0] is of 2021-03-14
    later.timepoint = "3m";
    later.lesions.resize(1);
    exams.push_back(later);
    return exams;
  }
};

TEST_P(ReadingsTest, ReadersReadApartWithTheirOwnRevisions) {
  auto exams = examples();
  auto s = open();
  s->import_exams(exams, "tester");
  const std::string id = exams[2].id;  // read by R2
  const auto exam_rev = s->find_exam(id)->revision;

  EXPECT_EQ(s->save_reading(id, "R3", {grading("skull:M", 1, 1), grading("spine.t7:M", 2, 2)}, 0, "r3"), 1);
  EXPECT_EQ(s->find_exam(id)->revision, exam_rev);  // another reader's reading is not the exam's
  EXPECT_EQ(s->find_exam(id)->exam.lesions.size(), exams[2].lesions.size());

  auto all = s->readings(id);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].reader, "R2");
  EXPECT_TRUE(all[0].main);
  EXPECT_EQ(all[0].gradings.size(), exams[2].lesions.size());
  EXPECT_EQ(all[1].reader, "R3");
  EXPECT_FALSE(all[1].main);
  ASSERT_EQ(all[1].gradings.size(), 2u);
  EXPECT_EQ(all[1].gradings[1].grade("signal"), 2);
  EXPECT_EQ(all[1].updated_by, "r3");

  // Starting the same reading twice, or from a stale revision: a conflict naming the reader.
  try {
    s->save_reading(id, "R3", {}, 0, "r3");
    FAIL() << "expected a conflict";
  } catch (const ConflictError& e) {
    EXPECT_EQ(e.reader, "R3");
    EXPECT_EQ(e.expected, 0);
    EXPECT_EQ(e.current, 1);
    EXPECT_NE(std::string(e.what()).find("reading by R3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(s->put_reading_grading(id, "R3", grading("skull:M", 2, 3), 1, "r3"), 2);
  EXPECT_THROW(s->put_reading_grading(id, "R3", grading("skull:M", 1, 3), 1, "r3"), ConflictError);
  EXPECT_EQ(s->find_reading(id, "R3")->gradings[0].grade("extent"), 3);
  EXPECT_EQ(s->delete_reading_grading(id, "R3", "spine.t7:M", 2, "r3"), 3);
  EXPECT_EQ(s->find_reading(id, "R3")->gradings.size(), 1u);
  EXPECT_THROW(s->delete_reading_grading(id, "R3", "spine.t7:M", 3, "r3"), NotFoundError);
  EXPECT_THROW(s->put_reading_grading(id, "R9", grading("skull:M", 1, 1), 4, "r9"), NotFoundError);
  EXPECT_THROW(s->save_reading("no-such-exam", "R3", {}, 0, "r3"), NotFoundError);
  EXPECT_THROW(s->save_reading(id, "R4", {grading("skull:M", 1, 1), grading("skull:M", 2, 1)}, 0, "r4"),
               std::invalid_argument);

  // Every change is audited with its reader, before and after.
  auto trail = s->audit(id);
  ASSERT_GE(trail.size(), 3u);
  EXPECT_EQ(trail[0].action, "ungrade");
  EXPECT_EQ(trail[0].reader, "R3");
  EXPECT_TRUE(trail[0].before);
  EXPECT_FALSE(trail[0].after);
  EXPECT_EQ(trail[1].action, "grade");
  EXPECT_NE(trail[1].before->find("\"extent\":1"), std::string::npos);
  EXPECT_NE(trail[1].after->find("\"extent\":3"), std::string::npos);
  EXPECT_EQ(trail[2].action, "read");
}

TEST_P(ReadingsTest, TheMainReadingSharesTheExamRevision) {
  auto exams = examples();
  auto s = open();
  s->import_exams(exams, "tester");
  const std::string id = exams[0].id;  // read by R1
  auto rec = s->find_exam(id);
  auto main = s->find_reading(id, "R1");
  ASSERT_TRUE(main && main->main);
  // A change through the reading bumps the exam: a writer holding the exam revision notices.
  EXPECT_EQ(s->put_reading_grading(id, "R1", grading("skull:M", 1, 1), main->revision, "r1"), main->revision + 1);
  EXPECT_EQ(s->find_exam(id)->revision, rec->revision + 1);
  EXPECT_THROW(s->put_grading(id, grading("skull:M", 2, 2), rec->revision, "other"), ConflictError);
  // And a change through the exam bumps the reading.
  EXPECT_EQ(s->put_grading(id, grading("skull:M", 2, 2), rec->revision + 1, "other"), rec->revision + 2);
  EXPECT_THROW(s->put_reading_grading(id, "R1", grading("skull:M", 1, 3), main->revision + 1, "r1"), ConflictError);
  EXPECT_EQ(s->find_reading(id, "R1")->revision, main->revision + 2);
}

TEST_P(ReadingsTest, BlindedReadersSeeOnlyTheirOwnReading) {
  auto exams = with_followup();
  auto s = open();
  s->import_exams(exams, "tester");
  const std::string later = exams[3].id;  // the follow-up of exams[0]'s patient, main reader R1
  s->save_reading(later, "R2", {grading("skull:M", 2, 2)}, 0, "r2");

  auto blind = s->reader_view(later, "R3", true);
  ASSERT_TRUE(blind);
  EXPECT_EQ(blind->exam.reader, "R3");
  EXPECT_TRUE(blind->exam.lesions.empty());  // R3 has not read it: nothing of R1 or R2 shows
  EXPECT_EQ(blind->reading_revision, 0);
  EXPECT_TRUE(blind->other_readings.empty());
  EXPECT_TRUE(blind->prior_exams.empty());
  EXPECT_EQ(blind->exam.clinical, ClinicalMeasures{});  // readers score images alone by default
  EXPECT_EQ(blind->exam.patient.id, exams[3].patient.id);
  EXPECT_EQ(s->reader_view(later, "R3", true, true)->exam.clinical, exams[3].clinical);

  auto own = s->reader_view(later, "R2", true);
  ASSERT_EQ(own->exam.lesions.size(), 1u);
  EXPECT_EQ(own->exam.lesions[0].site, "skull:M");
  EXPECT_EQ(own->reading_revision, 1);
  EXPECT_TRUE(own->other_readings.empty());

  auto open_view = s->reader_view(later, "R2", false);
  ASSERT_EQ(open_view->other_readings.size(), 1u);
  EXPECT_EQ(open_view->other_readings[0].reader, "R1");
  ASSERT_EQ(open_view->prior_exams.size(), 1u);
  EXPECT_EQ(open_view->prior_exams[0].id, exams[0].id);
  EXPECT_FALSE(s->reader_view("no-such-exam", "R2", true));

  auto wl = s->worklist("R2", true);
  ASSERT_EQ(wl.size(), exams.size());
  for (const auto& w : wl) {
    EXPECT_TRUE(w.other_readers.empty()) << w.exam_id;
    EXPECT_EQ(w.read, w.exam_id == later || w.exam_id == exams[2].id) << w.exam_id;  // exams[2] is R2's own
  }
  EXPECT_EQ(wl[3].graded_sites, 1);
  EXPECT_EQ(wl[3].reading_revision, 1);
  auto seen = s->worklist("R2", false);
  EXPECT_EQ(seen[3].other_readers, std::vector<std::string>{"R1"});
  EXPECT_EQ(seen[0].other_readers, std::vector<std::string>{"R1"});
  EXPECT_FALSE(seen[0].read);
}

TEST_P(ReadingsTest, ConsensusRecordsItsSourcesAndCanBecomeTheMainReading) {
  auto exams = examples();
  auto s = open();
  s->import_exams(exams, "tester");
  const std::string id = exams[0].id;
  s->save_reading(id, "R2", {grading("tibia.distal_metaphysis:L", 1, 3)}, 0, "r2");
  std::vector<SiteGrading> agreed{grading("tibia.distal_metaphysis:L", 2, 3)};

  EXPECT_THROW(s->save_consensus(id, "consensus", agreed, {"R1"}, 0, "adj"), std::invalid_argument);
  EXPECT_THROW(s->save_consensus(id, "consensus", agreed, {"R1", "R1"}, 0, "adj"), std::invalid_argument);
  EXPECT_THROW(s->save_consensus(id, "consensus", agreed, {"R1", "R7"}, 0, "adj"), NotFoundError);
  EXPECT_FALSE(s->find_reading(id, "consensus"));  // nothing of the refused attempts

  EXPECT_EQ(s->save_consensus(id, "consensus", agreed, {"R1", "R2"}, 0, "adj"), 1);
  auto c = s->find_reading(id, "consensus");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, "consensus");
  EXPECT_EQ(c->sources, (std::vector<std::string>{"R1", "R2"}));
  EXPECT_FALSE(c->main);
  // A plain reading cannot turn into a consensus, nor the other way round.
  EXPECT_THROW(s->save_consensus(id, "R2", agreed, {"R1", "consensus"}, 1, "adj"), std::invalid_argument);
  EXPECT_THROW(s->save_reading(id, "consensus", agreed, 1, "adj"), std::invalid_argument);

  auto rev = s->find_exam(id)->revision;
  EXPECT_THROW(s->set_main_reader(id, "R9", rev, "adj"), NotFoundError);
  EXPECT_EQ(s->set_main_reader(id, "consensus", rev, "adj"), rev + 1);
  auto main = s->find_exam(id);
  EXPECT_EQ(main->exam.reader, "consensus");
  ASSERT_EQ(main->exam.lesions.size(), 1u);
  EXPECT_EQ(main->exam.lesions[0].grade("signal"), 2);
  EXPECT_EQ(s->audit(id)[0].action, "main_reading");

  // Every reading as an exam: main first, then the others by reader.
  auto readings = s->all_readings();
  std::vector<std::string> order;
  for (const auto& e : readings)
    if (e.id == id) order.push_back(e.reader);
  EXPECT_EQ(order, (std::vector<std::string>{"consensus", "R1", "R2"}));
  for (const auto& e : readings) {
    if (e.id == id) {
      EXPECT_EQ(e.clinical, exams[0].clinical);
    }
  }
  EXPECT_EQ(readings.size(), exams.size() + 2);
}

TEST_P(ReadingsTest, ImportsSeveralReadingsAllOrNothing) {
  auto exams = examples();
  Exam r2 = exams[1];
  r2.reader = "R2";
  r2.lesions = {grading("skull:M", 1, 1)};
  auto s = open();
  s->import_exams({exams[0], exams[1], r2}, "tester");
  ASSERT_EQ(s->readings(exams[1].id).size(), 2u);
  EXPECT_EQ(s->find_exam(exams[1].id)->exam.reader, exams[1].reader);  // the first is the main one

  // A third reader later: added to the stored exam.
  Exam r3 = exams[0];
  r3.reader = "R3";
  s->import_exams({r3}, "tester");
  EXPECT_EQ(s->readings(exams[0].id).size(), 2u);

  // All or nothing: a reading already there, a reading that disagrees on the clinical
  // measures, two readings by one reader: each named, nothing written.
  Exam bad = exams[2];
  bad.reader = "R5";
  bad.timepoint = "6m";
  Exam twice = exams[2];
  try {
    s->import_exams({exams[2], bad, twice, r3}, "tester");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.problems().size(), 3u);
    EXPECT_NE(e.problems()[0].message.find("differs from the reading"), std::string::npos) << e.problems()[0].message;
    EXPECT_NE(e.problems()[1].message.find("two readings by this reader"), std::string::npos);
    EXPECT_NE(e.problems()[2].message.find("already in the database"), std::string::npos);
  }
  EXPECT_FALSE(s->find_exam(exams[2].id));
  // Main reading and consensus sources given by an export's manifest.
  Exam c = exams[2];
  c.reader = "consensus";
  Exam r6 = exams[2];
  r6.reader = "R6";
  ImportExtras extras;
  extras.main_reader[exams[2].id] = "consensus";
  extras.consensus_sources[{exams[2].id, "consensus"}] = {exams[2].reader, "R6"};
  c.clinical.pga = 0.5;  // readers' documents may differ in clinical measures: each keeps its own
  s->import_exams({exams[2], r6, c}, "tester", extras);
  EXPECT_EQ(s->find_exam(exams[2].id)->exam.reader, "consensus");
  EXPECT_EQ(s->find_exam(exams[2].id)->exam.clinical.pga, 0.5);
  auto r6_back = s->find_reading(exams[2].id, "R6");
  ASSERT_TRUE(r6_back->clinical);
  EXPECT_EQ(*r6_back->clinical, exams[2].clinical);
  for (const auto& e : s->all_readings()) {
    if (e.id == exams[2].id) {
      EXPECT_EQ(e.clinical.pga, e.reader == "consensus" ? 0.5 : *exams[2].clinical.pga) << e.reader;
    }
  }
  EXPECT_EQ(s->find_reading(exams[2].id, "consensus")->sources, (std::vector<std::string>{exams[2].reader, "R6"}));
}

// Two readers grade the same exam at the same time on their own connections: no
// conflicts (each has their own reading) and no lost write.
TEST_P(ReadingsTest, TwoReadersAtOnceLoseNothing) {
  auto exams = examples();
  open()->import_exams(exams, "tester");
  const std::string id = exams[1].id;
  std::vector<std::string> sites;
  for (const auto& site : default_atlas().sites()) sites.push_back(site.key());
  auto reader = [&](const std::string& name, int offset) {
    auto s = open();
    std::int64_t rev = 0;
    for (int i = 0; i < 20; ++i) rev = s->put_reading_grading(id, name, grading(sites.at(offset + i), 1, 1), rev, name);
    EXPECT_EQ(rev, 20);
  };
  std::thread a(reader, "RA", 0), b(reader, "RB", 20);
  a.join();
  b.join();
  auto s = open();
  EXPECT_EQ(s->find_reading(id, "RA")->gradings.size(), 20u);
  EXPECT_EQ(s->find_reading(id, "RB")->gradings.size(), 20u);
  EXPECT_EQ(s->find_reading(id, "RB")->gradings[0].site, sites.at(20));
}

CRMO_STORE_BACKENDS(ReadingsTest);

}  // namespace
