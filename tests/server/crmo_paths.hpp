#pragma once
// The crmo binary and the source tree the server tests run against, from their command
// line (crmo_test_main.cpp: TEST_BINARY CRMO SOURCE_DIR).
#include <string>

extern std::string g_crmo, g_source;
