//===- CApiTest.cpp - kiln_runtime.h, the C API, on the example model ------===//
//
// The compiler libraries are linked only to build the artifact (as in
// RuntimeTest.cpp); everything under test goes through kiln_runtime.h.
//
//===----------------------------------------------------------------------===//
#include "kiln/kiln_runtime.h"
// Both C headers must be usable together (distinct names, same dtypes).
#include "kiln/kiln_plugin.h"

#include "ExampleArtifact.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/onnx/OnnxImporter.h"
#include "kiln/passes/ExportArtifact.h"
#include "kiln/passes/Passes.h"
#include "kiln/support/Npy.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <cstddef>
#include <cstring>
#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

static_assert(int(KILN_RT_DTYPE_F32) == int(KILN_DTYPE_F32) &&
                  int(KILN_RT_DTYPE_BF16) == int(KILN_DTYPE_BF16),
              "the C API's dtypes are kiln_dtype's");

using kiln::test::example;

class CApiFixture : public ::testing::Test {
protected:
  static std::string artifactPath;
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/kiln-capi-XXXXXX";
    artifactPath = std::string(mkdtemp(tmpl)) + "/mnist.kiln";
    std::string error;
    kiln::ExportOptions eo;
    eo.targets = {"reference"};
    eo.pluginPaths = {KILN_REFERENCE_PLUGIN_DIR};
    eo.modelVersion = "1.0";
    eo.properties = {{"team", "kiln"}};
    for (int i = 0; i < 10; ++i)
      eo.labels.push_back("digit " + std::to_string(i));
    std::string report;
    ASSERT_TRUE(kiln::test::compileExample(artifactPath, eo, report, error)) << error;
  }

  void SetUp() override {
    const char *paths[] = {KILN_REFERENCE_PLUGIN_DIR};
    kiln_runtime_options o;
    kiln_runtime_options_init(&o);
    o.plugin_paths = paths;
    o.num_plugin_paths = 1;
    ASSERT_EQ(kiln_runtime_create(&o, &rt), KILN_RT_OK) << kiln_last_error();
    ASSERT_NE(rt, nullptr);
  }
  void TearDown() override { kiln_runtime_destroy(rt); }

  kiln_model_t *load() {
    kiln_model_t *model = nullptr;
    EXPECT_EQ(kiln_model_load(rt, artifactPath.c_str(), &model, nullptr), KILN_RT_OK)
        << kiln_last_error();
    return model;
  }

  static std::vector<float> readFloats(const std::string &file) {
    kiln::npy::Array a;
    std::string error;
    EXPECT_TRUE(kiln::npy::read(file, a, error)) << error;
    std::vector<float> out(a.data.size() / 4);
    std::memcpy(out.data(), a.data.data(), out.size() * 4);
    return out;
  }

  kiln_runtime_t *rt = nullptr;
};
std::string CApiFixture::artifactPath;

TEST(CApi, VersionAndStrings) {
  EXPECT_EQ(kiln_runtime_abi_version(), KILN_RUNTIME_ABI_VERSION);
  ASSERT_NE(kiln_version(), nullptr);
  EXPECT_STRNE(kiln_version(), "");
  EXPECT_STREQ(kiln_status_string(KILN_RT_ERROR_NOT_FOUND), "KILN_RT_ERROR_NOT_FOUND");
  EXPECT_STREQ(kiln_dtype_name(KILN_RT_DTYPE_F32), "f32");
  EXPECT_EQ(kiln_dtype_size(KILN_RT_DTYPE_F64), 8u);
  EXPECT_EQ(kiln_dtype_size(8), 0u); // ONNX string: not a kiln dtype
  EXPECT_NE(kiln_last_error(), nullptr);
}

