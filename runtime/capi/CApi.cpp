//===- CApi.cpp - kiln_runtime.h over the C++ runtime ---------------------===//
//
// Thin wrappers: every entry point validates its arguments, catches every
// exception, maps failures to a kiln_runtime_status and records the message
// in a thread-local string. MLIR-free like the rest of libkiln_runtime.so.
//
//===----------------------------------------------------------------------===//
#define KILN_RUNTIME_BUILDING 1
#include "kiln/kiln_runtime.h"

#include "kiln/kiln_plugin.h"
#include "kiln/runtime/Runtime.h"
#include "kiln/support/Npy.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <sys/stat.h>
#include <vector>

#ifndef KILN_VERSION_STRING
#define KILN_VERSION_STRING "unknown"
#endif

// The C header repeats kiln_plugin.h's dtype numbering; keep them in step.
#define KILN_SAME_DTYPE(X) (int(KILN_RT_DTYPE_##X) == int(KILN_DTYPE_##X))
static_assert(KILN_SAME_DTYPE(F32) && KILN_SAME_DTYPE(U8) && KILN_SAME_DTYPE(I8) &&
                  KILN_SAME_DTYPE(U16) && KILN_SAME_DTYPE(I16) && KILN_SAME_DTYPE(I32) &&
                  KILN_SAME_DTYPE(I64) && KILN_SAME_DTYPE(BOOL) && KILN_SAME_DTYPE(F16) &&
                  KILN_SAME_DTYPE(F64) && KILN_SAME_DTYPE(U32) && KILN_SAME_DTYPE(U64) &&
                  KILN_SAME_DTYPE(BF16),
              "kiln_runtime_dtype must match kiln_dtype");
#undef KILN_SAME_DTYPE
static_assert(KILN_RT_DIM_DYNAMIC == KILN_DIM_DYNAMIC, "dynamic dim marker");

namespace {

thread_local std::string lastError;

kiln_runtime_status fail(kiln_runtime_status status, std::string message) {
  try {
    lastError = std::move(message);
  } catch (...) {
    lastError.clear(); // out of memory for the message itself
  }
  return status;
}

/// Runs `body`, turning exceptions into statuses.
template <typename F> kiln_runtime_status guarded(const char *fn, F &&body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(KILN_RT_ERROR_OUT_OF_MEMORY, std::string(fn) + ": out of memory");
  } catch (const std::exception &e) {
    return fail(KILN_RT_ERROR_INTERNAL, std::string(fn) + ": " + e.what());
  } catch (...) {
    return fail(KILN_RT_ERROR_INTERNAL, std::string(fn) + ": unknown exception");
  }
}

kiln_runtime_status nullArg(const char *fn, const char *arg) {
  return fail(KILN_RT_ERROR_INVALID_ARGUMENT, std::string(fn) + ": " + arg + " is NULL");
}

std::string shapeStr(const int64_t *s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += (i ? "x" : "") + (s[i] < 0 ? std::string("?") : std::to_string(s[i]));
  return out.empty() ? "scalar" : out;
}

/// A signature with C-visible storage for its strings and arrays.
struct CSignature {
  kiln::TensorSignature sig;
  std::vector<const char *> dimNames; // into sig.dimNames, or ""
  void init(kiln::TensorSignature s) {
    sig = std::move(s);
    if (sig.dimNames.size() != sig.shape.size())
      sig.dimNames.assign(sig.shape.size(), std::string());
    dimNames.clear();
    for (const std::string &d : sig.dimNames)
      dimNames.push_back(d.c_str());
  }
};

/// What a model handle, its sessions and its output tensors share. Members
/// are destroyed in reverse order: the model before the runtime whose
/// plugins hold its executables.
struct ModelState {
  std::shared_ptr<kiln::Runtime> runtime;
  std::unique_ptr<kiln::Model> model;
  std::vector<CSignature> inputs, outputs;
  std::vector<std::pair<std::string, std::string>> metadata;
};

} // namespace

struct kiln_runtime {
  std::shared_ptr<kiln::Runtime> runtime;
};

struct kiln_model {
  std::shared_ptr<ModelState> state;
};

struct kiln_session {
  std::shared_ptr<ModelState> state; // declared first: outlives `session`
  std::unique_ptr<kiln::Session> session;
};

struct kiln_tensor {
  std::shared_ptr<ModelState> keepAlive; // outputs may view the mapped artifact
  kiln::Tensor tensor;
};

