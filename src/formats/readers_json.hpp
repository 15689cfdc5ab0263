#pragma once
// JSON of the readers' results (docs/readers.md): `crmo agreement --json`,
// `crmo consensus --json`, and the adjudication file (`crmo.adjudication/1`) that
// `crmo consensus` writes for the disagreements and reads back once a person has chosen.
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/atlas.hpp"
#include "core/readers/agreement.hpp"
#include "core/readers/consensus.hpp"
#include "core/scheme.hpp"

namespace crmo {

nlohmann::ordered_json agreement_to_json(const readers::AgreementReport& report);
nlohmann::ordered_json kappa_to_json(const readers::KappaCell& cell);

// The consensus summary: counts and every disagreement with both gradings.
nlohmann::ordered_json consensus_to_json(const readers::ConsensusResult& result, const std::string& reader_a,
                                         const std::string& reader_b);

// The adjudication worksheet: each pending disagreement with both gradings and
// "choice": null for the adjudicator to set ("a", "b", "normal", or "grading" with a
// "grading" site record).
nlohmann::ordered_json adjudication_worksheet(const readers::ConsensusResult& result, const std::string& reader_a,
                                              const std::string& reader_b);

// Reads an adjudication file; each decision's grading is checked as a site record of the
// exam format. Throws InputError listing every problem with its JSON path. `exam_id`,
// when the file names one, must match.
std::map<std::string, readers::Decision> read_adjudication_json(std::string_view text, const std::string& source,
                                                                const std::string& exam_id, const Atlas& atlas,
                                                                const Scheme& scheme);

}  // namespace crmo
