-- crmo schema 2: accounts and sessions for `crmo serve`, and the database's own
-- settings (the key that turns patient ids into pseudonyms for researchers).
CREATE TABLE users (
  name           TEXT PRIMARY KEY,
  role           TEXT NOT NULL CHECK (role IN ('admin', 'reader', 'researcher')),
  password_hash  TEXT NOT NULL,   -- libsodium crypto_pwhash_str (argon2id)
  created_at     TEXT NOT NULL
);

-- Session tokens are stored hashed: a copy of the database gives no live session.
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  user_name   TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  expires_at  BIGINT NOT NULL     -- seconds since 1970, UTC
);

CREATE TABLE settings (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
