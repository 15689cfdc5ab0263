#pragma once
// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, newlines inside quotes.
// Rows remember the line they start on so that errors can name it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crmo::csv {

struct Row {
  std::size_t line = 0;  // 1-based line where the row starts
  std::vector<std::string> cells;
};

struct Table {
  std::vector<std::string> header;
  std::vector<Row> rows;  // data rows, header excluded; blank lines skipped
  std::optional<std::size_t> column(std::string_view name) const;
};

// Throws InputError naming `source` and the line on malformed quoting or ragged rows.
Table parse(std::string_view text, const std::string& source);

std::string quote(std::string_view cell);
std::string format_row(const std::vector<std::string>& cells);

}  // namespace crmo::csv
