#include "formats/score_json.hpp"

namespace crmo {

nlohmann::ordered_json scores_to_json(const Scheme& scheme, const Scheme& parameter_scheme,
                                      const std::vector<ExamScore>& scores) {
  using J = nlohmann::ordered_json;
  J exams = J::array();
  for (const ExamScore& s : scores) {
    J sites = J::array();
    for (const auto& site : s.sites) sites.push_back({{"site", site.site}, {"score", site.score}});
    J params = J::object();
    for (const auto& p : s.parameters) params[p.name] = p.value ? J(*p.value) : J(nullptr);
    // Whole numbers print as integers: every seed-2022 parameter is a count or a grade.
    for (auto& [k, v] : params.items())
      if (v.is_number_float() && v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())))
        v = static_cast<long long>(v.get<double>());
    J e{{"exam_id", s.exam_id}, {"patient_id", s.patient_id}, {"rai_total", s.total},
        {"sites", sites}, {"parameters", params}};
    if (!s.index.empty()) {
      J inputs = J::array();
      for (const auto& in : s.index)
        inputs.push_back({{"name", in.name}, {"value", in.value ? J(*in.value) : J(nullptr)}, {"points", in.points}});
      e["index"] = {{"total", s.index_total ? J(*s.index_total) : J(nullptr)},
                    {"bins_published", scheme.index_bins_published}, {"inputs", inputs}};
    }
    exams.push_back(e);
  }
  J out{{"scheme", scheme.name}, {"scheme_version", scheme.version}};
  if (parameter_scheme.name != scheme.name) {
    out["parameters_scheme"] = parameter_scheme.name;
    out["parameters_scheme_version"] = parameter_scheme.version;
  }
  if (!scheme.notes.empty()) out["notes"] = scheme.notes;
  out["exams"] = exams;
  return out;
}

}  // namespace crmo
