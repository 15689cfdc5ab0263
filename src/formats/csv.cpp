#include "formats/csv.hpp"

#include <fmt/format.h>

#include "formats/input_error.hpp"

namespace crmo::csv {

std::optional<std::size_t> Table::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

Table parse(std::string_view text, const std::string& source) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // spreadsheet BOM
  std::vector<Row> rows;
  std::vector<InputProblem> problems;
  std::size_t i = 0, line = 1;
  while (i < text.size()) {
    Row row{line, {}};
    std::string cell;
    bool row_done = false;
    while (!row_done) {
      cell.clear();
      if (i < text.size() && text[i] == '"') {
        std::size_t start_line = line;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') { cell += '"'; ++i; }
            else { closed = true; break; }
          } else {
            if (c == '\n') ++line;
            cell += c;
          }
        }
        if (!closed) {
          throw InputError(fmt::format("{} line {}", source, start_line),
                           "unterminated quoted field: expected a closing \"");
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          problems.push_back({fmt::format("{} line {}", source, line), "text after a closing quote; expected , or end of line"});
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') ++i;
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') cell += text[i++];
      }
      row.cells.push_back(cell);
      if (i >= text.size()) row_done = true;
      else if (text[i] == ',') ++i;
      else {
        if (text[i] == '\r') ++i;
        if (i < text.size() && text[i] == '\n') ++i;
        ++line;
        row_done = true;
      }
    }
    bool blank = row.cells.size() == 1 && row.cells[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  throw_if_any(problems);
  Table t;
  if (rows.empty()) throw InputError(source, "empty file: expected a header row");
  t.header = rows.front().cells;
  for (auto& h : t.header) {
    while (!h.empty() && (h.back() == ' ')) h.pop_back();
    while (!h.empty() && (h.front() == ' ')) h.erase(h.begin());
  }
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].cells.size() != t.header.size())
      problems.push_back({fmt::format("{} line {}", source, rows[r].line),
                          fmt::format("expected {} cells as in the header, got {}", t.header.size(), rows[r].cells.size())});
    t.rows.push_back(std::move(rows[r]));
  }
  throw_if_any(problems);
  return t;
}

std::string quote(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos && !cell.starts_with(' ') && !cell.ends_with(' '))
    return std::string(cell);
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string format_row(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += quote(cells[i]);
  }
  return out + '\n';
}

}  // namespace crmo::csv
