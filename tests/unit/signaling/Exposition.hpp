#pragma once

// A strict reader of the Prometheus text exposition format 0.0.4 for tests: every sample must belong
// to a family announced by `# HELP` and `# TYPE` lines before it.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace jb::testing {

struct Exposition {
  struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
  };
  std::map<std::string, std::string> types;  // family -> counter | gauge | histogram
  std::vector<Sample> samples;

  // Sum of the samples named `name` whose labels include `match`; -1 if there is none.
  double value(const std::string& name, const std::map<std::string, std::string>& match = {}) const {
    double sum = 0;
    bool found = false;
    for (const auto& s : samples) {
      if (s.name != name) continue;
      bool ok = true;
      for (const auto& [k, v] : match)
        if (auto it = s.labels.find(k); it == s.labels.end() || it->second != v) ok = false;
      if (!ok) continue;
      found = true;
      sum += s.value;
    }
    return found ? sum : -1;
  }
};

// Parses `text`, adding a test failure for each line that breaks the format.
inline Exposition parseExposition(const std::string& text) {
  static const std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$)");
  static const std::regex type(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([-+]?[0-9.eE+-]+|NaN|[+-]Inf)$)");
  static const std::regex label(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$))re");
  Exposition out;
  std::set<std::string> helped;
  std::string current;
  std::istringstream lines(text);
  std::string line;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the exposition ends with a newline";
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      helped.insert(m[1]);
      current = m[1];
    } else if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(helped.contains(m[1])) << "TYPE without HELP: " << line;
      EXPECT_FALSE(out.types.contains(m[1])) << "family announced twice: " << line;
      out.types[m[1]] = m[2];
      EXPECT_TRUE(m[2] != "counter" || std::string(m[1]).ends_with("_total")) << "counter without _total";
      current = m[1];
    } else if (std::regex_match(line, m, sample)) {
      Exposition::Sample s;
      s.name = m[1];
      // A histogram family's samples are <family>_bucket, _sum and _count.
      bool histogramPart =
          out.types[current] == "histogram" &&
          (s.name == current + "_bucket" || s.name == current + "_sum" || s.name == current + "_count");
      EXPECT_TRUE(s.name == current || histogramPart) << "sample outside its family: " << line;
      std::string labels = m[3];
      for (auto it = std::sregex_iterator(labels.begin(), labels.end(), label); it != std::sregex_iterator();
           ++it)
        s.labels[(*it)[1]] = (*it)[2];
      s.value = std::stod(m[4]);
      out.samples.push_back(std::move(s));
    } else {
      ADD_FAILURE() << "not exposition format: '" << line << "'";
    }
  }
  return out;
}

}  // namespace jb::testing
