# Compiles GLSL to SPIR-V at build time and embeds it: glslc -mfmt=c writes a C initializer list, which
# C++ code includes into a `static const uint32_t kX[] = #include "...inc";`. No shader files at run time.
#
# mnemo_add_shader_library(<target> SOURCES <file>...)
# creates an INTERFACE target whose include directory holds <relative path>.inc for each source.
function(mnemo_add_shader_library target)
    cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
    set(out_root ${CMAKE_CURRENT_BINARY_DIR}/${target}_spv)
    set(outputs)
    foreach(src IN LISTS ARG_SOURCES)
        set(abs ${CMAKE_CURRENT_SOURCE_DIR}/${src})
        set(out ${out_root}/${src}.inc)
        get_filename_component(out_dir ${out} DIRECTORY)
        add_custom_command(
            OUTPUT ${out}
            COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
            COMMAND Vulkan::glslc --target-env=vulkan1.1 -O -mfmt=c -MD -MF ${out}.d ${abs} -o ${out}
            DEPENDS ${abs}
            DEPFILE ${out}.d
            COMMENT "glslc ${src}"
            VERBATIM)
        list(APPEND outputs ${out})
    endforeach()
    add_custom_target(${target}_compile DEPENDS ${outputs})
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${out_root})
    add_dependencies(${target} ${target}_compile)
endfunction()
