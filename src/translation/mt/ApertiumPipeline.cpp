#include "translation/mt/ApertiumPipeline.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "translation/mt/ApertiumText.hpp"
#include "translation/mt/TranslationError.hpp"

extern char** environ;

namespace jb::translation {

namespace {

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

[[noreturn]] void throwErrno(const std::string& what, int err) {
  throw TranslationError("apertium: " + what + ": " + std::strerror(err));
}

// Spawns argv with the given stdin/stdout and stderr on /dev/null (Apertium's complaints about
// a sentence would otherwise land in the server log once per sentence).
pid_t spawn(const std::vector<std::string>& command, int in, int out) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);

  // The server ignores SIGPIPE and may block signals in its threads; a stage must still die
  // when the next stage is gone, and must see the signals we send.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> argv;
  for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throwErrno("cannot start " + command[0], rc);
  return pid;
}

}  // namespace

ApertiumPipeline::ApertiumPipeline(std::vector<Command> commands, std::chrono::milliseconds timeout)
    : commands_(std::move(commands)), timeout_(timeout) {
  if (commands_.empty()) throw TranslationError("apertium: empty pipeline");
  for (const auto& command : commands_) {
    if (command.empty()) throw TranslationError("apertium: empty command in pipeline");
  }
  start();
}

ApertiumPipeline::~ApertiumPipeline() {
  stop();
}

void ApertiumPipeline::start() {
  // Every descriptor is close-on-exec, so a stage inherits only its own stdin and stdout (and
  // stages spawned concurrently by other pipelines do not hold our pipes open).
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) throwErrno("socketpair", errno);
  input_ = sockets[0];
  int stageInput = sockets[1];
  try {
    for (const auto& command : commands_) {
      int link[2];
      if (::pipe2(link, O_CLOEXEC) != 0) throwErrno("pipe", errno);
      int stageOutput = link[1];
      try {
        pids_.push_back(spawn(command, stageInput, stageOutput));
      } catch (...) {
        ::close(link[0]);
        ::close(link[1]);
        throw;
      }
      closeFd(stageInput);
      closeFd(stageOutput);
      stageInput = link[0];
    }
  } catch (...) {
    closeFd(stageInput);
    stop();
    throw;
  }
  output_ = stageInput;
  ::fcntl(output_, F_SETFL, ::fcntl(output_, F_GETFL) | O_NONBLOCK);
}

void ApertiumPipeline::stop() {
  closeFd(input_);
  closeFd(output_);
  for (pid_t pid : pids_) {
    if (pid <= 0) continue;
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pids_.clear();
}

void ApertiumPipeline::restart() {
  stop();
  ++restarts_;
  start();
}

bool ApertiumPipeline::anyChildExited() {
  bool exited = false;
  for (pid_t& pid : pids_) {
    if (pid <= 0) continue;
    int status = 0;
    pid_t rc = ::waitpid(pid, &status, WNOHANG);
    // ECHILD: someone set SIGCHLD to SIG_IGN and the kernel reaped it for us.
    if (rc == pid || (rc < 0 && errno == ECHILD)) {
      pid = -1;  // reaped: never signal this id again, it may belong to someone else now
      exited = true;
    }
  }
  return exited;
}

bool ApertiumPipeline::outputPending() {
  pollfd fd{output_, POLLIN, 0};
  return ::poll(&fd, 1, 0) > 0;
}

bool ApertiumPipeline::outputOpen() {
  // Long enough for a chain that is shutting down to close its end, short enough that a genuinely
  // empty answer (which does not happen for real speech) costs little.
  pollfd fd{output_, POLLIN, 0};
  if (::poll(&fd, 1, 100) > 0) {
    char byte;
    if (::read(output_, &byte, 1) <= 0) return false;
  }
  return !anyChildExited();
}

ApertiumPipeline::Exchange ApertiumPipeline::exchange(const std::string& request, std::string& answer) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout_;
  size_t written = 0;
  char buffer[4096];
  while (true) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return Exchange::kTimedOut;

    // Write and read together: a long text could fill the pipes in both directions otherwise.
    pollfd fds[2];
    nfds_t count = 0;
    if (written < request.size()) fds[count++] = {input_, POLLOUT, 0};
    const nfds_t readIndex = count;
    fds[count++] = {output_, POLLIN, 0};
    int rc = ::poll(fds, count, static_cast<int>(left.count()));
    if (rc < 0) {
      if (errno == EINTR) continue;
      throwErrno("poll", errno);
    }
    if (rc == 0) return Exchange::kTimedOut;

    if (readIndex == 1 && fds[0].revents != 0) {
      ssize_t n =
          ::send(input_, request.data() + written, request.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        written += static_cast<size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return Exchange::kDied;  // EPIPE / ECONNRESET: the first stage is gone
      }
    }
    if (fds[readIndex].revents != 0) {
      ssize_t n = ::read(output_, buffer, sizeof buffer);
      if (n == 0) return Exchange::kDied;  // the last stage closed its stdout
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return Exchange::kDied;
      }
      std::string_view chunk(buffer, static_cast<size_t>(n));
      size_t nul = chunk.find('\0');
      answer.append(chunk.substr(0, nul));
      if (nul != std::string_view::npos) return Exchange::kAnswered;
    }
  }
}

std::string ApertiumPipeline::translate(const std::string& text) {
  std::lock_guard lock(mutex_);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  // "\n\0": the newline ends the last sentence for the tagger, the NUL flushes every stage.
  std::string request = escapeApertium(text);
  request += '\n';
  request += '\0';

  for (int attempt = 0; attempt < 2; ++attempt) {
    if (pids_.empty() || anyChildExited() || outputPending()) restart();
    std::string answer;
    Exchange outcome = exchange(request, answer);
    std::string translated = outcome == Exchange::kAnswered ? unescapeApertium(answer, text) : std::string();
    // When a middle stage dies, the stages after it see end of input and flush a final NUL: that
    // arrives as an empty answer, then end of file. Real text never translates to nothing.
    if (outcome == Exchange::kAnswered && translated.empty() && !outputOpen()) outcome = Exchange::kDied;
    switch (outcome) {
      case Exchange::kAnswered:
        return translated;
      case Exchange::kDied:
        restart();
        break;
      case Exchange::kTimedOut: {
        // A stage that died mid-sentence can look like silence; that is worth one retry. A chain
        // that is alive but silent would be silent again, so give up on this sentence.
        bool died = anyChildExited();
        restart();
        if (!died)
          throw TranslationError("apertium: no answer within " + std::to_string(timeout_.count()) + " ms");
        break;
      }
    }
  }
  throw TranslationError("apertium: pipeline died twice on one sentence");
}

std::vector<pid_t> ApertiumPipeline::childPids() const {
  std::lock_guard lock(mutex_);
  return pids_;
}

size_t ApertiumPipeline::restarts() const {
  std::lock_guard lock(mutex_);
  return restarts_;
}

}  // namespace jb::translation
