#!/usr/bin/env bash
# libpq is loaded only when a postgresql:// store is opened (the postgresql plugin,
# src/store/postgresql/libpq_api.hpp): crmo does not link it, the dynamic linker's own
# log (LD_DEBUG=files) shows it unloaded for other commands and loaded, through
# libcrmo_postgresql.so, for a PostgreSQL store. A plugin that cannot be loaded (here:
# a libpq.so.5 without libpq's functions first on LD_LIBRARY_PATH) is a clear error,
# exit 1, from every command and from `crmo serve`. Errors through a real PostgreSQL keep
# their exit statuses and texts. No timings.
# Usage: pg_plugin_test.sh path/to/crmo source-dir folder-with-a-fake-libpq.so.5
crmo=$1 src=$2 fake=$3
. "$src/tests/lib/checks.sh"
. "$src/tests/store/pg_server.sh"
trap 'pg_cleanup; rm -rf "$TMP"' EXIT

loaded() {  # loaded LOG FILE-NAME: the dynamic linker opened FILE-NAME
  grep -E "file=[^ ]*$2 +\[[0-9]+\]; +(dynamically loaded|needed) by" "$1" >/dev/null
}

# 1. Not linked: neither libpq nor the libraries only libpq brought in.
ldd "$crmo" >"$TMP/ldd" 2>&1
for lib in libpq.so libkrb5.so libgssapi_krb5.so libldap libsasl2.so libcrmo_postgresql; do
  if grep -q "$lib" "$TMP/ldd"; then fail "crmo links $lib: $(grep "$lib" "$TMP/ldd")"; else pass; fi
done

# 2. Commands that need no PostgreSQL never load it.
LD_DEBUG=files "$crmo" --version >"$TMP/out" 2>"$TMP/ld"
[ $? = 0 ] && pass || fail "crmo --version failed"
grep -q "file=" "$TMP/ld" && pass || fail "LD_DEBUG=files logged nothing: the check below would prove nothing"
if loaded "$TMP/ld" libpq.so.5 || loaded "$TMP/ld" libcrmo_postgresql.so; then fail "crmo --version loads libpq"; else pass; fi
LD_DEBUG=files "$crmo" import "$src/examples/exams" --db "$TMP/a.db" >"$TMP/out" 2>"$TMP/ld"
[ $? = 0 ] && pass || { fail "import into SQLite failed"; tail -5 "$TMP/ld"; }
if loaded "$TMP/ld" libpq.so.5; then fail "an SQLite import loads libpq"; else pass; fi

# 3. A postgresql:// store loads the plugin and libpq (a refused connection: exit 1).
LD_DEBUG=files "$crmo" export "$TMP/x" --db "postgresql://nobody:s3cret@127.0.0.1:1/x" >"$TMP/out" 2>"$TMP/ld"
[ $? = 1 ] && pass || fail "a refused connection: exit $?, expected 1"
loaded "$TMP/ld" libcrmo_postgresql.so && pass || fail "libcrmo_postgresql.so was not loaded"
loaded "$TMP/ld" libpq.so.5 && pass || fail "libpq.so.5 was not loaded"
contains "$TMP/ld" "cannot connect to PostgreSQL postgresql://nobody@127.0.0.1:1/x: " "refused connection message"
if grep -q s3cret "$TMP/ld"; then fail "the password shows"; else pass; fi

# 4. The plugin cannot be loaded: the loader's message, exit 1, no crash; SQLite unaffected.
expect 1 "export with a broken libpq" -- env LD_LIBRARY_PATH="$fake" "$crmo" export "$TMP/y" --db "postgresql://crmo@127.0.0.1:1/x"
contains "$TMP/err" "the crmo plugin 'postgresql' (the store on PostgreSQL, libpq) could not be loaded" "loader message"
contains "$TMP/err" "libcrmo_postgresql.so: " "the file tried"
contains "$TMP/err" "CRMO_PLUGIN_DIR" "what to do"
expect 1 "serve with a broken libpq" -- env LD_LIBRARY_PATH="$fake" timeout 60 "$crmo" serve --port 0 \
  --db "postgresql://crmo@127.0.0.1:1/x"
contains "$TMP/err" "the crmo plugin 'postgresql' (the store on PostgreSQL, libpq) could not be loaded" "serve: loader message"
expect 0 "SQLite with a broken libpq" -- env LD_LIBRARY_PATH="$fake" "$crmo" export "$TMP/z" --db "$TMP/a.db"

# 5. Through a real PostgreSQL: the same exit statuses and messages as SQLite.
start_postgresql
url=$CRMO_TEST_PG_URL
expect 0 "import into PostgreSQL" -- "$crmo" import "$src/examples/exams" --db "$url"
expect 0 "export from PostgreSQL" -- "$crmo" export "$TMP/pg-out" --db "$url"
expect 0 "export from SQLite" -- "$crmo" export "$TMP/sqlite-out" --db "$TMP/a.db"
if diff -r "$TMP/pg-out" "$TMP/sqlite-out" >"$TMP/diff"; then pass; else fail "exports differ: $(head -20 "$TMP/diff")"; fi
for db in "$url" "$TMP/a.db"; do
  printf 'correct horse battery\n' | "$crmo" user add ann --role admin --db "$db" >/dev/null 2>&1
  printf 'correct horse battery\n' | "$crmo" user add ann --role admin --db "$db" >"$TMP/out" 2>"$TMP/err.$(basename "$db")"
  [ $? = 2 ] && pass || fail "a duplicate user on $db: expected exit 2"
done
if diff "$TMP/err.$(basename "$url")" "$TMP/err.a.db" >/dev/null; then pass; else
  fail "duplicate user messages differ: $(cat "$TMP/err.$(basename "$url")") / $(cat "$TMP/err.a.db")"; fi
summary pg_plugin
