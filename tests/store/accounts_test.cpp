// Accounts and sessions on both backends: argon2id hashes, wrong passwords, expiry.
#include <thread>

#include "store_fixture.hpp"

using namespace crmo;
using namespace crmo::store;

namespace {

class AccountsTest : public crmo::store::test_support::StoreTest {};

TEST_P(AccountsTest, PasswordsAreArgon2idHashesAndWrongOnesFail) {
  auto s = open();
  s->create_user("ann", "admin", "correct horse battery");
  auto stored = s->find_user("ann");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->role, "admin");
  EXPECT_EQ(stored->password_hash.rfind("$argon2id$", 0), 0u) << stored->password_hash;
  EXPECT_EQ(stored->password_hash.find("correct horse"), std::string::npos);
  EXPECT_FALSE(stored->created_at.empty());

  auto ok = s->authenticate("ann", "correct horse battery");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->name, "ann");
  EXPECT_EQ(ok->role, "admin");
  EXPECT_FALSE(s->authenticate("ann", "correct horse batterY"));
  EXPECT_FALSE(s->authenticate("ann", ""));
  EXPECT_FALSE(s->authenticate("nobody", "correct horse battery"));
  // Two users with one password get different hashes (salted).
  s->create_user("bob", "reader", "correct horse battery");
  EXPECT_NE(s->find_user("bob")->password_hash, stored->password_hash);

  s->set_password("ann", "a new password");
  EXPECT_FALSE(s->authenticate("ann", "correct horse battery"));
  EXPECT_TRUE(s->authenticate("ann", "a new password"));
  EXPECT_THROW(s->set_password("nobody", "whatever long"), NotFoundError);
}

TEST_P(AccountsTest, BadNamesRolesAndPasswordsAreRefused) {
  auto s = open();
  EXPECT_THROW(s->create_user("ann", "superuser", "long enough"), std::invalid_argument);
  EXPECT_THROW(s->create_user("ann", "admin", "short"), std::invalid_argument);
  EXPECT_THROW(s->create_user("", "admin", "long enough"), std::invalid_argument);
  EXPECT_THROW(s->create_user("ann smith", "admin", "long enough"), std::invalid_argument);
  EXPECT_TRUE(s->users().empty());
  s->create_user("ann", "researcher", "long enough");
  EXPECT_THROW(s->create_user("ann", "reader", "long enough"), std::runtime_error);
  // The schema refuses an unknown role even through the low-level call.
  EXPECT_THROW(s->add_user({"bob", "superuser", "x", ""}), DatabaseError);
  ASSERT_EQ(s->users().size(), 1u);
  EXPECT_EQ(s->users()[0].role, "researcher");
  EXPECT_TRUE(s->users()[0].password_hash.empty());  // listings carry no hashes
}

TEST_P(AccountsTest, SessionsExpireAndEnd) {
  auto s = open();
  s->create_user("rita", "reader", "long enough");
  auto session = s->start_session("rita", 3600);
  EXPECT_EQ(session.token.size(), 64u);
  EXPECT_EQ(session.role, "reader");
  EXPECT_GT(session.expires_at, unix_now() + 3590);
  auto who = s->user_for_token(session.token);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->name, "rita");
  EXPECT_EQ(who->role, "reader");
  // The database holds the token's hash, never the token.
  auto rows = s->connection().query("SELECT token_hash FROM sessions");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows.rows[0][0].value(), session.token);
  // Expiry: valid one second before, invalid at the expiry time and after.
  EXPECT_TRUE(s->user_for_token(session.token, session.expires_at - 1));
  EXPECT_FALSE(s->user_for_token(session.token, session.expires_at));
  EXPECT_FALSE(s->user_for_token(session.token, session.expires_at + 86400));
  // A session of one second is over two seconds later.
  auto brief = s->start_session("rita", 1);
  EXPECT_TRUE(s->user_for_token(brief.token, brief.expires_at - 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_FALSE(s->user_for_token(brief.token));
  // Unknown, empty and ended tokens.
  EXPECT_FALSE(s->user_for_token(""));
  EXPECT_FALSE(s->user_for_token(std::string(64, 'a')));
  s->end_session(session.token);
  EXPECT_FALSE(s->user_for_token(session.token));
  // A new password logs the user out everywhere.
  auto again = s->start_session("rita", 3600);
  s->set_password("rita", "another long one");
  EXPECT_FALSE(s->user_for_token(again.token));
  EXPECT_THROW(s->start_session("nobody", 60), NotFoundError);
}

TEST_P(AccountsTest, SettingsKeepTheirFirstValue) {
  auto s = open();
  EXPECT_EQ(s->setting("k", "first"), "first");
  EXPECT_EQ(s->setting("k", "second"), "first");
  EXPECT_EQ(open()->setting("k", "third"), "first");
}

CRMO_STORE_BACKENDS(AccountsTest);

}  // namespace
