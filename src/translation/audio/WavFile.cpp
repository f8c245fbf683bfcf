#include "translation/audio/WavFile.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace jb::translation {
namespace {

uint32_t readLe32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
uint16_t readLe16(const uint8_t* p) {
  return uint16_t(p[0] | p[1] << 8);
}

void putLe32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void putLe16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}

}  // namespace

PcmAudio readWav(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto fail = [&](const char* what) { throw std::runtime_error(path.string() + ": " + what); };
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "RIFF", 4) != 0 ||
      std::memcmp(bytes.data() + 8, "WAVE", 4) != 0) {
    fail("not a RIFF/WAVE file");
  }
  int channels = 0;
  PcmAudio audio;
  // Chunks are walked rather than assumed at fixed offsets: flite and sox both add chunks.
  size_t pos = 12;
  while (pos + 8 <= bytes.size()) {
    const uint8_t* chunk = bytes.data() + pos;
    uint32_t size = readLe32(chunk + 4);
    size_t body = pos + 8;
    if (size > bytes.size() - body) size = static_cast<uint32_t>(bytes.size() - body);  // truncated writer
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      if (size < 16) fail("short fmt chunk");
      if (readLe16(chunk + 8) != 1 || readLe16(chunk + 22) != 16) fail("only 16-bit PCM is supported");
      channels = readLe16(chunk + 10);
      audio.sampleRate = static_cast<int>(readLe32(chunk + 12));
      if (channels < 1) fail("no channels");
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (channels == 0) fail("data before fmt");
      size_t frames = size / (2 * static_cast<size_t>(channels));
      audio.samples.resize(frames);
      for (size_t i = 0; i < frames; ++i) {
        int sum = 0;
        for (int c = 0; c < channels; ++c) {
          sum += static_cast<int16_t>(readLe16(bytes.data() + body + (i * channels + c) * 2));
        }
        audio.samples[i] = static_cast<int16_t>(sum / channels);
      }
      return audio;
    }
    pos = body + size + (size & 1);
  }
  fail("no data chunk");
  return audio;
}

void writeWav(const std::filesystem::path& path, const PcmAudio& audio) {
  std::string out;
  uint32_t dataBytes = static_cast<uint32_t>(audio.samples.size() * 2);
  out += "RIFF";
  putLe32(out, 36 + dataBytes);
  out += "WAVEfmt ";
  putLe32(out, 16);
  putLe16(out, 1);  // PCM
  putLe16(out, 1);  // mono
  putLe32(out, static_cast<uint32_t>(audio.sampleRate));
  putLe32(out, static_cast<uint32_t>(audio.sampleRate) * 2);
  putLe16(out, 2);
  putLe16(out, 16);
  out += "data";
  putLe32(out, dataBytes);
  for (int16_t s : audio.samples) putLe16(out, static_cast<uint16_t>(s));
  std::ofstream file(path, std::ios::binary);
  if (!file.write(out.data(), static_cast<std::streamsize>(out.size()))) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

}  // namespace jb::translation