TEST_F(CApiFixture, ModelDescribesItself) {
  kiln_model_t *model = load();
  ASSERT_NE(model, nullptr);
  ASSERT_EQ(kiln_model_num_inputs(model), 1u);
  ASSERT_EQ(kiln_model_num_outputs(model), 1u);

  kiln_tensor_info in;
  in.struct_size = sizeof in;
  ASSERT_EQ(kiln_model_input_info(model, 0, &in), KILN_RT_OK) << kiln_last_error();
  EXPECT_STREQ(in.name, "input");
  EXPECT_EQ(in.dtype, KILN_RT_DTYPE_F32);
  ASSERT_EQ(in.rank, 4);
  EXPECT_EQ(std::vector<int64_t>(in.shape, in.shape + 4),
            (std::vector<int64_t>{KILN_RT_DIM_DYNAMIC, 1, 28, 28}));
  EXPECT_STREQ(in.dim_names[0], "batch");
  EXPECT_STREQ(in.dim_names[1], "");

  kiln_tensor_info out;
  out.struct_size = sizeof out;
  ASSERT_EQ(kiln_model_output_info(model, 0, &out), KILN_RT_OK) << kiln_last_error();
  EXPECT_STREQ(out.name, "logits");
  ASSERT_EQ(out.rank, 2);
  EXPECT_EQ(out.shape[1], 10);

  EXPECT_EQ(kiln_model_input_info(model, 1, &in), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(kiln_last_error()).find("out of range"), std::string::npos)
      << kiln_last_error();

  // An older, shorter kiln_tensor_info gets only the fields it has.
  struct {
    kiln_tensor_info info;
    char canary[8];
  } small;
  std::memset(&small, 0x5a, sizeof small);
  small.info.struct_size = offsetof(kiln_tensor_info, rank);
  ASSERT_EQ(kiln_model_input_info(model, 0, &small.info), KILN_RT_OK);
  EXPECT_STREQ(small.info.name, "input");
  EXPECT_EQ(small.info.dtype, KILN_RT_DTYPE_F32);
  const unsigned char *tail = reinterpret_cast<const unsigned char *>(&small.info) +
                              offsetof(kiln_tensor_info, rank);
  EXPECT_EQ(tail[0], 0x5a); // untouched

  ASSERT_EQ(kiln_model_num_labels(model), 10u);
  EXPECT_STREQ(kiln_model_label(model, 1), "digit 1");
  EXPECT_EQ(kiln_model_label(model, 10), nullptr);
  EXPECT_STREQ(kiln_model_metadata(model, "team"), "kiln");
  EXPECT_STREQ(kiln_model_metadata(model, "model_version"), "1.0");
  EXPECT_EQ(kiln_model_metadata(model, "no such key"), nullptr);
  kiln_model_destroy(model);
}

TEST_F(CApiFixture, WrappedUserBufferMatchesPyTorch) {
  std::vector<float> x = readFloats(example("input.npy"));
  std::vector<float> expected = readFloats(example("expected_output.npy"));
  ASSERT_EQ(x.size(), 784u);
  ASSERT_EQ(expected.size(), 10u);

  kiln_model_t *model = load();
  ASSERT_NE(model, nullptr);
  kiln_session_t *session = nullptr;
  ASSERT_EQ(kiln_session_create(model, &session), KILN_RT_OK) << kiln_last_error();

  // Wrap an all-zero buffer, then fill it: if kiln copied at wrap time it
  // would see zeros. The tensor's data pointer is the caller's pointer.
  std::vector<float> buffer(x.size(), 0.0f);
  const int64_t shape[4] = {1, 1, 28, 28};
  kiln_tensor_t *input = nullptr;
  ASSERT_EQ(kiln_tensor_wrap(KILN_RT_DTYPE_F32, shape, 4, buffer.data(),
                             buffer.size() * sizeof(float), &input),
            KILN_RT_OK)
      << kiln_last_error();
  EXPECT_EQ(kiln_tensor_data(input), static_cast<void *>(buffer.data()));
  EXPECT_EQ(kiln_tensor_byte_size(input), 784u * 4);
  std::memcpy(buffer.data(), x.data(), x.size() * sizeof(float));

  const char *names[] = {"input"};
  const kiln_tensor_t *inputs[] = {input};
  kiln_tensor_t *outputs[1] = {nullptr};
  ASSERT_EQ(kiln_session_run(session, names, inputs, 1, outputs, 1), KILN_RT_OK)
      << kiln_last_error();
  ASSERT_NE(outputs[0], nullptr);
  EXPECT_EQ(kiln_tensor_dtype(outputs[0]), KILN_RT_DTYPE_F32);
  ASSERT_EQ(kiln_tensor_rank(outputs[0]), 2);
  EXPECT_EQ(kiln_tensor_shape(outputs[0])[0], 1);
  EXPECT_EQ(kiln_tensor_shape(outputs[0])[1], 10);
  ASSERT_EQ(kiln_tensor_num_elements(outputs[0]), 10);
  const float *logits = static_cast<const float *>(kiln_tensor_data_const(outputs[0]));
  for (int k = 0; k < 10; ++k)
    EXPECT_NEAR(logits[k], expected[size_t(k)], 1e-5) << "class " << k;
  // The input was only read.
  EXPECT_EQ(std::memcmp(buffer.data(), x.data(), x.size() * sizeof(float)), 0);

  // Handles may go in any order: the output keeps its model alive.
  kiln_tensor_free(input);
  kiln_session_destroy(session);
  kiln_model_destroy(model);
  EXPECT_NEAR(logits[1], expected[1], 1e-5);
  kiln_tensor_free(outputs[0]);
}

