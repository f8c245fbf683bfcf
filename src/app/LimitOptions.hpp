#pragma once

#include <CLI/CLI.hpp>

#include "app/ServeCommand.hpp"

namespace jb::app {

// `serve` options for limits, Origin checks and ICE consent (docs/protocol.md "Limits").
void addLimitOptions(CLI::App& serve, ServeOptions& options);

}  // namespace jb::app
