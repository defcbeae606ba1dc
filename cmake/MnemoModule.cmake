# mnemo_add_module(<target> SOURCES ... [SHADERS ...])
# Builds an engine module: a shared library behind plugins/include/mnemo/module.h, named lib<target>.so in
# <build>/plugins where the loader looks by default. Modules link the ABI header only, never the engine.
set(MNEMO_MODULE_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)

function(mnemo_add_module target)
    cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;SHADERS" ${ARGN})
    if(NOT ARG_OUTPUT_DIR)
        set(ARG_OUTPUT_DIR ${MNEMO_MODULE_OUTPUT_DIR})
    endif()
    add_library(${target} MODULE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE mnemo_module_abi)
    set_target_properties(${target} PROPERTIES
        LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR}
        C_VISIBILITY_PRESET hidden
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
    # A module must resolve every symbol at link time; a missing one would otherwise surface only in dlopen. Not in
    # sanitizer builds: clang leaves the sanitizer runtime out of shared libraries (the executable provides it).
    if(MNEMO_SANITIZE STREQUAL "")
        target_link_options(${target} PRIVATE -Wl,--no-undefined)
    endif()
    if(ARG_SHADERS)
        mnemo_add_shader_library(${target}_shaders SOURCES ${ARG_SHADERS})
        target_link_libraries(${target} PRIVATE ${target}_shaders)
    endif()
endfunction()
