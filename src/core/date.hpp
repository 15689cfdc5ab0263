#pragma once
// Calendar dates (ISO 8601, YYYY-MM-DD) and the age arithmetic clinical data needs.
#include <optional>
#include <string>
#include <string_view>

namespace crmo {

struct Date {
  int year = 0, month = 0, day = 0;
  auto operator<=>(const Date&) const = default;
  std::string iso() const;
  // Days since 1970-01-01 (proleptic Gregorian).
  long days_since_epoch() const;
};

// Strict YYYY-MM-DD with a real calendar day; nullopt otherwise.
std::optional<Date> parse_date(std::string_view text);
// Completed fractional years from birth to on (365.25-day years).
double years_between(const Date& birth, const Date& on);

}  // namespace crmo
