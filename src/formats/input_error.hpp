#pragma once
// Bad input, with every problem found in one pass and its place in the input.
#include <stdexcept>
#include <string>
#include <vector>

namespace crmo {

struct InputProblem {
  std::string place;    // "exams.csv line 4, column exam_date" or "P017.json: $.lesions[2].signal"
  std::string message;  // what was found and what was expected
};

class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<InputProblem> problems);
  InputError(std::string place, std::string message);
  const std::vector<InputProblem>& problems() const { return problems_; }

 private:
  std::vector<InputProblem> problems_;
};

// Throws InputError when `problems` is not empty.
void throw_if_any(std::vector<InputProblem> problems);

}  // namespace crmo
