#pragma once
// Plugins are built with hidden symbols; their entry points say so explicitly.
#define CRMO_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
