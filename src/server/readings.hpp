#pragma once
// Several readers per exam over the API (issue 7, docs/readers.md, docs/server.md):
// each reader's own reading, blinded mode, consensus and calibration.
#include <optional>
#include <string>
#include <vector>

#include "core/exam.hpp"
#include "server/api.hpp"

namespace crmo::server {

// --- blinded mode (`crmo serve --blinded`), blinded.cpp -------------------------------
// True for a reader while the server runs blinded: such a reader sees only their own
// readings, no other reader's, no prior exams of the patient, no clinical measures.
bool blinded_reader(const Services& s, const Caller& caller);
// The routes a blinded reader may call at all (sign-in, reference data, the worklist,
// one exam, its score, the readings routes, which check the reader themselves). Every
// other route, present or future, answers 403 to a blinded reader.
bool open_to_blinded_readers(const Route& route);
// What those routes answer a blinded reader: the reader's own reading only.
Reply blinded_worklist(Services& s, const Call& c);
Reply blinded_exam(Services& s, const Call& c);
Reply blinded_score(Services& s, const Call& c);

// --- readings ---------------------------------------------------------------------------
// One reading as an exam: the exam (as the caller may see it) with the reading's
// gradings, reader and, where it has its own, clinical measures.
Exam reading_as_exam(const Exam& shown, const store::Reading& reading);
// The reference of a calibration: the exam's consensus reading (reader "consensus"
// first, else the first consensus reading), or none.
const store::Reading* reference_reading(const std::vector<store::Reading>& readings);

// Registered from api.cpp: routes_readings.cpp adds the readings and consensus routes
// and routes_calibration.cpp's.
void add_calibration_routes(std::vector<Route>& routes, Services& s);

}  // namespace crmo::server
