// Compiled into every plugin: the loader refuses a plugin built by another crmo.
#include "plugins/plugin_export.hpp"

CRMO_PLUGIN_EXPORT const char* crmo_plugin_abi() { return CRMO_PLUGIN_ABI; }
