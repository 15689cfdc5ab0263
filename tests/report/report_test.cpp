// The cohort report: the skeleton drawing (a shape per unit-side), the self-contained
// HTML, the CSV tables, the JSON keys fixed by spec/formats.md, PNG and PDF through
// cairo, extra sections, and all-or-nothing writing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <unistd.h>

#include "core/analysis/cohort.hpp"
#include "core/synth/synth.hpp"
#include "formats/atlas_json.hpp"
#include "formats/csv.hpp"
#include "formats/file_io.hpp"
#include "formats/scheme_json.hpp"
#include "report/cohort_json.hpp"
#include "report/cohort_report.hpp"
#include "report/skeleton_svg.hpp"

using namespace crmo;
namespace fs = std::filesystem;

namespace {

struct Demo {
  SchemeRegistry reg = SchemeRegistry::with_builtins();
  Scheme scheme = reg.get("rai-cromris");
  Scheme params = parameter_scheme_for(reg, scheme);
  std::vector<Exam> exams = [] {
    synth::Request r;
    r.patients = 54;
    r.seed = 5;
    r.followup.share = 0.5;
    return synth::generate(r, default_atlas());
  }();
  analysis::Analysis a = analysis::analyse(exams, default_atlas(), scheme, params, {});
};

std::set<std::string> attribute_values(const std::string& text, const std::string& attr) {
  std::set<std::string> out;
  std::regex re(attr + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

std::string read(const fs::path& p) { return read_text_file(p); }

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("crmo-report-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}

}  // namespace

TEST(Skeleton, OneShapePerUnitSide) {
  const Atlas& atlas = default_atlas();
  std::string svg = report::skeleton_svg(atlas, {}, {});
  std::set<std::string> expected;
  for (const auto& s : atlas.sites()) expected.insert(s.key());
  ASSERT_EQ(expected.size(), 124u);
  EXPECT_EQ(attribute_values(svg, "data-site"), expected);
  EXPECT_EQ(count(svg, "data-site=\""), 124u);  // no unit-side twice
  std::set<std::string> ids = attribute_values(svg, "id");
  EXPECT_TRUE(ids.count("site-tibia.distal_metaphysis-L"));
  EXPECT_TRUE(ids.count("site-spine.t7-M"));
}

TEST(Skeleton, ShadesAndLegend) {
  const Atlas& atlas = default_atlas();
  report::SkeletonStyle st;
  st.legend_label = "% of patients";
  st.legend_max = 50;
  std::string svg = report::skeleton_svg(atlas, {{"tibia.distal_metaphysis:L", 1.0, "tibia: 50 %"}}, st);
  EXPECT_NE(svg.find("<title>tibia: 50 %</title>"), std::string::npos);
  EXPECT_NE(svg.find(report::heat_colour(1.0)), std::string::npos);
  EXPECT_NE(svg.find("% of patients"), std::string::npos);
  EXPECT_NE(svg.find(">50<"), std::string::npos);  // legend end
  st.interactive = true;
  std::string page = report::skeleton_svg(atlas, {}, st);
  EXPECT_EQ(count(page, "tabindex=\"0\""), 124u);
}

TEST(CohortReport, HtmlIsSelfContainedAndComplete) {
  Demo d;
  std::string html = report::cohort_html(d.a, {}, default_atlas(), {});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // Nothing fetched from elsewhere: the only URL is the SVG namespace name.
  std::string without_ns = std::regex_replace(html, std::regex("xmlns(:xlink)?=\"http://www\\.w3\\.org/[^\"]*\""), "");
  EXPECT_EQ(without_ns.find("http://"), std::string::npos);
  EXPECT_EQ(without_ns.find("https://"), std::string::npos);
  EXPECT_EQ(without_ns.find("url("), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  for (const char* id : {"description", "distribution", "correlations", "mri-vs-clinic", "groups"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_EQ(count(html, "class=\"skeleton\""), 1u);
  EXPECT_EQ(count(html, "class=\"chart\""), 2u);  // regions, bones
  std::size_t with_rs = 0;
  for (const auto& c : d.a.correlations)
    if (c.rs && (c.outcome == d.a.outcome_names[0] || c.outcome == d.a.outcome_names[1])) ++with_rs;
  EXPECT_EQ(count(html, "class=\"scatter\""), with_rs);
  EXPECT_GE(with_rs, 20u);
}

TEST(CohortReport, CsvTablesAndJsonKeys) {
  Demo d;
  auto tables = report::cohort_csv_tables(d.a);
  for (const char* name : {"description.csv", "regions.csv", "bones.csv", "units.csv", "correlations.csv",
                           "mri_vs_clinic.csv", "groups.csv", "exams.csv", "long_bones.csv", "bilateral_bones.csv"})
    ASSERT_TRUE(tables.count(name)) << name;
  auto units = csv::parse(tables["units.csv"], "units.csv");
  EXPECT_EQ(units.rows.size(), 124u);
  auto corr = csv::parse(tables["correlations.csv"], "correlations.csv");
  EXPECT_EQ(corr.rows.size(), d.a.parameter_names.size() * d.a.outcome_names.size());
  auto exams = csv::parse(tables["exams.csv"], "exams.csv");
  EXPECT_EQ(exams.rows.size(), 54u);

  auto j = report::cohort_to_json(d.a);
  // Keys fixed by spec/formats.md.
  EXPECT_EQ(j["description"]["patients"], 54);
  EXPECT_EQ(j["description"]["exams"], 54);
  EXPECT_TRUE(j["description"]["lesions"].is_number());
  for (const char* k : {"regions", "bones", "units"}) ASSERT_TRUE(j["distribution"][k].is_array()) << k;
  EXPECT_TRUE(j["distribution"]["regions"][0].contains("region"));
  EXPECT_TRUE(j["distribution"]["bones"][0].contains("bone"));
  EXPECT_TRUE(j["distribution"]["units"][0].contains("site"));
  for (const char* k : {"lesions", "patients"}) EXPECT_TRUE(j["distribution"]["regions"][0].contains(k));
  const auto& c = j["correlations"][0];
  for (const char* k : {"parameter", "outcome", "n", "rs", "conf_int", "p_value", "p_holm"})
    EXPECT_TRUE(c.contains(k)) << k;
  EXPECT_EQ(j["correlations"].size(), d.a.correlations.size());
}

TEST(CohortReport, ExtraSectionsAppearEverywhere) {
  Demo d;
  report::CohortSection s;
  s.order = 5.5;
  s.id = "followup";
  s.title = "Follow-up <test>";
  s.html = "<p id=\"hook\">changes</p>";
  s.text = {"line one"};
  s.csv["followup_pairs.csv"] = "a,b\n1,2\n";
  s.json = {{"pairs", 3}};
  s.figures.push_back({{100, 50}, [](report::Canvas& c) { c.rect(0, 0, 10, 10, {"#ff0000"}); }, "a figure"});
  std::vector<report::CohortSection> sections = {s};
  std::string html = report::cohort_html(d.a, sections, default_atlas(), {});
  auto at = html.find("<section id=\"followup\"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(at, html.find("<section id=\"groups\""));
  EXPECT_NE(html.find("Follow-up &lt;test&gt;"), std::string::npos);
  EXPECT_NE(html.find("<p id=\"hook\">changes</p>"), std::string::npos);
  EXPECT_NE(html.find("a figure"), std::string::npos);
  EXPECT_EQ(report::cohort_csv_tables(d.a, sections)["followup_pairs.csv"], "a,b\n1,2\n");
  EXPECT_EQ(report::cohort_to_json(d.a, sections)["followup"]["pairs"], 3);
  // A section table may not replace one of the report's own.
  report::CohortSection clash = s;
  clash.csv = {{"groups.csv", "x\n"}};
  EXPECT_THROW(report::cohort_csv_tables(d.a, {clash}), std::logic_error);
}

TEST(CohortReport, WritesFolderWithPngAndPdfAllOrNothing) {
  Demo d;
  fs::path dir = temp_dir("write");
  report::ReportOptions o;
  o.pdf = true;
  o.source = "synthetic";
  report::write_cohort_report(d.a, {}, default_atlas(), dir, o);
  for (const char* f : {"report.html", "cohort.json", "skeleton.svg", "skeleton.png", "report.pdf", "tables/regions.csv"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  std::string png = read(dir / "skeleton.png");
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  std::string pdf = read(dir / "report.pdf");
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  EXPECT_GT(pdf.size(), 20000u);
  EXPECT_GE(count(pdf, "/Type /Page\n") + count(pdf, "/Type /Page "), 5u);
  // An existing non-empty folder is never overwritten; nothing is left half-written.
  std::string before = read(dir / "report.html");
  EXPECT_ANY_THROW(report::write_cohort_report(d.a, {}, default_atlas(), dir, o));
  EXPECT_EQ(read(dir / "report.html"), before);
  fs::remove_all(dir);
}
