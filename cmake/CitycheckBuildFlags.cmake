# Compile flags shared by every citycheck target, as an INTERFACE library.
add_library(citycheck_build_flags INTERFACE)
target_compile_features(citycheck_build_flags INTERFACE cxx_std_20)
target_compile_options(citycheck_build_flags INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
  -Woverloaded-virtual -Wpedantic -Wdouble-promotion -Wformat=2
  -Wno-missing-field-initializers  # designated initializers leave the rest defaulted on purpose
  -Wno-restrict                    # GCC 12 false positives inside std::string (PR 105329)
  -Wimplicit-fallthrough
  $<$<BOOL:${CITYCHECK_WERROR}>:-Werror>)
if(CITYCHECK_ENABLE_SANITIZERS)
  target_compile_options(citycheck_build_flags INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    -Wno-maybe-uninitialized)  # GCC 12 false positives in std::regex/std::function under ASan
  target_link_options(citycheck_build_flags INTERFACE -fsanitize=address,undefined)
endif()
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)

# Sources of a module are globbed so that parallel work on separate files never edits CMake lists.
function(citycheck_module_sources out dir)
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${dir}/*.cpp)
  set(${out} ${_srcs} PARENT_SCOPE)
endfunction()
