#include "imaging/manifest.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace crmo::imaging {

nlohmann::json geometry_json(const Geometry& g, const Dims& d, std::size_t nt) {
  nlohmann::json j;
  j["dims"] = {d.nx, d.ny, d.nz};
  if (nt > 1) j["volumes"] = nt;
  j["spacing_mm"] = {g.spacing[0], g.spacing[1], g.spacing[2]};
  j["origin_lps"] = {g.origin[0], g.origin[1], g.origin[2]};
  j["axes_lps"] = nlohmann::json::array();
  for (const auto& a : g.axis) j["axes_lps"].push_back({a[0], a[1], a[2]});
  const Vec3 far = g.to_patient(d.nx - 1.0, d.ny - 1.0, d.nz - 1.0);
  j["far_corner_lps"] = {far[0], far[1], far[2]};
  return j;
}

nlohmann::json series_json(const SeriesPlan& s, const std::vector<DicomHeader>* headers) {
  nlohmann::json j;
  j["id"] = s.id;
  j["series_number"] = s.series_number;
  j["series_uid"] = s.series_uid;
  j["study_uid"] = s.study_uid;
  j["frame_of_reference_uid"] = s.frame_of_reference_uid;
  j["description"] = s.description;
  j["protocol_name"] = s.protocol_name;
  j["sequence_name"] = s.sequence_name;
  j["image_type"] = s.image_type;
  j["kind"] = s.kind;
  j["echo_number"] = s.echo_number;
  j["echo_time_ms"] = s.echo_time;
  j["repetition_time_ms"] = s.repetition_time;
  j["inversion_time_ms"] = s.inversion_time;
  j["mosaic"] = s.mosaic;
  j["slices"] = s.slices.size();
  j["files"] = s.files.size();
  j["first_file"] = s.files.empty() ? "" : s.files.front();
  j["geometry"] = geometry_json(s.geom, s.dims, s.nt);
  j["warnings"] = s.warnings;
  if (headers) {
    nlohmann::json inst = nlohmann::json::array();
    for (const SliceRef& r : s.slices) {
      if (r.header >= headers->size()) continue;
      const DicomHeader& h = (*headers)[r.header];
      nlohmann::json e = {{"sop_instance_uid", h.sop_instance_uid}};
      if (h.number_of_frames > 1) e["frame"] = r.frame + 1;
      inst.push_back(std::move(e));
    }
    j["slice_instances"] = std::move(inst);
  }
  return j;
}

nlohmann::json problem_json(const Problem& p) { return {{"path", p.path}, {"message", p.message}}; }

void write_manifest(const std::string& dir, const nlohmann::json& m) {
  const std::filesystem::path p = std::filesystem::path(dir) / kManifestName;
  const std::filesystem::path tmp = p.string() + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << m.dump(2) << "\n";
    out.close();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error("cannot write " + p.string());
    }
  }
  std::filesystem::rename(tmp, p);
}

nlohmann::json read_manifest(const std::string& dir_or_file) {
  std::filesystem::path p(dir_or_file);
  if (std::filesystem::is_directory(p)) p /= kManifestName;
  std::ifstream in(p);
  if (!in) throw std::runtime_error("no ingest manifest at " + p.string());
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kManifestFormat)
    throw std::runtime_error(p.string() + " is not a " + std::string(kManifestFormat) + " manifest");
  return j;
}

}  // namespace crmo::imaging
