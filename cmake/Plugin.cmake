# crmo_add_plugin(NAME name SOURCES a.cpp ... LINK lib ... [PURPOSE text])
# A plugin is a shared module, libcrmo_<name>.so, written to the build tree's lib/crmo
# and loaded by src/plugins/loader on first use. Its symbols are hidden except the
# CRMO_PLUGIN_EXPORT entry points; it must resolve everything it uses at link time.
set(CRMO_PLUGIN_BUILD_DIR ${PROJECT_BINARY_DIR}/lib/crmo)
set(CRMO_PLUGIN_ABI "crmo ${PROJECT_VERSION} ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
function(crmo_add_plugin)
  cmake_parse_arguments(P "" "NAME" "SOURCES;LINK" ${ARGN})
  set(target crmo_plugin_${P_NAME})
  add_library(${target} MODULE ${P_SOURCES} ${PROJECT_SOURCE_DIR}/src/plugins/plugin_abi.cpp)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME crmo_${P_NAME} PREFIX lib
    LIBRARY_OUTPUT_DIRECTORY ${CRMO_PLUGIN_BUILD_DIR}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_definitions(${target} PRIVATE CRMO_PLUGIN_ABI="${CRMO_PLUGIN_ABI}")
  target_link_libraries(${target} PRIVATE ${P_LINK})
  # The module libraries linked in statically keep their symbols to themselves.
  target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,--exclude-libs,ALL)
  # Installed beside the command: <prefix>/bin/crmo finds them in <prefix>/lib/crmo.
  install(TARGETS ${target} LIBRARY DESTINATION lib/crmo)
endfunction()
