#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace jb::signaling {

// Maps a request target to a file under the built web app. Unknown paths fall back to index.html so
// that room links (/r/<id>) load the single-page app. Never resolves outside `root`.
class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  struct File {
    std::filesystem::path path;
    std::string contentType;
    bool immutable;  // hashed asset names from Vite can be cached forever
  };
  std::optional<File> resolve(const std::string& target) const;
  bool available() const;

 private:
  std::filesystem::path root_;
};

std::string contentTypeFor(const std::filesystem::path& path);

}  // namespace jb::signaling
