#pragma once

#include <string>
#include <string_view>

namespace jb::translation {

// Plain text <-> Apertium stream format. No deformatter runs in our pipelines, so reserved
// characters are escaped here, and marks the engine leaves in its output are removed.

// Backslash before each of \ [ ] { } ^ $ / @ < > * ~ #, control characters become spaces (a NUL
// would end the request early).
std::string escapeApertium(std::string_view text);

// Removes backslash escapes, drops unknown-word marks (* # @ at the start of a word) unless the
// source itself used that character, and trims surrounding whitespace.
std::string unescapeApertium(std::string_view output, std::string_view source);

}  // namespace jb::translation