TEST_F(CApiFixture, DynamicBatchAndSessionsPerThread) {
  std::vector<float> x = readFloats(example("input.npy"));
  std::vector<float> expected = readFloats(example("expected_output.npy"));
  kiln_model_t *model = load();
  ASSERT_NE(model, nullptr);
  auto work = [&](int64_t batch, int *failures) {
    kiln_session_t *session = nullptr;
    if (kiln_session_create(model, &session) != KILN_RT_OK) {
      ++*failures;
      return;
    }
    kiln_tensor_t *in = nullptr;
    const int64_t shape[4] = {batch, 1, 28, 28};
    if (kiln_tensor_create(KILN_RT_DTYPE_F32, shape, 4, &in) != KILN_RT_OK) {
      ++*failures;
      kiln_session_destroy(session);
      return;
    }
    for (int64_t b = 0; b < batch; ++b)
      std::memcpy(static_cast<float *>(kiln_tensor_data(in)) + b * 784, x.data(), 784 * 4);
    const char *names[] = {"input"};
    const kiln_tensor_t *inputs[] = {in};
    kiln_tensor_t *out = nullptr;
    if (kiln_session_run(session, names, inputs, 1, &out, 1) != KILN_RT_OK ||
        kiln_tensor_shape(out)[0] != batch) {
      ++*failures;
    } else {
      const float *y = static_cast<const float *>(kiln_tensor_data_const(out));
      for (int64_t b = 0; b < batch; ++b)
        for (int k = 0; k < 10; ++k)
          *failures += std::fabs(y[b * 10 + k] - expected[size_t(k)]) > 1e-5f;
    }
    kiln_tensor_free(out);
    kiln_tensor_free(in);
    kiln_session_destroy(session);
  };
  int failures[3] = {0, 0, 0};
  work(3, &failures[0]);
  EXPECT_EQ(failures[0], 0) << kiln_last_error();
  // A session per thread; the error message is per thread too.
  std::thread t1(work, 2, &failures[1]), t2(work, 1, &failures[2]);
  t1.join();
  t2.join();
  EXPECT_EQ(failures[1], 0);
  EXPECT_EQ(failures[2], 0);
  kiln_model_destroy(model);
}

