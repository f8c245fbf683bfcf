#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

// This process's children, read from /proc, so a test can find the Apertium programs its
// translator started and kill one.
namespace jb::translation::test {

struct ChildProcess {
  pid_t pid = 0;
  std::string command;  // /proc/<pid>/comm: the program name, cut at 15 characters
  char state = '?';     // 'Z' once dead and not yet reaped
};

// Fields of /proc/<pid>/stat: "pid (comm) state ppid ...". comm may hold spaces and parentheses,
// so it runs to the last ')'.
inline bool readStat(pid_t pid, ChildProcess& out, pid_t& parent) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  auto open = stat.find('(');
  auto close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 4 > stat.size()) return false;
  out.pid = pid;
  out.command = stat.substr(open + 1, close - open - 1);
  out.state = stat[close + 2];
  parent = static_cast<pid_t>(std::stol(stat.substr(close + 4)));
  return true;
}

inline std::vector<ChildProcess> childProcesses() {
  std::vector<ChildProcess> children;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    ChildProcess child;
    pid_t parent = 0;
    if (readStat(static_cast<pid_t>(std::stol(name)), child, parent) && parent == ::getpid())
      children.push_back(child);
  }
  std::sort(children.begin(), children.end(), [](const auto& a, const auto& b) { return a.pid < b.pid; });
  return children;
}

inline bool isApertiumStage(const std::string& command) {
  return command == "lt-proc" || command == "lrx-proc" || command == "cg-proc" ||
         command.starts_with("apertium-");
}

// Living Apertium programs started by this process, in start order (pids grow, barring wrap-around).
inline std::vector<ChildProcess> apertiumChildren() {
  std::vector<ChildProcess> stages;
  for (const auto& child : childProcesses())
    if (child.state != 'Z' && isApertiumStage(child.command)) stages.push_back(child);
  return stages;
}

// Whether the process has died (a zombie counts: it will never run again).
inline bool processGone(pid_t pid) {
  ChildProcess child;
  pid_t parent = 0;
  return !readStat(pid, child, parent) || child.state == 'Z' || child.state == 'X';
}

}  // namespace jb::translation::test