//===----------------------------------------------------------------------===//
// Version and errors
//===----------------------------------------------------------------------===//

extern "C" {

const char *kiln_version(void) { return KILN_VERSION_STRING; }

uint32_t kiln_runtime_abi_version(void) { return KILN_RUNTIME_ABI_VERSION; }

const char *kiln_last_error(void) { return lastError.c_str(); }

const char *kiln_status_string(kiln_runtime_status status) {
  switch (status) {
  case KILN_RT_OK: return "KILN_RT_OK";
  case KILN_RT_ERROR_INVALID_ARGUMENT: return "KILN_RT_ERROR_INVALID_ARGUMENT";
  case KILN_RT_ERROR_NOT_FOUND: return "KILN_RT_ERROR_NOT_FOUND";
  case KILN_RT_ERROR_LOAD: return "KILN_RT_ERROR_LOAD";
  case KILN_RT_ERROR_EXECUTION: return "KILN_RT_ERROR_EXECUTION";
  case KILN_RT_ERROR_OUT_OF_MEMORY: return "KILN_RT_ERROR_OUT_OF_MEMORY";
  case KILN_RT_ERROR_INTERNAL: return "KILN_RT_ERROR_INTERNAL";
  }
  return "KILN_RT_ERROR_UNKNOWN";
}

const char *kiln_dtype_name(int32_t dtype) { return kiln::artifact::dtypeName(dtype); }

size_t kiln_dtype_size(int32_t dtype) { return kiln::artifact::dtypeSize(dtype); }

//===----------------------------------------------------------------------===//
// Runtime
//===----------------------------------------------------------------------===//

void kiln_runtime_options_init(kiln_runtime_options *options) {
  if (!options)
    return;
  std::memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
}

kiln_runtime_status kiln_runtime_create(const kiln_runtime_options *options,
                                        kiln_runtime_t **runtime) {
  static const char fn[] = "kiln_runtime_create";
  if (!runtime)
    return nullArg(fn, "runtime");
  *runtime = nullptr;
  return guarded(fn, [&] {
    kiln::Runtime::Options o;
    if (options) {
      if (options->struct_size < sizeof(size_t))
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": options->struct_size is not set");
      if (KILN_HAS_FIELD(options, kiln_runtime_options, num_plugin_paths) &&
          options->num_plugin_paths) {
        if (!options->plugin_paths)
          return nullArg(fn, "options->plugin_paths");
        for (size_t i = 0; i < options->num_plugin_paths; ++i) {
          if (!options->plugin_paths[i])
            return fail(KILN_RT_ERROR_INVALID_ARGUMENT, std::string(fn) + ": plugin_paths[" +
                                                            std::to_string(i) + "] is NULL");
          o.pluginPaths.push_back(options->plugin_paths[i]);
        }
      }
      if (KILN_HAS_FIELD(options, kiln_runtime_options, num_threads)) {
        if (options->num_threads < 0)
          return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                      std::string(fn) + ": options->num_threads is negative");
        o.numThreads = options->num_threads;
      }
    }
    auto handle = std::make_unique<kiln_runtime>();
    handle->runtime = std::make_shared<kiln::Runtime>(std::move(o));
    *runtime = handle.release();
    return KILN_RT_OK;
  });
}

void kiln_runtime_destroy(kiln_runtime_t *runtime) { delete runtime; }

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

void kiln_model_load_options_init(kiln_model_load_options *options) {
  if (!options)
    return;
  std::memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
}

