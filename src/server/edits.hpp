#pragma once
// What every handler that changes clinical data shares (routes_edit.cpp): the request
// body as an object, the 400 of bad input, and one site's grading applied to an exam
// and validated exactly as `crmo validate` reads an exam file.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/exam.hpp"
#include "server/api.hpp"

namespace crmo::server {

// 400 with every problem; the message counts them.
[[noreturn]] void bad_input(std::vector<InputProblem> problems);
// The request body, which must be a JSON object (400 otherwise).
nlohmann::json body_object(const Call& c);
// `base` with the site record of `body` (grades flat or under "grades"; "revision"
// already taken out) put on `site`, validated as crmo.exam/1; `index` is the lesion's
// place in the result. 400 with the problems placed in the body ("$.signal").
Exam with_site(const Services& s, const Exam& base, nlohmann::json body, const std::string& site, std::size_t& index);

}  // namespace crmo::server
