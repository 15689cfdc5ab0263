#include "formats/input_error.hpp"

namespace crmo {

namespace {
std::string summary(const std::vector<InputProblem>& problems) {
  std::string s;
  for (const auto& p : problems) s += p.place + ": " + p.message + "\n";
  return s;
}
}  // namespace

InputError::InputError(std::vector<InputProblem> problems)
    : std::runtime_error(summary(problems)), problems_(std::move(problems)) {}

InputError::InputError(std::string place, std::string message)
    : InputError(std::vector<InputProblem>{{std::move(place), std::move(message)}}) {}

void throw_if_any(std::vector<InputProblem> problems) {
  if (!problems.empty()) throw InputError(std::move(problems));
}

}  // namespace crmo