kiln_runtime_status kiln_model_load(kiln_runtime_t *runtime, const char *path,
                                    kiln_model_t **model, const kiln_model_load_options *options) {
  static const char fn[] = "kiln_model_load";
  if (!model)
    return nullArg(fn, "model");
  *model = nullptr;
  if (!runtime)
    return nullArg(fn, "runtime");
  if (!path)
    return nullArg(fn, "path");
  return guarded(fn, [&] {
    kiln::Runtime::LoadOptions lo;
    if (options) {
      if (options->struct_size < sizeof(size_t))
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": options->struct_size is not set");
      if (KILN_HAS_FIELD(options, kiln_model_load_options, verify_weights))
        lo.verifyWeights = options->verify_weights != 0;
    }
    struct stat st;
    if (::stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
      return fail(KILN_RT_ERROR_NOT_FOUND,
                  std::string(path) + ": " + std::strerror(ENOENT));
    std::string error;
    auto m = runtime->runtime->load(path, error, lo);
    if (!m) {
      if (error.find(path) == std::string::npos) // always name the file
        error = std::string(path) + ": " + error;
      return fail(KILN_RT_ERROR_LOAD, error);
    }
    auto state = std::make_shared<ModelState>();
    state->runtime = runtime->runtime;
    state->model = std::move(m);
    for (auto &s : state->model->inputs()) {
      state->inputs.emplace_back();
      state->inputs.back().init(std::move(s));
    }
    for (auto &s : state->model->outputs()) {
      state->outputs.emplace_back();
      state->outputs.back().init(std::move(s));
    }
    const kiln::artifact::Metadata &md = state->model->artifact().metadata();
    state->metadata = md.properties;
    auto add = [&](const char *key, const std::string &value) {
      if (!value.empty())
        state->metadata.push_back({key, value});
    };
    add("model_version", md.modelVersion);
    add("producer", md.producer);
    add("source_name", md.sourceName);
    add("kiln_version", md.kilnVersion);
    auto handle = std::make_unique<kiln_model>();
    handle->state = std::move(state);
    *model = handle.release();
    return KILN_RT_OK;
  });
}

void kiln_model_destroy(kiln_model_t *model) { delete model; }

size_t kiln_model_num_inputs(const kiln_model_t *model) {
  return model ? model->state->inputs.size() : 0;
}

size_t kiln_model_num_outputs(const kiln_model_t *model) {
  return model ? model->state->outputs.size() : 0;
}

static kiln_runtime_status tensorInfo(const char *fn, const kiln_model_t *model, size_t index,
                                      kiln_tensor_info *info, bool input) {
  if (!model)
    return nullArg(fn, "model");
  if (!info)
    return nullArg(fn, "info");
  if (info->struct_size < sizeof(size_t))
    return fail(KILN_RT_ERROR_INVALID_ARGUMENT, std::string(fn) + ": info->struct_size is not set");
  const auto &list = input ? model->state->inputs : model->state->outputs;
  if (index >= list.size())
    return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                std::string(fn) + ": index " + std::to_string(index) +
                    " is out of range (the model has " + std::to_string(list.size()) +
                    (input ? " inputs)" : " outputs)"));
  const CSignature &s = list[index];
  kiln_tensor_info out;
  out.struct_size = info->struct_size;
  out.name = s.sig.name.c_str();
  out.dtype = s.sig.dtype;
  out.rank = int32_t(s.sig.shape.size());
  out.shape = s.sig.shape.data();
  out.dim_names = s.dimNames.data();
  // Copy only what the caller's struct has room for.
  std::memcpy(info, &out, std::min(info->struct_size, sizeof(out)));
  return KILN_RT_OK;
}

kiln_runtime_status kiln_model_input_info(const kiln_model_t *model, size_t index,
                                          kiln_tensor_info *info) {
  return tensorInfo("kiln_model_input_info", model, index, info, true);
}

kiln_runtime_status kiln_model_output_info(const kiln_model_t *model, size_t index,
                                           kiln_tensor_info *info) {
  return tensorInfo("kiln_model_output_info", model, index, info, false);
}

size_t kiln_model_num_labels(const kiln_model_t *model) {
  return model ? model->state->model->artifact().metadata().labels.size() : 0;
}

const char *kiln_model_label(const kiln_model_t *model, size_t index) {
  if (!model)
    return nullptr;
  const auto &labels = model->state->model->artifact().metadata().labels;
  return index < labels.size() ? labels[index].c_str() : nullptr;
}