TEST_F(CApiFixture, BadPathNamesTheFile) {
  kiln_model_t *model = reinterpret_cast<kiln_model_t *>(0x1);
  EXPECT_EQ(kiln_model_load(rt, "/nonexistent/dir/missing.kiln", &model, nullptr),
            KILN_RT_ERROR_NOT_FOUND);
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(std::string(kiln_last_error()).find("/nonexistent/dir/missing.kiln"),
            std::string::npos)
      << kiln_last_error();

  // A file that is not an artifact: a load error, still naming the file.
  std::string onnx = example("model.onnx");
  EXPECT_EQ(kiln_model_load(rt, onnx.c_str(), &model, nullptr), KILN_RT_ERROR_LOAD);
  EXPECT_NE(std::string(kiln_last_error()).find(onnx), std::string::npos) << kiln_last_error();

  // The error is per thread: another thread's failure does not overwrite it.
  std::string other;
  std::thread([&] {
    kiln_model_t *m = nullptr;
    kiln_model_load(rt, "/elsewhere.kiln", &m, nullptr);
    other = kiln_last_error();
  }).join();
  EXPECT_NE(other.find("/elsewhere.kiln"), std::string::npos) << other;
  EXPECT_NE(std::string(kiln_last_error()).find(onnx), std::string::npos) << kiln_last_error();

  kiln_tensor_t *t = nullptr;
  EXPECT_EQ(kiln_tensor_read_npy("/nonexistent/x.npy", &t), KILN_RT_ERROR_NOT_FOUND);
  EXPECT_EQ(t, nullptr);
  EXPECT_NE(std::string(kiln_last_error()).find("/nonexistent/x.npy"), std::string::npos);
}

