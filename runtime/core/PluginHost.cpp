//===- PluginHost.cpp - finding, loading and checking backend plugins -----===//
#include "kiln/runtime/PluginHost.h"

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <dlfcn.h>
#include <set>
#include <sys/stat.h>

namespace kiln {

Plugin::~Plugin() {
  if (api_ && instance_ && api_->destroy)
    api_->destroy(instance_);
  // The library stays loaded: executables or strings handed out by it may
  // still be referenced while the process tears down.
}

std::string Plugin::lastError() const {
  const char *msg = api_ && api_->last_error ? api_->last_error(instance_) : nullptr;
  return msg && *msg ? msg : "(the plugin gave no message)";
}

/// How oneDNN's OpenMP team waits between parallel regions. libgomp's
/// default spins 300000 times before sleeping, which stalls badly when the
/// cores are shared with other work (a spinning member holds a core that a
/// descheduled one needs: squeezenet1_1 at batch 1 on 2 threads of a 2-core
/// machine with one other busy process, median/p90 15/73 ms, 1 thread 8 ms).
/// A passive wait (no spin) avoids that but pays a futex wake-up for every
/// primitive, and a batch-1 network is a chain of small primitives: on a
/// quiet machine mobilenet_v2 at batch 1, 2 threads, took 5.9 ms passive
/// and 3.6 ms with a short spin (ONNX Runtime 4.0 ms). A spin of 1000
/// iterations covers the gap between two primitives of one run and ends
/// soon after the run: with one other busy process, 9.9 ms (passive 7.4,
/// ORT 8.2/15.7 p90). bench/RESULTS.md has the measurements. libgomp reads
/// these variables once, when it is loaded, which is when the first plugin
/// linking it (the oneDNN cpu plugin) is opened, so the host sets
/// GOMP_SPINCOUNT here unless the user chose (OMP_WAIT_POLICY or
/// GOMP_SPINCOUNT in the environment win: PASSIVE for a heavily shared
/// machine, ACTIVE for a dedicated one).
static void preferShortOpenMPSpin() {
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT"))
    ::setenv("GOMP_SPINCOUNT", "1000", 0);
}

std::unique_ptr<Plugin> Plugin::load(const std::string &path, const kiln_plugin_options &options,
                                     std::string &error) {
  preferShortOpenMPSpin();
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *e = dlerror();
    error = "cannot load plugin " + path + ": " + (e ? e : "unknown dlopen error");
    return nullptr;
  }
  auto get = reinterpret_cast<kiln_plugin_get_fn>(dlsym(handle, KILN_PLUGIN_ENTRY_SYMBOL));
  if (!get) {
    error = path + " is not a kiln plugin: it does not export " KILN_PLUGIN_ENTRY_SYMBOL;
    dlclose(handle);
    return nullptr;
  }
  const kiln_plugin_api *api = get(KILN_PLUGIN_ABI_MAJOR, KILN_PLUGIN_ABI_MINOR);
  if (!api) {
    error = "plugin " + path + " refused to serve this host (kiln plugin ABI " +
            std::to_string(KILN_PLUGIN_ABI_MAJOR) + "." + std::to_string(KILN_PLUGIN_ABI_MINOR) +
            ")";
    dlclose(handle);
    return nullptr;
  }
  if (api->struct_size < offsetof(kiln_plugin_api, abi_minor) + sizeof(uint32_t)) {
    error = "plugin " + path + " returned a malformed function table";
    dlclose(handle);
    return nullptr;
  }
  if (api->abi_major != KILN_PLUGIN_ABI_MAJOR) {
    error = "plugin " + path + " speaks kiln plugin ABI " + std::to_string(api->abi_major) + "." +
            std::to_string(api->abi_minor) + " but this host speaks " +
            std::to_string(KILN_PLUGIN_ABI_MAJOR) + "." + std::to_string(KILN_PLUGIN_ABI_MINOR);
    dlclose(handle);
    return nullptr;
  }
  // Everything the host calls in ABI 1.0 must be present in the table.
  if (!KILN_HAS_FIELD(api, kiln_plugin_api, execute) || !api->name || !api->create ||
      !api->query || !api->compile || !api->execute || !api->executable_destroy) {
    error = "plugin " + path + " lacks a required entry of the ABI " +
            std::to_string(api->abi_major) + "." + std::to_string(api->abi_minor) + " table";
    dlclose(handle);
    return nullptr;
  }
  if (api->memory_space == KILN_MEMORY_DEVICE &&
      (!KILN_HAS_FIELD(api, kiln_plugin_api, memory_copy_to_host) || !api->memory_allocate ||
       !api->memory_free || !api->memory_copy_to_device || !api->memory_copy_to_host)) {
    error = "device plugin " + path + " lacks its memory functions";
    dlclose(handle);
    return nullptr;
  }
  std::unique_ptr<Plugin> plugin(new Plugin());
  plugin->handle_ = handle;
  plugin->api_ = api;
  plugin->name_ = api->name;
  plugin->path_ = path;
  if (api->create(&options, &plugin->instance_) != KILN_OK || !plugin->instance_) {
    error = "plugin '" + plugin->name_ + "' (" + path + ") failed to start: " +
            (api->last_error ? std::string(api->last_error(nullptr) ? api->last_error(nullptr) : "")
                             : std::string());
    plugin->api_ = nullptr;
    dlclose(handle);
    return nullptr;
  }
  return plugin;
}