const char *kiln_model_metadata(const kiln_model_t *model, const char *key) {
  if (!model || !key)
    return nullptr;
  for (const auto &[k, v] : model->state->metadata)
    if (k == key)
      return v.c_str();
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

kiln_runtime_status kiln_session_create(kiln_model_t *model, kiln_session_t **session) {
  static const char fn[] = "kiln_session_create";
  if (!session)
    return nullArg(fn, "session");
  *session = nullptr;
  if (!model)
    return nullArg(fn, "model");
  return guarded(fn, [&] {
    auto handle = std::make_unique<kiln_session>();
    handle->state = model->state;
    handle->session = std::make_unique<kiln::Session>(*model->state->model);
    *session = handle.release();
    return KILN_RT_OK;
  });
}

void kiln_session_destroy(kiln_session_t *session) { delete session; }

kiln_runtime_status kiln_session_run(kiln_session_t *session, const char *const *input_names,
                                     const kiln_tensor_t *const *inputs, size_t num_inputs,
                                     kiln_tensor_t **outputs, size_t num_outputs) {
  static const char fn[] = "kiln_session_run";
  if (outputs)
    for (size_t i = 0; i < num_outputs; ++i)
      outputs[i] = nullptr;
  if (!session)
    return nullArg(fn, "session");
  if (num_inputs && !input_names)
    return nullArg(fn, "input_names");
  if (num_inputs && !inputs)
    return nullArg(fn, "inputs");
  if (num_outputs && !outputs)
    return nullArg(fn, "outputs");
  return guarded(fn, [&] {
    const ModelState &state = *session->state;
    if (num_outputs != state.outputs.size())
      return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                  std::string(fn) + ": num_outputs is " + std::to_string(num_outputs) +
                      " but the model has " + std::to_string(state.outputs.size()) + " outputs");
    // Validate here, so that input mistakes are INVALID_ARGUMENT and what
    // Session::run reports afterwards is an execution failure.
    std::map<std::string, kiln::Tensor> named;
    for (size_t i = 0; i < num_inputs; ++i) {
      if (!input_names[i])
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": input_names[" + std::to_string(i) + "] is NULL");
      if (!inputs[i])
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": inputs[" + std::to_string(i) + "] ('" + input_names[i] +
                        "') is NULL");
      std::string name = input_names[i];
      const CSignature *sig = nullptr;
      for (const CSignature &s : state.inputs)
        if (s.sig.name == name)
          sig = &s;
      if (!sig)
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": the model has no input named '" + name + "'");
      if (named.count(name))
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": input '" + name + "' is given twice");
      const kiln::Tensor &t = inputs[i]->tensor;
      if (t.dtype() != sig->sig.dtype)
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": input '" + name + "' has dtype " +
                        kiln_dtype_name(t.dtype()) + " but the model expects " +
                        kiln_dtype_name(sig->sig.dtype));
      const auto &want = sig->sig.shape;
      bool ok = t.shape().size() == want.size();
      for (size_t d = 0; ok && d < want.size(); ++d)
        ok = want[d] < 0 || want[d] == t.shape()[d];
      if (!ok)
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": input '" + name + "' has shape " +
                        shapeStr(t.shape().data(), t.shape().size()) + " but the model expects " +
                        shapeStr(want.data(), want.size()));
      named.emplace(std::move(name), t); // a view: same data pointer, no copy
    }
    for (const CSignature &s : state.inputs)
      if (!named.count(s.sig.name))
        return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                    std::string(fn) + ": missing input '" + s.sig.name + "'");

    std::vector<kiln::Tensor> results;
    std::string error;
    if (!session->session->run(named, results, error))
      return fail(KILN_RT_ERROR_EXECUTION, std::string(fn) + ": " + error);
    if (results.size() != num_outputs)
      return fail(KILN_RT_ERROR_INTERNAL, std::string(fn) + ": the runtime returned " +
                                              std::to_string(results.size()) + " outputs, not " +
                                              std::to_string(num_outputs));
    std::vector<std::unique_ptr<kiln_tensor>> handles;
    for (kiln::Tensor &t : results) {
      auto h = std::make_unique<kiln_tensor>();
      h->keepAlive = session->state;
      h->tensor = std::move(t);
      handles.push_back(std::move(h));
    }
    for (size_t i = 0; i < num_outputs; ++i)
      outputs[i] = handles[i].release();
    return KILN_RT_OK;
  });
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// Checks dtype and shape; `bytes` gets the size they need.
static kiln_runtime_status checkShape(const char *fn, int32_t dtype, const int64_t *shape,
                                      int32_t rank, size_t &bytes) {
  size_t elem = kiln::artifact::dtypeSize(dtype);
  if (elem == 0)
    return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                std::string(fn) + ": unknown dtype " + std::to_string(dtype));
  if (rank < 0)
    return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                std::string(fn) + ": rank " + std::to_string(rank) + " is negative");
  if (rank > 0 && !shape)
    return nullArg(fn, "shape");
  size_t n = elem;
  for (int32_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return fail(KILN_RT_ERROR_INVALID_ARGUMENT, std::string(fn) + ": dim " + std::to_string(i) +
                                                      " is " + std::to_string(shape[i]));
    if (shape[i] && n > std::numeric_limits<size_t>::max() / size_t(shape[i]))
      return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                  std::string(fn) + ": shape " + shapeStr(shape, size_t(rank)) + " is too large");
    n *= size_t(shape[i]);
  }
  bytes = n;
  return KILN_RT_OK;
}

