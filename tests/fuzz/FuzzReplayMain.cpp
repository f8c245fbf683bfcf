// Stand-in for libFuzzer when building with gcc (JB_FUZZ=OFF): feeds deterministic pseudo-random
// inputs and mutations of valid seeds through LLVMFuzzerTestOneInput so every ctest run smoke-tests
// the parsers. Usage:
//   fuzz_<name>                       run the built-in smoke campaign
//   fuzz_<name> PATH...               replay files, or every file in a directory (e.g. crash-* written
//                                     by libFuzzer, tests/fuzz/regressions/<name>)
//   fuzz_<name> --smoke PATH...       replay (a missing PATH counts as empty), then run the smoke
//                                     campaign: ctest fuzz_smoke_<name> passes its regressions directory
//   fuzz_<name> --dump-seeds DIR      write the seeds as a starting corpus for libFuzzer

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#include "FuzzSeeds.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr int kRandomInputs = 20000;
constexpr int kMutationsPerSeed = 2000;
constexpr size_t kMaxRandomSize = 1500;

// splitmix64: tiny, deterministic across platforms.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  uint8_t byte() { return static_cast<uint8_t>(next()); }

 private:
  uint64_t state_;
};

void run(const std::vector<uint8_t>& input) {
  LLVMFuzzerTestOneInput(input.data(), input.size());
}

std::vector<uint8_t> randomInput(Rng& rng) {
  // Mostly short inputs: that is where header parsing lives.
  const size_t size = rng.below(4) == 0 ? rng.below(kMaxRandomSize) : rng.below(64);
  std::vector<uint8_t> out(size);
  for (auto& b : out) b = rng.byte();
  return out;
}

std::vector<uint8_t> mutate(std::vector<uint8_t> in, const std::vector<std::vector<uint8_t>>& seeds,
                            Rng& rng) {
  static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x0f};
  const size_t ops = 1 + rng.below(6);
  for (size_t op = 0; op < ops; ++op) {
    switch (rng.below(7)) {
      case 0:
        if (!in.empty()) in[rng.below(in.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
        break;
      case 1:
        if (!in.empty()) in[rng.below(in.size())] = rng.byte();
        break;
      case 2:
        if (!in.empty()) in[rng.below(in.size())] = kInteresting[rng.below(std::size(kInteresting))];
        break;
      case 3:
        in.resize(rng.below(in.size() + 1));
        break;
      case 4: {
        const size_t at = rng.below(in.size() + 1);
        std::vector<uint8_t> extra(1 + rng.below(16));
        for (auto& b : extra) b = rng.byte();
        in.insert(in.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
        break;
      }
      case 5: {  // splice another seed's tail on
        const auto& other = seeds[rng.below(seeds.size())];
        const size_t from = rng.below(other.size() + 1);
        in.resize(rng.below(in.size() + 1));
        in.insert(in.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
      default:
        if (in.size() >= 2) {  // 16-bit length-ish fields are the usual suspects
          const size_t at = rng.below(in.size() - 1);
          in[at] = rng.byte();
          in[at + 1] = rng.byte();
        }
        break;
    }
  }
  return in;
}

#ifndef JB_FUZZ_SEEDS
#error "compile with -DJB_FUZZ_SEEDS=<the target's seed function in FuzzSeeds.hpp>"
#endif

jb::fuzz::Seeds targetSeeds() {
  return jb::fuzz::JB_FUZZ_SEEDS();
}

int dumpSeeds(const std::string& dir) {
  const auto seeds = targetSeeds();
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(dir + "/seed_" + std::to_string(i), std::ios::binary);
    out.write(reinterpret_cast<const char*>(seeds[i].data()), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) return 1;
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
  return 0;
}

// Replays one file, or every regular file under a directory in name order. Returns the count, -1 on error.
int replay(const std::filesystem::path& path, bool missingIsEmpty) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (missingIsEmpty) return 0;
    std::fprintf(stderr, "no such file or directory: %s\n", path.c_str());
    return -1;
  }
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(path, ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return -1;
    }
    run(std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {}));
  }
  return static_cast<int>(files.size());
}

int smokeCampaign() {
  Rng rng(0x4a42'43616c6c);  // fixed: the campaign is identical on every run
  const auto seeds = targetSeeds();
  size_t executed = 0;
  for (const auto& seed : seeds) {
    run(seed);
    ++executed;
  }
  for (int i = 0; i < kRandomInputs; ++i, ++executed) run(randomInput(rng));
  for (const auto& seed : seeds) {
    for (int i = 0; i < kMutationsPerSeed; ++i, ++executed) run(mutate(seed, seeds, rng));
  }
  std::printf("executed %zu inputs (%zu seeds) without a crash\n", executed, seeds.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--dump-seeds") == 0) return dumpSeeds(argv[2]);
  int first = 1;
  const bool smoke = argc == 1 || std::strcmp(argv[1], "--smoke") == 0;
  if (argc > 1 && std::strcmp(argv[1], "--smoke") == 0) first = 2;
  int replayed = 0;
  for (int i = first; i < argc; ++i) {
    const int n = replay(argv[i], smoke);
    if (n < 0) return 1;
    replayed += n;
  }
  if (argc > first) std::printf("replayed %d files\n", replayed);
  return smoke ? smokeCampaign() : 0;
}
