// A plugin left by another build of crmo: the loader must refuse it.
extern "C" __attribute__((visibility("default"))) const char* crmo_plugin_abi() { return "crmo 0.0.0 elsewhere"; }
extern "C" __attribute__((visibility("default"))) int crmo_other_entry() { return 42; }
