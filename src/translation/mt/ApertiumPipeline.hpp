#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace jb::translation {

// One persistent chain of Apertium programs (lt-proc | apertium-tagger | ... ) for one direction.
// Starting the chain costs ~100 ms of dictionary loading; a sentence through a warm chain costs
// ~1-2 ms, so the chain lives as long as this object. Every program runs with -z: a NUL after a
// sentence makes each stage flush, so the NUL coming out of the last stage ends the answer.
//
// Calls are serialised. A chain with a dead program is restarted and the sentence retried once;
// a chain that does not answer within the timeout is killed and restarted, and the call throws.
class ApertiumPipeline {
 public:
  using Command = std::vector<std::string>;
  static constexpr std::chrono::milliseconds kDefaultTimeout{3000};

  // commands: one argv per stage, searched on PATH. Starts the chain; throws TranslationError if
  // a program cannot be spawned.
  explicit ApertiumPipeline(std::vector<Command> commands,
                            std::chrono::milliseconds timeout = kDefaultTimeout);
  ~ApertiumPipeline();
  ApertiumPipeline(const ApertiumPipeline&) = delete;
  ApertiumPipeline& operator=(const ApertiumPipeline&) = delete;

  // Plain text in, plain text out (escaping is done here). Throws TranslationError.
  std::string translate(const std::string& text);

  std::vector<pid_t> childPids() const;
  // How many times the chain was replaced after a death or a timeout.
  size_t restarts() const;

 private:
  enum class Exchange { kAnswered, kDied, kTimedOut };

  void start();
  void stop();
  void restart();
  bool anyChildExited();
  // Output nobody asked for: the leftovers of a chain that broke between two calls.
  bool outputPending();
  // Called after a suspicious empty answer: false if the chain is closing down.
  bool outputOpen();
  Exchange exchange(const std::string& request, std::string& answer);

  const std::vector<Command> commands_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::vector<pid_t> pids_;
  int input_ = -1;   // socket to the first stage's stdin (send() with MSG_NOSIGNAL: no SIGPIPE)
  int output_ = -1;  // non-blocking read end of the last stage's stdout
  size_t restarts_ = 0;
};

}  // namespace jb::translation
