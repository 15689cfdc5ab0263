#pragma once
// Who is calling: the bearer token of a request, checked against the store's sessions
// (store/accounts.cpp keeps argon2id password hashes and only hashes of the tokens).
#include <cstdint>
#include <string>

#include "server/api.hpp"

namespace crmo::server {

std::string iso_from_unix(std::int64_t seconds);

// The caller of a request from its "Authorization: Bearer <token>" header; throws
// HttpError 401 when missing, malformed, unknown or expired.
Caller authenticate(Services& s, Call& call);

// Checks a new account's fields; throws InputError naming each bad one ("$.name"...).
void check_new_user(const std::string& name, const std::string& role, const std::string& password,
                    const std::string& where);

}  // namespace crmo::server
