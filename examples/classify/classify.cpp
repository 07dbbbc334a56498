//===- classify.cpp - top-k classification with kiln's C++ runtime API ----===//
//
//   kiln-classify model.kiln input.npy [--top-k N] [--plugin-path DIR]
//
// Loads a compiled artifact, runs it on one .npy input and prints the N best
// classes of each sample, with the labels stored in the artifact
// (kiln compile --labels). Links only libkiln_runtime.so: no MLIR.
//
//===----------------------------------------------------------------------===//
#include "kiln/runtime/Runtime.h"
#include "kiln/support/Npy.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

static int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s MODEL.kiln INPUT.npy [--top-k N] [--plugin-path DIR]\n"
               "Runs a single-input classifier and prints its N best classes (default 5).\n",
               argv0);
  return 2;
}

int main(int argc, char **argv) {
  std::string modelPath, inputPath;
  long topK = 5;
  kiln::Runtime::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--top-k" && i + 1 < argc) {
      char *end = nullptr;
      topK = std::strtol(argv[++i], &end, 10);
      if (*end || topK < 1) {
        std::fprintf(stderr, "kiln-classify: --top-k expects a positive number, got '%s'\n",
                     argv[i]);
        return 2;
      }
    } else if (a == "--plugin-path" && i + 1 < argc) {
      options.pluginPaths.push_back(argv[++i]);
    } else if (a == "-h" || a == "--help") {
      usage(argv[0]);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "kiln-classify: unknown option '%s'\n", a.c_str());
      return usage(argv[0]);
    } else if (modelPath.empty()) {
      modelPath = a;
    } else if (inputPath.empty()) {
      inputPath = a;
    } else {
      return usage(argv[0]);
    }
  }
  if (modelPath.empty() || inputPath.empty())
    return usage(argv[0]);

  kiln::Runtime runtime(options);
  std::string error;
  std::unique_ptr<kiln::Model> model = runtime.load(modelPath, error);
  if (!model) {
    std::fprintf(stderr, "kiln-classify: %s\n", error.c_str());
    return 1;
  }
  std::vector<kiln::TensorSignature> inputs = model->inputs();
  if (inputs.size() != 1 || model->outputs().empty()) {
    std::fprintf(stderr, "kiln-classify: %s has %zu inputs; a classifier needs exactly one\n",
                 modelPath.c_str(), inputs.size());
    return 1;
  }

  // The .npy bytes are used in place: Tensor::view does not copy.
  kiln::npy::Array array;
  if (!kiln::npy::read(inputPath, array, error)) {
    std::fprintf(stderr, "kiln-classify: %s\n", error.c_str());
    return 1;
  }
  kiln::Tensor input = kiln::Tensor::view(array.dtype, array.shape, array.data.data());

  kiln::Session session(*model);
  std::vector<kiln::Tensor> outputs;
  if (!session.run({{inputs[0].name, input}}, outputs, error)) {
    std::fprintf(stderr, "kiln-classify: %s: %s\n", modelPath.c_str(), error.c_str());
    return 1;
  }

  // The first output holds the scores: [classes] or [batch, ..., classes].
  const kiln::Tensor &scores = outputs[0];
  if (scores.dtype() != KILN_DTYPE_F32 && scores.dtype() != KILN_DTYPE_F64) {
    std::fprintf(stderr, "kiln-classify: output '%s' is %s; expected f32 or f64 scores\n",
                 model->outputs()[0].name.c_str(), kiln::artifact::dtypeName(scores.dtype()));
    return 1;
  }
  auto score = [&](int64_t k) {
    return scores.dtype() == KILN_DTYPE_F32 ? double(scores.as<float>()[k])
                                            : scores.as<double>()[k];
  };
  int64_t classes = scores.shape().empty() ? 1 : scores.shape().back();
  int64_t samples = classes ? scores.numElements() / classes : 0;
  const std::vector<std::string> &labels = model->artifact().metadata().labels;
  for (int64_t s = 0; s < samples; ++s) {
    if (samples > 1)
      std::printf("sample %lld:\n", (long long)s);
    std::vector<int64_t> order(static_cast<size_t>(classes));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return score(s * classes + a) > score(s * classes + b);
    });
    for (int64_t k = 0; k < std::min<int64_t>(topK, classes); ++k) {
      int64_t c = order[size_t(k)];
      std::printf("top%lld: class %lld", (long long)(k + 1), (long long)c);
      if (size_t(c) < labels.size())
        std::printf(" (%s)", labels[size_t(c)].c_str());
      std::printf(" score %.6g\n", score(s * classes + c));
    }
  }
  return 0;
}
