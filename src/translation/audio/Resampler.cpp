#include "translation/audio/Resampler.hpp"

#include <soxr.h>

#include <stdexcept>
#include <string>

namespace jb::translation {

void Resampler::Deleter::operator()(soxr* resampler) const {
  soxr_delete(resampler);
}

Resampler::Resampler(int inRate, int outRate) : inRate_(inRate), outRate_(outRate) {
  if (inRate <= 0 || outRate <= 0) {
    throw std::invalid_argument("bad resampler rates " + std::to_string(inRate) + "->" +
                                std::to_string(outRate));
  }
  soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
  // Plain rounding, not soxr's default TPDF dither: the output then depends only on the input (not on
  // how it was chunked), and dither's masking of quantization in quiet passages is of no use to a
  // recognizer or to Opus.
  io.flags |= SOXR_NO_DITHER;
  // SOXR_MQ: 16-bit precision with a 95% passband. For 48k->16k that keeps everything below about
  // 7.6 kHz, above pocketsphinx's top mel filter (6.8 kHz), while SOXR_LQ's 80% passband (6.4 kHz)
  // would cut into it. MQ costs a few microseconds per 20 ms frame, so hundreds of streams fit in
  // one core; HQ/VHQ buy precision that 16-bit speech cannot use.
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_MQ, 0);
  // One thread per resampler: streams are already spread over the workers, and soxr's own
  // threading would fight them for cores.
  soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_error_t error = nullptr;
  soxr_.reset(soxr_create(inRate, outRate, 1, &error, &io, &quality, &runtime));
  if (error || !soxr_) throw std::runtime_error(std::string("soxr_create: ") + (error ? error : "failed"));
}

Resampler::~Resampler() = default;

std::vector<int16_t> Resampler::process(std::span<const int16_t> input) {
  // A null input pointer means end-of-stream to soxr, so an empty chunk must not reach it.
  if (input.empty()) return {};
  return run(input.data(), input.size());
}

std::vector<int16_t> Resampler::flush() {
  std::vector<int16_t> tail = run(nullptr, 0);
  soxr_clear(soxr_.get());
  return tail;
}

std::vector<int16_t> Resampler::run(const int16_t* input, size_t count) {
  size_t chunk = count * static_cast<size_t>(outRate_) / static_cast<size_t>(inRate_) + 64;
  std::vector<int16_t> out;
  size_t consumed = 0;
  for (;;) {
    size_t written = out.size();
    out.resize(written + chunk);
    size_t used = 0;
    size_t made = 0;
    soxr_error_t error = soxr_process(soxr_.get(), input ? input + consumed : nullptr, count - consumed,
                                      &used, out.data() + written, chunk, &made);
    if (error) throw std::runtime_error(std::string("soxr_process: ") + error);
    consumed += used;
    out.resize(written + made);
    // Done once all input is taken and soxr left room in the buffer, i.e. had nothing more to give.
    // At end of stream soxr may hand the tail out over several calls, so drain until it is empty.
    if (consumed == count && (input ? made < chunk : made == 0)) break;
  }
  return out;
}

PcmAudio resample(const PcmAudio& audio, int outRate) {
  if (audio.sampleRate == outRate) return audio;
  Resampler resampler(audio.sampleRate, outRate);
  PcmAudio out{outRate, resampler.process(audio.samples)};
  std::vector<int16_t> tail = resampler.flush();
  out.samples.insert(out.samples.end(), tail.begin(), tail.end());
  return out;
}

}  // namespace jb::translation
