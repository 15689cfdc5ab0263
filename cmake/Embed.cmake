# crmo_embed(TARGET name FUNCTION fn ROOT dir FILES f1 f2 ...)
# Compiles data files into the binary so that an installed crmo needs no data path.
# Generates `std::span<const crmo::resources::Entry> crmo::resources::<fn>()`, listing
# each file under its path relative to ROOT.
function(crmo_embed)
  cmake_parse_arguments(E "" "TARGET;FUNCTION;ROOT" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${E_TARGET}_embedded.cpp)
  set(abs_files)
  foreach(f ${E_FILES})
    list(APPEND abs_files ${E_ROOT}/${f})
  endforeach()
  string(REPLACE ";" "|" files_arg "${E_FILES}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DROOT=${E_ROOT} -DFUNCTION=${E_FUNCTION}
            "-DFILES=${files_arg}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedGenerate.cmake
    DEPENDS ${abs_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedGenerate.cmake
    COMMENT "Embedding ${E_TARGET} data"
    VERBATIM)
  add_library(${E_TARGET} STATIC ${out})
  target_include_directories(${E_TARGET} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()
