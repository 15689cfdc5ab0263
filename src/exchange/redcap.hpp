#pragma once
// REDCap (docs/exchange.md, "REDCap"): a data dictionary with two instruments, `exam`
// (one per record; the record is the exam) and `lesion` (a repeating instrument, one
// instance per graded site), records as REDCap's flat CSV export (raw values, with
// redcap_repeat_instrument and redcap_repeat_instance), and the import of such an
// export back into exams, losslessly, with every problem placed by file, line and column.
#include <string>
#include <vector>

#include "core/atlas.hpp"
#include "core/exam.hpp"
#include "core/scheme.hpp"

namespace crmo::exchange {

// The data dictionary CSV (REDCap's 18 columns) for the scheme's grade items.
std::string redcap_dictionary_csv(const Scheme& scheme);

// The records as a REDCap raw CSV export (import it with REDCap's Data Import Tool).
std::string redcap_records_csv(const std::vector<Exam>& exams, const Scheme& scheme);

// Reads a REDCap raw CSV export; validates every exam. Throws InputError listing every
// problem as "<source> line N, column C". `source` names the file in messages.
std::vector<Exam> read_redcap_records(const std::string& text, const std::string& source, const Atlas& atlas,
                                      const Scheme& scheme);

}  // namespace crmo::exchange
