//===- PluginHost.h - finding, loading and checking backend plugins -*- C++ -*-===//
//
// Plugins are shared libraries exporting kiln_plugin_get (kiln_plugin.h).
// They are found in, in this order: explicit paths given by the user, the
// directories of KILN_PLUGIN_PATH (colon-separated), and the install
// directory (<prefix>/lib/kiln/plugins, and the build tree's lib/ when
// running from it). A library that does not load, lacks the entry point,
// returns no table or speaks another ABI major version is reported, never
// fatal.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_PLUGINHOST_H
#define KILN_RUNTIME_PLUGINHOST_H

#include "kiln/kiln_plugin.h"

#include <memory>
#include <string>
#include <vector>

namespace kiln {

/// One loaded plugin library with a live instance.
class Plugin {
public:
  ~Plugin();
  const kiln_plugin_api &api() const { return *api_; }
  kiln_plugin instance() const { return instance_; }
  const std::string &name() const { return name_; }
  const std::string &path() const { return path_; }
  int32_t priority() const { return api_->priority; }
  bool isDevice() const { return api_->memory_space == KILN_MEMORY_DEVICE; }
  /// The plugin's message for its last error (never null).
  std::string lastError() const;

  /// Loads `path` and creates an instance; null with `error` on any failure.
  static std::unique_ptr<Plugin> load(const std::string &path, const kiln_plugin_options &options,
                                      std::string &error);

private:
  Plugin() = default;
  void *handle_ = nullptr;
  const kiln_plugin_api *api_ = nullptr;
  kiln_plugin instance_ = nullptr;
  std::string name_, path_;
};

class PluginHost {
public:
  struct Options {
    std::vector<std::string> searchPaths; // searched before KILN_PLUGIN_PATH
    int32_t numThreads = 0;
  };
  explicit PluginHost(Options options);
  ~PluginHost();

  /// Loads every plugin library found on the search path
  /// (libkiln_plugin_*.so); problems are collected in diagnostics().
  void discover();
  /// Loads one library by path; false with `error` on failure.
  bool loadFile(const std::string &path, std::string &error);

  /// The plugin named `name`, loading it from the search path if needed.
  Plugin *get(const std::string &name, std::string &error);
  const std::vector<std::unique_ptr<Plugin>> &plugins() const { return plugins_; }
  const std::vector<std::string> &diagnostics() const { return diagnostics_; }
  std::vector<std::string> searchPath() const;

private:
  static void discoverStatic(); // an address inside libkiln_runtime.so
  Options options_;
  std::vector<std::unique_ptr<Plugin>> plugins_;
  std::vector<std::string> diagnostics_;
};

} // namespace kiln

#endif // KILN_RUNTIME_PLUGINHOST_H
