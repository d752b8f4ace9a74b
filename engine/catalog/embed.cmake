# Generates a .cpp that embeds every catalogue YAML file, so an installed binary needs no source tree.
# Usage: cmake -DDIR=<catalog folder> -DOUT=<generated .cpp> -P embed.cmake
file(GLOB _files ${DIR}/*.yaml)
list(SORT _files)
set(_body "")
foreach(_f IN LISTS _files)
  get_filename_component(_name ${_f} NAME)
  file(READ ${_f} _text)
  string(APPEND _body "        {\"${_name}\", R\"citycheck_yaml(${_text})citycheck_yaml\"},\n")
endforeach()
set(_content "// Generated from engine/catalog/*.yaml by engine/catalog/embed.cmake. Do not edit.
#include <citycheck/engine/catalog.hpp>

namespace citycheck::engine {

const std::vector<std::pair<std::string, std::string>>& embedded_catalog_files() {
    static const std::vector<std::pair<std::string, std::string>> files = {
${_body}    };
    return files;
}

}  // namespace citycheck::engine
")
# Only touch the output when it changes, so unrelated reconfigures do not rebuild the engine.
if(EXISTS ${OUT})
  file(READ ${OUT} _old)
  if(_old STREQUAL _content)
    return()
  endif()
endif()
file(WRITE ${OUT} "${_content}")