PluginHost::PluginHost(Options options) : options_(std::move(options)) {}
PluginHost::~PluginHost() = default;

std::vector<std::string> PluginHost::searchPath() const {
  std::vector<std::string> dirs = options_.searchPaths;
  if (const char *env = std::getenv("KILN_PLUGIN_PATH")) {
    std::string s = env;
    size_t start = 0;
    while (start <= s.size()) {
      size_t colon = s.find(':', start);
      std::string dir = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!dir.empty())
        dirs.push_back(dir);
      if (colon == std::string::npos)
        break;
      start = colon + 1;
    }
  }
  // The install layout: <prefix>/lib/kiln/plugins next to libkiln_runtime.so,
  // and plugins built beside the runtime in a build tree.
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&PluginHost::discoverStatic), &info) && info.dli_fname) {
    std::string lib = info.dli_fname;
    std::string dir = lib.substr(0, lib.rfind('/'));
    dirs.push_back(dir + "/kiln/plugins");
    dirs.push_back(dir);
  }
  return dirs;
}

void PluginHost::discoverStatic() {}

void PluginHost::discover() {
  std::set<std::string> seen;
  for (auto &p : plugins_)
    seen.insert(p->name());
  for (const std::string &dir : searchPath()) {
    DIR *d = opendir(dir.c_str());
    if (!d)
      continue;
    std::vector<std::string> files;
    while (dirent *e = readdir(d)) {
      std::string f = e->d_name;
      if (f.rfind("libkiln_plugin_", 0) == 0 && f.size() > 3 && f.substr(f.size() - 3) == ".so")
        files.push_back(dir + "/" + f);
    }
    closedir(d);
    std::sort(files.begin(), files.end());
    for (auto &f : files) {
      std::string error;
      kiln_plugin_options opts{sizeof(kiln_plugin_options), options_.numThreads, 0};
      auto plugin = Plugin::load(f, opts, error);
      if (!plugin) {
        diagnostics_.push_back(error);
        continue;
      }
      if (seen.count(plugin->name()))
        continue; // an earlier directory wins
      seen.insert(plugin->name());
      plugins_.push_back(std::move(plugin));
    }
  }
}

bool PluginHost::loadFile(const std::string &path, std::string &error) {
  kiln_plugin_options opts{sizeof(kiln_plugin_options), options_.numThreads, 0};
  auto plugin = Plugin::load(path, opts, error);
  if (!plugin)
    return false;
  for (auto &p : plugins_)
    if (p->name() == plugin->name()) {
      error = "a plugin named '" + p->name() + "' is already loaded from " + p->path();
      return false;
    }
  plugins_.push_back(std::move(plugin));
  return true;
}

Plugin *PluginHost::get(const std::string &name, std::string &error) {
  for (auto &p : plugins_)
    if (p->name() == name)
      return p.get();
  for (const std::string &dir : searchPath()) {
    std::string path = dir + "/libkiln_plugin_" + name + ".so";
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
      continue;
    std::string err;
    if (loadFile(path, err))
      return plugins_.back().get();
    diagnostics_.push_back(err);
  }
  error = "no plugin named '" + name + "' could be loaded (searched:";
  for (auto &d : searchPath())
    error += " " + d;
  error += ")";
  for (auto &d : diagnostics_)
    error += "; " + d;
  return nullptr;
}

} // namespace kiln
