#include "exchange/redcap.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/validation.hpp"
#include "formats/csv.hpp"
#include "formats/exam_row.hpp"
#include "formats/input_error.hpp"
#include "formats/table_cells.hpp"

namespace crmo::exchange {

namespace {

enum class Kind { Text, Date, Number, Integer, YesNo, Radio, Notes };

struct Field {
  std::string name, form;
  Kind kind = Kind::Text;
  std::string label, choices, note;
  std::string min, max;
  bool identifier = false, required = false;
};

const char* kRecordId = "record_id";
const char* kRepeatInstrument = "redcap_repeat_instrument";
const char* kRepeatInstance = "redcap_repeat_instance";
// Columns REDCap adds in some projects (events, data access groups, survey stamps) that
// carry nothing crmo keeps; accepted and ignored.
const std::set<std::string> kRedcapSystemColumns = {"redcap_event_name", "redcap_data_access_group",
                                                    "redcap_survey_identifier"};

Field field(std::string name, std::string form, Kind kind, std::string label, std::string choices = "",
            std::string note = "", std::string min = "", std::string max = "", bool identifier = false,
            bool required = false) {
  Field f;
  f.name = std::move(name);
  f.form = std::move(form);
  f.kind = kind;
  f.label = std::move(label);
  f.choices = std::move(choices);
  f.note = std::move(note);
  f.min = std::move(min);
  f.max = std::move(max);
  f.identifier = identifier;
  f.required = required;
  return f;
}

std::vector<Field> exam_fields() {
  auto num = [](std::string n, std::string label, std::string min = "", std::string max = "") {
    return field(std::move(n), "exam", Kind::Number, std::move(label), "", "", std::move(min), std::move(max));
  };
  auto yesno = [](std::string n, std::string label) { return field(std::move(n), "exam", Kind::YesNo, std::move(label)); };
  std::vector<Field> f;
  f.push_back(field(kRecordId, "exam", Kind::Text, "Exam id", "", "crmo exam.id; one record per exam"));
  f.push_back(field("patient_id", "exam", Kind::Text, "Patient id", "", "crmo patient.id", "", "", true, true));
  f.push_back(field("exam_date", "exam", Kind::Date, "Exam date", "", "", "", "", true, true));
  f.push_back(field("sex", "exam", Kind::Radio, "Sex", "F, Female | M, Male"));
  f.push_back(field("birth_date", "exam", Kind::Date, "Birth date", "", "", "", "", true));
  f.push_back(num("age_years", "Age at exam (years), when the birth date is not known", "0", "30"));
  f.push_back(field("timepoint", "exam", Kind::Text, "Timepoint", "", "free text: baseline, 6m, ..."));
  f.push_back(field("reader", "exam", Kind::Text, "Reader"));
  f.push_back(field("other_readers", "exam", Kind::Text, "Other readers of this exam", "",
               "readers separated by ';'; their sites name them in lesion_reader (docs/exchange.md)"));
  f.push_back(num("pga", "Physician global assessment (0-10)", "0", "10"));
  f.push_back(num("pain", "Pain (0-10)", "0", "10"));
  f.push_back(num("patient_global", "Patient global assessment (0-10)", "0", "10"));
  f.push_back(num("chaq", "CHAQ (0-3)", "0", "3"));
  f.push_back(num("esr", "ESR (mm/h)", "0"));
  f.push_back(num("crp", "CRP (mg/L)", "0"));
  f.push_back(yesno("fever", "Fever"));
  f.push_back(yesno("normal_blood_count", "Normal blood count"));
  f.push_back(yesno("marginal_sclerosis", "Marginal sclerosis"));
  f.push_back(field("biopsy", "exam", Kind::Radio, "Biopsy",
               "not_done, Not done | inflammatory_sterile, Inflammatory, sterile | other, Other"));
  f.push_back(num("clinical_severity", "Clinical severity score", "0"));
  f.push_back(field("symptomatic_sites", "exam", Kind::Notes, "Symptomatic sites", "",
               "atlas sites (unit:side) separated by ';'"));
  return f;
}

std::vector<Field> lesion_fields(const Scheme& scheme) {
  std::vector<Field> f;
  f.push_back(field("site", "lesion", Kind::Text, "Site (unit:side)", "", "a site of crmo's atlas, e.g. tibia.distal_metaphysis:L",
               "", "", false, true));
  f.push_back(field("lesion_reader", "lesion", Kind::Text, "Reader of this site", "",
               "empty = the exam's reader; else one of its other readers"));
  for (const GradeItem& item : scheme.items) {
    std::string choices;
    for (int g = item.min; g <= item.max; ++g) {
      std::size_t i = static_cast<std::size_t>(g - item.min);
      std::string label = i < item.labels.size() ? item.labels[i] : std::to_string(g);
      // A REDCap choice label may not contain '|'.
      std::replace(label.begin(), label.end(), '|', '/');
      choices += fmt::format("{}{}, {}", choices.empty() ? "" : " | ", g, label);
    }
    f.push_back(field(item.name, "lesion", Kind::Radio, item.description.empty() ? item.name : item.description, choices,
                 "grade left empty = 0"));
  }
  f.push_back(field("physis", "lesion", Kind::Radio, "Relation to the growth plate",
               "none, none | abutting, abutting | transphyseal, transphyseal"));
  f.push_back(field("symptomatic", "lesion", Kind::YesNo, "Site is clinically symptomatic", "", "empty = unknown"));
  f.push_back(field("lesion_label", "lesion", Kind::Text, "Lesion label", "",
               "sites sharing a label within one exam are one lesion (crmo field `lesion`)"));
  f.push_back(field("max_diameter_mm", "lesion", Kind::Number, "Maximum diameter (mm)", "", "", "0"));
  f.push_back(field("volume_ml", "lesion", Kind::Number, "Volume (mL)", "", "", "0"));
  f.push_back(field("si_ratio", "lesion", Kind::Number, "Signal ratio (lesion to muscle, STIR)", "", "", "0"));
  return f;
}

std::string field_type(Kind k) {
  switch (k) {
    case Kind::Radio: return "radio";
    case Kind::YesNo: return "yesno";
    case Kind::Notes: return "notes";
    default: return "text";
  }
}
std::string validation_type(Kind k) {
  switch (k) {
    case Kind::Date: return "date_ymd";
    case Kind::Number: return "number";
    case Kind::Integer: return "integer";
    default: return "";
  }
}

std::string num(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : ""; }
std::string yesno(const std::optional<bool>& v) { return v ? (*v ? "1" : "0") : ""; }

std::vector<std::string> header_for(const Scheme& scheme) {
  std::vector<std::string> h = {kRecordId, kRepeatInstrument, kRepeatInstance};
  for (const auto& f : exam_fields())
    if (f.name != kRecordId) h.push_back(f.name);
  h.push_back("exam_complete");
  for (const auto& f : lesion_fields(scheme)) h.push_back(f.name);
  h.push_back("lesion_complete");
  return h;
}

}  // namespace

std::string redcap_dictionary_csv(const Scheme& scheme) {
  std::string out = csv::format_row({"Variable / Field Name", "Form Name", "Section Header", "Field Type",
                                     "Field Label", "Choices, Calculations, OR Slider Labels", "Field Note",
                                     "Text Validation Type OR Show Slider Number", "Text Validation Min",
                                     "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
                                     "Required Field?", "Custom Alignment", "Question Number (surveys only)",
                                     "Matrix Group Name", "Matrix Ranking?", "Field Annotation"});
  auto fields = exam_fields();
  auto lesion = lesion_fields(scheme);
  fields.insert(fields.end(), lesion.begin(), lesion.end());
  std::string last_form;
  for (const Field& f : fields) {
    std::string section;
    if (f.form != last_form) section = f.form == "exam" ? "WB-MRI exam (crmo)" : "Graded site (one instance per site)";
    last_form = f.form;
    out += csv::format_row({f.name, f.form, section, field_type(f.kind), f.label, f.choices, f.note,
                            validation_type(f.kind), f.min, f.max, f.identifier ? "y" : "", "",
                            f.required ? "y" : "", "", "", "", "", ""});
  }
  return out;
}

namespace {

// The exam row's cells, reader and other_readers left empty.
std::vector<std::string> exam_cells(const Exam& e) {
  const auto& c = e.clinical;
  std::string sites;
  for (const auto& s : c.symptomatic_sites) sites += (sites.empty() ? "" : ";") + s;
  return {e.id, "", "", e.patient.id, e.date.iso(), e.patient.sex.value_or(""),
          e.patient.birth_date ? e.patient.birth_date->iso() : "", num(e.patient.age_years), e.timepoint, "", "",
          num(c.pga), num(c.pain), num(c.patient_global), num(c.chaq), num(c.esr), num(c.crp), yesno(c.fever),
          yesno(c.normal_blood_count), yesno(c.marginal_sclerosis), c.biopsy.value_or(""), num(c.clinical_severity),
          sites, "2"};
}
constexpr std::size_t kReaderCell = 9, kOtherReadersCell = 10;

}  // namespace

std::string redcap_records_csv(const std::vector<Exam>& exams, const Scheme& scheme) {
  // A record is an exam. Its readings share the exam row (identity and clinical values, which
  // are the patient's, not the reader's); each reading's sites are lesion instances naming
  // their reader. Readings that differ in the exam row cannot share it: refused, not merged.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Exam*>> readings;
  for (const Exam& e : exams) {
    auto& list = readings[e.id];
    if (list.empty()) order.push_back(e.id);
    list.push_back(&e);
  }
  const auto header = header_for(scheme);
  std::vector<InputProblem> problems;
  for (const auto& id : order) {
    const auto& list = readings[id];
    const auto first = exam_cells(*list.front());
    std::set<std::string> readers;
    for (const Exam* e : list) {
      if (!readers.insert(e->reader).second)
        problems.push_back({"exam " + id, "read by '" + e->reader + "' twice"});
      if (list.size() > 1 && (e->reader.empty() || e->reader.find(';') != std::string::npos))
        problems.push_back({"exam " + id, "reader '" + e->reader + "': an exam read several times needs reader "
                                                                   "names, without ';' (REDCap's other_readers lists them)"});
      const auto cells = exam_cells(*e);
      for (std::size_t i = 3; i < cells.size(); ++i)
        if (cells[i] != first[i])
          problems.push_back({"exam " + id, fmt::format("readers '{}' and '{}' give different {} ('{}' and '{}'); a "
                                                        "REDCap record holds the exam's values once: reconcile them "
                                                        "(crmo consensus) or export one reader at a time",
                                                        list.front()->reader, e->reader, header[i], first[i], cells[i])});
    }
  }
  throw_if_any(std::move(problems));
  const std::size_t n_exam = exam_fields().size() - 1 + 1;  // without record_id, with exam_complete
  std::vector<std::string> item_names;
  for (const GradeItem& item : scheme.items) item_names.push_back(item.name);
  std::string out = csv::format_row(header);
  for (const auto& id : order) {
    const auto& list = readings[id];
    auto row = exam_cells(*list.front());
    row[kReaderCell] = list.front()->reader;
    for (std::size_t k = 1; k < list.size(); ++k)
      row[kOtherReadersCell] += (k > 1 ? ";" : "") + list[k]->reader;
    row.resize(header.size());
    out += csv::format_row(row);
    int instance = 0;
    for (const Exam* e : list)
      for (const SiteGrading& g : e->lesions) {
        std::vector<std::string> r = {id, "lesion", std::to_string(++instance)};
        r.resize(3 + n_exam);
        r.push_back(g.site);
        r.push_back(list.size() > 1 ? e->reader : "");
        append_site_cells(r, g, item_names, yesno);
        r.push_back("2");
        out += csv::format_row(r);
      }
  }
  return out;
}

namespace {

// REDCap raw values: yes/no is 1/0, radio fields are their codes, NA is no special value.
const CellDialect kRedcapCells{false, true, "a REDCap yes/no raw value 1 or 0",
                               "an integer (REDCap raw choice code)", "YYYY-MM-DD (REDCap date_ymd, raw export)"};

struct Cells : TableCells {
  Cells(const csv::Table& t, const csv::Row& r, const std::string& source, std::vector<InputProblem>& p)
      : TableCells(t, r, source, p, kRedcapCells) {}
};

std::string lesion_column_for(const std::string& field) { return field == "lesion" ? "lesion_label" : field; }

}  // namespace

std::vector<Exam> read_redcap_records(const std::string& text, const std::string& source, const Atlas& atlas,
                                      const Scheme& scheme) {
  const csv::Table table = csv::parse(text, source);
  std::vector<InputProblem> problems;
  const auto efields = exam_fields();
  const auto lfields = lesion_fields(scheme);
  std::set<std::string> exam_cols, lesion_cols;
  for (const auto& f : efields)
    if (f.name != kRecordId) exam_cols.insert(f.name);
  exam_cols.insert("exam_complete");
  for (const auto& f : lfields) lesion_cols.insert(f.name);
  lesion_cols.insert("lesion_complete");
  {
    std::set<std::string> seen;
    for (const auto& h : table.header) {
      bool known = h == kRecordId || h == kRepeatInstrument || h == kRepeatInstance || exam_cols.count(h) ||
                   lesion_cols.count(h) || kRedcapSystemColumns.count(h);
      if (!known)
        problems.push_back({fmt::format("{} line 1, column {}", source, h),
                            "unknown column '" + h + "': not a field of crmo's REDCap dictionary (`crmo redcap dictionary`)"});
      if (!seen.insert(h).second)
        problems.push_back({fmt::format("{} line 1, column {}", source, h), "column '" + h + "' appears twice"});
    }
    for (const char* r : {kRecordId, "patient_id", "exam_date"})
      if (!table.column(r)) problems.push_back({source + " line 1", std::string("required column '") + r + "' is missing"});
    bool any_lesion_col = false;
    for (const auto& h : table.header) any_lesion_col |= lesion_cols.count(h) > 0;
    if (any_lesion_col)
      for (const char* r : {kRepeatInstrument, kRepeatInstance, "site"})
        if (!table.column(r))
          problems.push_back({source + " line 1",
                              std::string("required column '") + r + "' is missing (the lesion instrument repeats)"});
  }
  throw_if_any(problems);

  std::vector<Exam> exams;
  std::vector<std::size_t> exam_lines;
  std::vector<bool> exam_date_ok;
  std::map<std::string, std::size_t> by_id;                              // record -> its exam row's reading
  std::map<std::pair<std::string, std::string>, std::size_t> reading_of;  // (record, reader) -> reading
  struct LesionRow {
    std::string record;
    std::optional<std::string> reader;
    int instance;
    std::size_t line;
    SiteGrading g;
    bool involvement_unreadable;
  };
  std::vector<LesionRow> lesion_rows;
  for (const csv::Row& row : table.rows) {
    Cells r(table, row, source, problems);
    std::string record = r.required(kRecordId);
    std::string instrument = r.cell(kRepeatInstrument).value_or("");
    auto instance_text = r.cell(kRepeatInstance);
    if (instrument.empty()) {
      if (instance_text) r.problem(kRepeatInstance, "an instance number on a row without redcap_repeat_instrument");
      for (const auto& col : lesion_cols)
        if (col != "lesion_complete" && r.cell(col))
          r.problem(col, "a lesion field on the exam row: lesion fields belong on rows with redcap_repeat_instrument 'lesion'");
      ExamRow read = read_exam_row(r);
      Exam& e = read.exam;
      e.id = record;
      if (auto v = r.cell("exam_complete"); v && *v != "0" && *v != "1" && *v != "2")
        r.problem("exam_complete", "expected 0, 1 or 2 (REDCap form status), got '" + *v + "'");
      if (!record.empty()) {
        if (by_id.count(record)) {
          r.problem(kRecordId, fmt::format("record '{}' has a second exam row (first on line {})", record,
                                           exam_lines[by_id[record]]));
          continue;
        }
        by_id.emplace(record, exams.size());
      }
      // Further readings of the exam share its row (docs/exchange.md); their sites name them.
      std::vector<std::string> others;
      if (auto o = r.cell("other_readers")) others = split_sites(*o);
      std::set<std::string> readers = {e.reader};
      for (const auto& name : others)
        if (!readers.insert(name).second)
          r.problem("other_readers", "reader '" + name + "' named twice (reader and other_readers are the exam's readers)");
      const std::size_t main = exams.size();
      exams.push_back(std::move(e));
      exam_lines.push_back(row.line);
      exam_date_ok.push_back(read.date_ok);
      reading_of[{record, exams[main].reader}] = main;
      for (const auto& name : others) {
        Exam other = exams[main];
        other.reader = name;
        reading_of.try_emplace({record, name}, exams.size());
        exams.push_back(std::move(other));
        exam_lines.push_back(row.line);
        exam_date_ok.push_back(read.date_ok);
      }
    } else if (instrument == "lesion") {
      for (const auto& col : exam_cols)
        if (col != "exam_complete" && r.cell(col))
          r.problem(col, "an exam field on a lesion row: exam fields belong on the record's row without a repeat instrument");
      int instance = 0;
      if (!instance_text) r.problem(kRepeatInstance, "required value is empty: the lesion instance number");
      else if (auto i = r.integer(kRepeatInstance); i && *i >= 1) instance = *i;
      else if (i) r.problem(kRepeatInstance, "expected an instance number 1, 2, ...; got '" + *instance_text + "'");
      LesionRow lr{record, r.cell("lesion_reader"), instance, row.line, {}, false};
      lr.g.site = r.required("site");
      for (const GradeItem& item : scheme.items) {
        std::size_t before = problems.size();
        if (auto v = r.integer(item.name)) lr.g.grades[item.name] = *v;
        if (item.name == scheme.involvement_item && problems.size() > before) lr.involvement_unreadable = true;
      }
      lr.g.physis = r.cell("physis");
      lr.g.symptomatic = r.boolean("symptomatic");
      lr.g.lesion = r.cell("lesion_label");
      lr.g.max_diameter_mm = r.number("max_diameter_mm");
      lr.g.volume_ml = r.number("volume_ml");
      lr.g.si_ratio = r.number("si_ratio");
      if (auto v = r.cell("lesion_complete"); v && *v != "0" && *v != "1" && *v != "2")
        r.problem("lesion_complete", "expected 0, 1 or 2 (REDCap form status), got '" + *v + "'");
      lesion_rows.push_back(std::move(lr));
    } else {
      r.problem(kRepeatInstrument, "unknown repeating instrument '" + instrument + "': expected 'lesion' or empty");
    }
  }
  // Lesions join their exam in instance order.
  std::stable_sort(lesion_rows.begin(), lesion_rows.end(), [](const LesionRow& a, const LesionRow& b) {
    return a.record != b.record ? a.record < b.record : a.instance < b.instance;
  });
  std::vector<std::vector<const LesionRow*>> per_exam(exams.size());
  const LesionRow* previous = nullptr;  // of the same record: instances are numbered per record
  for (std::size_t k = 0; k < lesion_rows.size(); ++k) {
    const LesionRow& lr = lesion_rows[k];
    if (lr.record.empty()) continue;
    auto it = by_id.find(lr.record);
    if (it == by_id.end()) {
      problems.push_back({fmt::format("{} line {}, column {}", source, lr.line, kRecordId),
                          "lesion instance for record '" + lr.record + "', which has no exam row"});
      continue;
    }
    if (lr.instance > 0 && previous && previous->record == lr.record && previous->instance == lr.instance) {
      problems.push_back({fmt::format("{} line {}, column {}", source, lr.line, kRepeatInstance),
                          fmt::format("instance {} of record '{}' appears twice (also line {})", lr.instance, lr.record,
                                      previous->line)});
      continue;
    }
    previous = &lr;
    std::size_t reading = it->second;  // empty lesion_reader: the exam's reader
    if (lr.reader) {
      auto r = reading_of.find({lr.record, *lr.reader});
      if (r == reading_of.end()) {
        problems.push_back({fmt::format("{} line {}, column lesion_reader", source, lr.line),
                            "record '" + lr.record + "' has no reader '" + *lr.reader +
                                "': name the exam's reader or one of its other_readers"});
        continue;
      }
      reading = r->second;
    }
    per_exam[reading].push_back(&lr);
  }
  for (std::size_t i = 0; i < exams.size(); ++i)
    for (const LesionRow* lr : per_exam[i]) exams[i].lesions.push_back(lr->g);
  for (std::size_t i = 0; i < exams.size(); ++i) {
    if (exams[i].id.empty()) continue;
    for (const Problem& p : validate_exam(exams[i], atlas, scheme)) {
      if (p.field == "exam.id" || p.field == "patient.id") continue;  // reported as empty cells
      if (p.field == "patient.birth_date" && !exam_date_ok[i]) continue;
      if (p.lesion >= 0) {
        const LesionRow* lr = per_exam[i][static_cast<std::size_t>(p.lesion)];
        if (p.needs_involvement && lr->involvement_unreadable) continue;
        problems.push_back({fmt::format("{} line {}, column {}", source, lr->line, lesion_column_for(p.field)), p.message});
      } else {
        problems.push_back(
            {fmt::format("{} line {}, column {}", source, exam_lines[i], exam_row_column(p.field, kRecordId)), p.message});
      }
    }
  }
  throw_if_any(std::move(problems));
  return exams;
}

}  // namespace crmo::exchange
