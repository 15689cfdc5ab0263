// Errors from the database reach the store's callers as DatabaseError with the same text
// on every build: on PostgreSQL they come from the postgresql plugin (libpq), and the
// messages are those of pg_connection.cpp before libpq moved there: "PostgreSQL: " +
// the server's primary message + " (SQLSTATE xxxxx)" [+ " in: " + the statement], never
// the DETAIL line. The primary messages and SQLSTATEs are PostgreSQL's own (Appendix A of
// its manual: 42601 syntax_error, 23505 unique_violation, 42P01 undefined_table).
#include <string>

#include "store_fixture.hpp"

namespace {

using crmo::store::DatabaseError;

class BackendErrorsTest : public crmo::store::test_support::StoreTest {};

// The message of the DatabaseError `fn` throws (caught as DatabaseError: the type the
// store's callers catch), or "no error" / "other: ..." when it throws something else.
template <class F>
std::string database_error(F&& fn) {
  try {
    fn();
  } catch (const DatabaseError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("other: ") + e.what();
  }
  return "no error";
}

TEST_P(BackendErrorsTest, FailingStatementsThrowDatabaseError) {
  auto c = crmo::store::connect(location_);
  const std::string bad = "SELEC 1";
  std::string m = database_error([&] { c->query(bad); });
  if (sqlite()) {
    EXPECT_EQ(m.rfind("SQLite: ", 0), 0u) << m;
  } else {
    EXPECT_EQ(m, "PostgreSQL: syntax error at or near \"SELEC\" (SQLSTATE 42601) in: SELEC 1");
    // A script says no statement.
    m = database_error([&] { c->script("SELECT 1; SELEC 2"); });
    EXPECT_EQ(m, "PostgreSQL: syntax error at or near \"SELEC\" (SQLSTATE 42601)");
    m = database_error([&] { c->query("SELECT * FROM no_such_table WHERE x = :x", {{"x", std::int64_t(1)}}); });
    EXPECT_EQ(m,
              "PostgreSQL: relation \"no_such_table\" does not exist (SQLSTATE 42P01) in: "
              "SELECT * FROM no_such_table WHERE x = :x");
  }
  // The connection serves on after an error.
  auto rows = c->query("SELECT 40 + :n AS v", {{"n", std::int64_t(2)}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.rows[0][0], "42");
  // PostgreSQL: a parameter without a value is caught before the server sees the
  // statement (SQLite binds NULL).
  if (!sqlite()) {
    EXPECT_EQ(database_error([&] { c->query("SELECT :a", {}); }), "no value for parameter :a in: SELECT :a");
  }
}

TEST_P(BackendErrorsTest, UniqueViolationNamesTheConstraintButNoRowValues) {
  auto c = crmo::store::connect(location_);
  c->script("CREATE TABLE patient_t (patient_id TEXT PRIMARY KEY, note TEXT)");
  const std::string insert = "INSERT INTO patient_t (patient_id, note) VALUES (:id, :note)";
  std::int64_t changed = -1;
  c->query(insert, {{"id", std::string("PAT-SECRET-7")}, {"note", std::monostate{}}}, &changed);
  EXPECT_EQ(changed, 1);
  // Inside a transaction, as the store writes: the error rolls everything back.
  std::string m = database_error([&] {
    crmo::store::in_transaction(*c, [&] {
      c->query(insert, {{"id", std::string("PAT-OTHER")}, {"note", std::string("x")}});
      c->query(insert, {{"id", std::string("PAT-SECRET-7")}, {"note", std::string("y")}});
    });
  });
  EXPECT_EQ(m.find("PAT-SECRET-7"), std::string::npos) << "a row value shows: " << m;
  if (sqlite()) {
    EXPECT_NE(m.find("UNIQUE constraint failed"), std::string::npos) << m;
  } else {
    EXPECT_EQ(m, "PostgreSQL: duplicate key value violates unique constraint \"patient_t_pkey\" (SQLSTATE 23505) in: " +
                     insert);
  }
  auto rows = c->query("SELECT patient_id, note FROM patient_t ORDER BY patient_id");
  ASSERT_EQ(rows.size(), 1u) << "the transaction was not rolled back";
  EXPECT_EQ(rows.rows[0][0], "PAT-SECRET-7");
  EXPECT_EQ(rows.rows[0][1], std::nullopt);
  c->query("UPDATE patient_t SET note = :note", {{"note", 2.5}}, &changed);
  EXPECT_EQ(changed, 1);
}

CRMO_STORE_BACKENDS(BackendErrorsTest);

}  // namespace
