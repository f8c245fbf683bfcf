#include "signaling/StaticFiles.hpp"

#include <map>

namespace jb::signaling {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) : root_(fs::weakly_canonical(std::move(root))) {}

bool StaticFiles::available() const {
  return fs::is_regular_file(root_ / "index.html");
}

std::string contentTypeFor(const fs::path& path) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
  };
  auto it = types.find(path.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

std::optional<StaticFiles::File> StaticFiles::resolve(const std::string& target) const {
  std::string path = target.substr(0, target.find_first_of("?#"));
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos) return std::nullopt;
  // Reject any parent reference before touching the filesystem.
  if (path.find("..") != std::string::npos) return std::nullopt;
  fs::path candidate = fs::weakly_canonical(root_ / path.substr(1));
  auto rel = candidate.lexically_relative(root_);
  bool inside = !rel.empty() && *rel.begin() != "..";
  if (inside && fs::is_regular_file(candidate))
    return File{candidate, contentTypeFor(candidate), path.starts_with("/assets/")};
  fs::path index = root_ / "index.html";
  if (!fs::is_regular_file(index)) return std::nullopt;
  return File{index, contentTypeFor(index), false};
}

}  // namespace jb::signaling