TEST_F(CApiFixture, BadInputsAreRefused) {
  kiln_model_t *model = load();
  ASSERT_NE(model, nullptr);
  kiln_session_t *session = nullptr;
  ASSERT_EQ(kiln_session_create(model, &session), KILN_RT_OK);
  std::vector<float> buffer(3 * 28 * 28);
  auto wrap = [&](int32_t dtype, std::vector<int64_t> shape) {
    kiln_tensor_t *t = nullptr;
    EXPECT_EQ(kiln_tensor_wrap(dtype, shape.data(), int32_t(shape.size()), buffer.data(),
                               buffer.size() * sizeof(float), &t),
              KILN_RT_OK)
        << kiln_last_error();
    return t;
  };
  kiln_tensor_t *good = wrap(KILN_RT_DTYPE_F32, {1, 1, 28, 28});
  kiln_tensor_t *badShape = wrap(KILN_RT_DTYPE_F32, {1, 3, 28, 28});
  kiln_tensor_t *badRank = wrap(KILN_RT_DTYPE_F32, {1, 28, 28});
  kiln_tensor_t *badType = wrap(KILN_RT_DTYPE_I32, {1, 1, 28, 28});
  kiln_tensor_t *out[1] = {reinterpret_cast<kiln_tensor_t *>(0x1)};
  auto run = [&](std::vector<const char *> names, std::vector<const kiln_tensor_t *> ts) {
    return kiln_session_run(session, names.data(), ts.data(), names.size(), out, 1);
  };
  auto lastError = [] { return std::string(kiln_last_error()); };

  EXPECT_EQ(run({"inputs"}, {good}), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("no input named 'inputs'"), std::string::npos) << lastError();
  EXPECT_EQ(out[0], nullptr);
  EXPECT_EQ(run({}, {}), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("missing input 'input'"), std::string::npos) << lastError();
  EXPECT_EQ(run({"input", "input"}, {good, good}), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("given twice"), std::string::npos) << lastError();
  EXPECT_EQ(run({"input"}, {badShape}), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("has shape 1x3x28x28 but the model expects ?x1x28x28"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(run({"input"}, {badRank}), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("has shape 1x28x28"), std::string::npos) << lastError();
  EXPECT_EQ(run({"input"}, {badType}), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("dtype i32 but the model expects f32"), std::string::npos)
      << lastError();
  // Output count must match.
  const char *names[] = {"input"};
  const kiln_tensor_t *ins[] = {good};
  kiln_tensor_t *two[2];
  EXPECT_EQ(kiln_session_run(session, names, ins, 1, two, 2), KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("num_outputs is 2 but the model has 1"), std::string::npos)
      << lastError();
  // And the session still works after all that.
  EXPECT_EQ(run({"input"}, {good}), KILN_RT_OK) << lastError();
  kiln_tensor_free(out[0]);

  // Wrapping checks the buffer against the shape.
  kiln_tensor_t *t = nullptr;
  const int64_t big[4] = {4, 1, 28, 28};
  EXPECT_EQ(kiln_tensor_wrap(KILN_RT_DTYPE_F32, big, 4, buffer.data(),
                             buffer.size() * sizeof(float), &t),
            KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("byte_size 9408 is less than the 12544 bytes"), std::string::npos)
      << lastError();
  const int64_t negative[2] = {1, -1};
  EXPECT_EQ(kiln_tensor_wrap(KILN_RT_DTYPE_F32, negative, 2, buffer.data(), 4, &t),
            KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_tensor_wrap(99, big, 4, buffer.data(), buffer.size() * 4, &t),
            KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("unknown dtype 99"), std::string::npos) << lastError();
  EXPECT_EQ(t, nullptr);
  // A scalar needs no shape.
  float one = 1.0f;
  ASSERT_EQ(kiln_tensor_wrap(KILN_RT_DTYPE_F32, nullptr, 0, &one, sizeof one, &t), KILN_RT_OK);
  EXPECT_EQ(kiln_tensor_num_elements(t), 1);
  kiln_tensor_free(t);

  for (kiln_tensor_t *x : {good, badShape, badRank, badType})
    kiln_tensor_free(x);
  kiln_session_destroy(session);
  kiln_model_destroy(model);
}

TEST_F(CApiFixture, NullArgumentsAreRefusedNotFatal) {
  const kiln_runtime_status bad = KILN_RT_ERROR_INVALID_ARGUMENT;
  kiln_model_t *model = nullptr;
  EXPECT_EQ(kiln_runtime_create(nullptr, nullptr), bad);
  EXPECT_NE(std::string(kiln_last_error()).find("runtime is NULL"), std::string::npos);
  EXPECT_EQ(kiln_model_load(nullptr, artifactPath.c_str(), &model, nullptr), bad);
  EXPECT_EQ(kiln_model_load(rt, nullptr, &model, nullptr), bad);
  EXPECT_NE(std::string(kiln_last_error()).find("path is NULL"), std::string::npos);
  EXPECT_EQ(kiln_model_load(rt, artifactPath.c_str(), nullptr, nullptr), bad);
  kiln_model_load_options lo = {}; // struct_size left 0
  EXPECT_EQ(kiln_model_load(rt, artifactPath.c_str(), &model, &lo), bad);
  kiln_model_load_options_init(&lo);
  lo.verify_weights = 1;
  ASSERT_EQ(kiln_model_load(rt, artifactPath.c_str(), &model, &lo), KILN_RT_OK)
      << kiln_last_error();

  kiln_tensor_info info;
  info.struct_size = sizeof info;
  EXPECT_EQ(kiln_model_input_info(nullptr, 0, &info), bad);
  EXPECT_EQ(kiln_model_input_info(model, 0, nullptr), bad);
  EXPECT_EQ(kiln_model_output_info(nullptr, 0, &info), bad);
  EXPECT_EQ(kiln_model_num_inputs(nullptr), 0u);
  EXPECT_EQ(kiln_model_num_outputs(nullptr), 0u);
  EXPECT_EQ(kiln_model_num_labels(nullptr), 0u);
  EXPECT_EQ(kiln_model_label(nullptr, 0), nullptr);
  EXPECT_EQ(kiln_model_metadata(nullptr, "team"), nullptr);
  EXPECT_EQ(kiln_model_metadata(model, nullptr), nullptr);

  kiln_session_t *session = nullptr;
  EXPECT_EQ(kiln_session_create(nullptr, &session), bad);
  EXPECT_EQ(kiln_session_create(model, nullptr), bad);
  ASSERT_EQ(kiln_session_create(model, &session), KILN_RT_OK);
  kiln_tensor_t *out[1];
  const char *names[] = {"input"};
  const char *nullName[] = {nullptr};
  const kiln_tensor_t *nullTensor[] = {nullptr};
  EXPECT_EQ(kiln_session_run(nullptr, names, nullTensor, 1, out, 1), bad);
  EXPECT_EQ(kiln_session_run(session, nullptr, nullTensor, 1, out, 1), bad);
  EXPECT_EQ(kiln_session_run(session, names, nullptr, 1, out, 1), bad);
  EXPECT_EQ(kiln_session_run(session, names, nullTensor, 1, out, 1), bad);
  EXPECT_NE(std::string(kiln_last_error()).find("inputs[0] ('input') is NULL"), std::string::npos)
      << kiln_last_error();
  EXPECT_EQ(kiln_session_run(session, nullName, nullTensor, 1, out, 1), bad);
  EXPECT_EQ(kiln_session_run(session, names, nullTensor, 1, nullptr, 1), bad);

  const int64_t shape[1] = {4};
  kiln_tensor_t *t = nullptr;
  EXPECT_EQ(kiln_tensor_wrap(KILN_RT_DTYPE_F32, shape, 1, nullptr, 16, &t), bad);
  EXPECT_EQ(kiln_tensor_wrap(KILN_RT_DTYPE_F32, nullptr, 1, &t, 16, &t), bad);
  EXPECT_EQ(kiln_tensor_wrap(KILN_RT_DTYPE_F32, shape, 1, &t, 16, nullptr), bad);
  EXPECT_EQ(kiln_tensor_create(KILN_RT_DTYPE_F32, shape, 1, nullptr), bad);
  EXPECT_EQ(kiln_tensor_create(KILN_RT_DTYPE_F32, shape, -1, &t), bad);
  EXPECT_EQ(kiln_tensor_read_npy(nullptr, &t), bad);
  EXPECT_EQ(kiln_tensor_read_npy("x.npy", nullptr), bad);
  EXPECT_EQ(kiln_tensor_dtype(nullptr), 0);
  EXPECT_EQ(kiln_tensor_rank(nullptr), 0);
  EXPECT_EQ(kiln_tensor_shape(nullptr), nullptr);
  EXPECT_EQ(kiln_tensor_data(nullptr), nullptr);
  EXPECT_EQ(kiln_tensor_data_const(nullptr), nullptr);
  EXPECT_EQ(kiln_tensor_num_elements(nullptr), 0);
  EXPECT_EQ(kiln_tensor_byte_size(nullptr), 0u);
  kiln_runtime_options_init(nullptr);
  kiln_model_load_options_init(nullptr);
  kiln_tensor_free(nullptr);
  kiln_session_destroy(nullptr);
  kiln_model_destroy(nullptr);
  kiln_runtime_destroy(nullptr);

  // The runtime may go first: the model and session keep what they need.
  kiln_runtime_destroy(rt);
  rt = nullptr;
  kiln_session_destroy(session);
  kiln_model_destroy(model);
}

TEST_F(CApiFixture, ReadNpyRoundTrip) {
  kiln_tensor_t *t = nullptr;
  ASSERT_EQ(kiln_tensor_read_npy(example("input.npy").c_str(), &t), KILN_RT_OK)
      << kiln_last_error();
  EXPECT_EQ(kiln_tensor_dtype(t), KILN_RT_DTYPE_F32);
  ASSERT_EQ(kiln_tensor_rank(t), 4);
  EXPECT_EQ(kiln_tensor_shape(t)[3], 28);
  std::vector<float> x = readFloats(example("input.npy"));
  EXPECT_EQ(std::memcmp(kiln_tensor_data(t), x.data(), x.size() * 4), 0);
  kiln_tensor_free(t);
  EXPECT_EQ(kiln_tensor_read_npy(example("model.onnx").c_str(), &t),
            KILN_RT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(kiln_last_error()).find("model.onnx"), std::string::npos);
}

} // namespace
