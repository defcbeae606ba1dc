# engine/ must build, run and be tested without Qt (it serves the headless CLI).
# Two guards make that a build error rather than a convention:
#   1. mnemo_assert_no_qt_link(<target>) fails the configure if the target links anything named Qt*.
#   2. mnemo_add_no_qt_include_check(<target> <dir>) scans <dir> before every build of <target>
#      and fails the build, naming the file, if any source includes a Qt header.
function(mnemo_assert_no_qt_link target)
    get_target_property(libs ${target} LINK_LIBRARIES)
    get_target_property(ilibs ${target} INTERFACE_LINK_LIBRARIES)
    foreach(lib IN LISTS libs ilibs)
        if(lib MATCHES "Qt[0-9]*::|^Qt|libQt")
            message(FATAL_ERROR "${target} must not link Qt, but links '${lib}'")
        endif()
    endforeach()
endfunction()

function(mnemo_add_no_qt_include_check target dir)
    set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${target}_no_qt.stamp)
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.hpp ${dir}/*.cpp ${dir}/*.h ${dir}/*.c)
    add_custom_command(
        OUTPUT ${stamp}
        COMMAND ${CMAKE_COMMAND} -DSCAN_DIR=${dir} -DSTAMP=${stamp} -P ${PROJECT_SOURCE_DIR}/cmake/ScanForQtIncludes.cmake
        DEPENDS ${sources} ${PROJECT_SOURCE_DIR}/cmake/ScanForQtIncludes.cmake
        COMMENT "Checking that ${dir} includes no Qt header"
        VERBATIM)
    add_custom_target(${target}_no_qt_check DEPENDS ${stamp})
    add_dependencies(${target} ${target}_no_qt_check)
endfunction()
