# Test helpers: every test is a Qt Test executable registered with CTest.
#
# The Vulkan ICD is chosen here, through the environment of each test, so that a plain `ctest` on a machine with a
# GPU still tests what CI tests (Mesa lavapipe). Set MNEMO_TEST_ICD=system to test the machine's own driver.
set(MNEMO_TEST_ICD "" CACHE STRING "Vulkan ICD json for tests ('' = Mesa lavapipe, 'system' = loader default)")
if(MNEMO_TEST_ICD STREQUAL "")
    file(GLOB _lvp_icds /usr/share/vulkan/icd.d/lvp_icd.*.json)
    list(GET _lvp_icds 0 _lvp_icd)
    set(_icd_env "VK_DRIVER_FILES=${_lvp_icd}")
elseif(MNEMO_TEST_ICD STREQUAL "system")
    set(_icd_env "")
else()
    set(_icd_env "VK_DRIVER_FILES=${MNEMO_TEST_ICD}")
endif()
set(MNEMO_TEST_ARTIFACTS_DIR ${CMAKE_BINARY_DIR}/test-artifacts)
file(MAKE_DIRECTORY ${MNEMO_TEST_ARTIFACTS_DIR})

# mnemo_add_test(<name> SOURCES ... LIBS ... LABELS ... [ENV ...] [WRAPPER cmd...])
function(mnemo_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV;WRAPPER" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests) # support/: what tests share
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
    target_compile_definitions(${name} PRIVATE
        MNEMO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        MNEMO_BINARY_DIR="${CMAKE_BINARY_DIR}"
        MNEMO_TEST_ARTIFACTS_DIR="${MNEMO_TEST_ARTIFACTS_DIR}")
    add_test(NAME ${name} COMMAND ${ARG_WRAPPER} $<TARGET_FILE:${name}>)
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES
        LABELS "${ARG_LABELS}"
        TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "${_icd_env};XDG_RUNTIME_DIR=${CMAKE_BINARY_DIR}/xdg-runtime;${ARG_ENV}")
endfunction()
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/xdg-runtime)
file(CHMOD ${CMAKE_BINARY_DIR}/xdg-runtime DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