kiln_runtime_status kiln_tensor_wrap(int32_t dtype, const int64_t *shape, int32_t rank, void *data,
                                     size_t byte_size, kiln_tensor_t **tensor) {
  static const char fn[] = "kiln_tensor_wrap";
  if (!tensor)
    return nullArg(fn, "tensor");
  *tensor = nullptr;
  return guarded(fn, [&] {
    size_t bytes = 0;
    if (kiln_runtime_status st = checkShape(fn, dtype, shape, rank, bytes))
      return st;
    if (!data && bytes)
      return nullArg(fn, "data");
    if (byte_size < bytes)
      return fail(KILN_RT_ERROR_INVALID_ARGUMENT,
                  std::string(fn) + ": byte_size " + std::to_string(byte_size) +
                      " is less than the " + std::to_string(bytes) + " bytes a " +
                      kiln_dtype_name(dtype) + " " +
                      shapeStr(shape, size_t(rank)) + " tensor needs");
    auto h = std::make_unique<kiln_tensor>();
    h->tensor = kiln::Tensor::view(dtype, std::vector<int64_t>(shape, shape + rank), data);
    *tensor = h.release();
    return KILN_RT_OK;
  });
}

kiln_runtime_status kiln_tensor_create(int32_t dtype, const int64_t *shape, int32_t rank,
                                       kiln_tensor_t **tensor) {
  static const char fn[] = "kiln_tensor_create";
  if (!tensor)
    return nullArg(fn, "tensor");
  *tensor = nullptr;
  return guarded(fn, [&] {
    size_t bytes = 0;
    if (kiln_runtime_status st = checkShape(fn, dtype, shape, rank, bytes))
      return st;
    auto h = std::make_unique<kiln_tensor>();
    h->tensor = kiln::Tensor::allocate(dtype, std::vector<int64_t>(shape, shape + rank));
    if (!h->tensor.data())
      return fail(KILN_RT_ERROR_OUT_OF_MEMORY,
                  std::string(fn) + ": cannot allocate " + std::to_string(bytes) + " bytes");
    *tensor = h.release();
    return KILN_RT_OK;
  });
}

kiln_runtime_status kiln_tensor_read_npy(const char *path, kiln_tensor_t **tensor) {
  static const char fn[] = "kiln_tensor_read_npy";
  if (!tensor)
    return nullArg(fn, "tensor");
  *tensor = nullptr;
  if (!path)
    return nullArg(fn, "path");
  return guarded(fn, [&] {
    kiln::npy::Array arr;
    std::string error;
    struct stat st;
    if (::stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
      return fail(KILN_RT_ERROR_NOT_FOUND, std::string(path) + ": " + std::strerror(ENOENT));
    if (!kiln::npy::read(path, arr, error))
      return fail(KILN_RT_ERROR_INVALID_ARGUMENT, error);
    auto h = std::make_unique<kiln_tensor>();
    h->tensor = kiln::Tensor::allocate(arr.dtype, arr.shape);
    if (!h->tensor.data())
      return fail(KILN_RT_ERROR_OUT_OF_MEMORY, std::string(fn) + ": out of memory");
    if (h->tensor.byteSize() != arr.data.size())
      return fail(KILN_RT_ERROR_INTERNAL, std::string(path) + ": the data holds " +
                                              std::to_string(arr.data.size()) + " bytes, not " +
                                              std::to_string(h->tensor.byteSize()));
    if (!arr.data.empty())
      std::memcpy(h->tensor.data(), arr.data.data(), arr.data.size());
    *tensor = h.release();
    return KILN_RT_OK;
  });
}

void kiln_tensor_free(kiln_tensor_t *tensor) { delete tensor; }

int32_t kiln_tensor_dtype(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.dtype() : 0;
}

int32_t kiln_tensor_rank(const kiln_tensor_t *tensor) {
  return tensor ? int32_t(tensor->tensor.shape().size()) : 0;
}

const int64_t *kiln_tensor_shape(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.shape().data() : nullptr;
}

int64_t kiln_tensor_num_elements(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.numElements() : 0;
}

size_t kiln_tensor_byte_size(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.byteSize() : 0;
}

void *kiln_tensor_data(kiln_tensor_t *tensor) { return tensor ? tensor->tensor.data() : nullptr; }

const void *kiln_tensor_data_const(const kiln_tensor_t *tensor) {
  return tensor ? tensor->tensor.data() : nullptr;
}

} // extern "C"
