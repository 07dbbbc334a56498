//===- KernelsTest.cpp - tests of the reference kernels ------------------===//
//
// Expected values were computed with numpy 1.x / torch 1.13 (and the ONNX
// reference semantics) and pasted in.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"
#include "Kernels.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

using namespace kiln::ref;

namespace {

constexpr DType F32 = DType::F32, F64 = DType::F64, F16 = DType::F16, BF = DType::BF16, I8 = DType::I8,
                U8 = DType::U8, I16 = DType::I16, U16 = DType::U16, I32 = DType::I32, U32 = DType::U32,
                I64 = DType::I64, U64 = DType::U64, B = DType::Bool;
const double NaN = std::nan(""), Inf = INFINITY;

struct Owned {
  DType dt = F32;
  std::vector<int64_t> shape;
  std::vector<unsigned char> bytes;
  Tensor view() const { return Tensor{dt, shape, const_cast<unsigned char *>(bytes.data())}; }
};

Owned mk(DType dt, std::vector<int64_t> shape, std::vector<double> vals) {
  Owned o{dt, shape, {}};
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  EXPECT_EQ((size_t)n, vals.size()) << "test data size";
  o.bytes.resize(std::max<size_t>(1, (size_t)n * dtypeSize(dt)));
  Tensor t = o.view();
  dispatchAll(dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < n && i < (int64_t)vals.size(); ++i) {
      if constexpr (isIntT<T>) ptr<T>(t)[i] = (T)(int64_t)vals[i];
      else ptr<T>(t)[i] = fromDouble<T>(vals[i]);
    }
    return Status::success();
  });
  return o;
}

std::vector<double> values(const Owned &o) {
  std::vector<double> r;
  Tensor t = o.view();
  dispatchAll(o.dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < t.numElements(); ++i) r.push_back(toDouble(ptr<T>(t)[i]));
    return Status::success();
  });
  return r;
}

struct Case {
  std::string op;
  Attrs attrs;
  std::vector<std::optional<Owned>> ins;
  std::vector<Owned> outs;
  explicit Case(std::string o) : op(std::move(o)) {}
  Case &in(DType dt, std::vector<int64_t> s, std::vector<double> v) { ins.push_back(mk(dt, s, v)); return *this; }
  Case &absent() { ins.push_back(std::nullopt); return *this; }
  Case &set(const std::string &n, Attr a) { attrs.set(n, std::move(a)); return *this; }
  Case &i(const std::string &n, int64_t v) { return set(n, Attr::makeInt(v)); }
  Case &f(const std::string &n, double v) { return set(n, Attr::makeFloat(v)); }
  Case &s(const std::string &n, const std::string &v) { return set(n, Attr::makeString(v)); }
  Case &ints(const std::string &n, std::vector<int64_t> v) { return set(n, Attr::makeInts(v)); }
  Case &floats(const std::string &n, std::vector<double> v) { return set(n, Attr::makeFloats(v)); }
  std::vector<const Tensor *> inputs(std::vector<Tensor> &store) const {
    store.clear();
    store.reserve(ins.size());
    std::vector<const Tensor *> r;
    for (auto &o : ins) {
      if (o) { store.push_back(o->view()); r.push_back(&store.back()); }
      else r.push_back(nullptr);
    }
    return r;
  }
  Status infer(std::vector<std::vector<int64_t>> &s, std::vector<DType> &t) const {
    std::vector<Tensor> store;
    return inferShapes(op, attrs, inputs(store), s, t);
  }
  Status exec() {
    std::vector<Tensor> store;
    auto in = inputs(store);
    std::vector<std::vector<int64_t>> s;
    std::vector<DType> t;
    Status st = inferShapes(op, attrs, in, s, t);
    if (!st) return st;
    outs.clear();
    std::vector<Tensor> views;
    for (size_t k = 0; k < s.size(); ++k) outs.push_back(mk(t[k], s[k], std::vector<double>(
                                                               (size_t)std::max<int64_t>(0, [&] { int64_t n = 1; for (int64_t d : s[k]) n *= d; return n; }()), 0.0)));
    for (auto &o : outs) views.push_back(o.view());
    return run(op, attrs, in, views);
  }
  /// Runs and compares output k against dtype/shape/values (NaN matches NaN).
  void expect(size_t k, DType dt, std::vector<int64_t> shape, std::vector<double> want, double tol = 1e-5) {
    if (outs.empty()) {
      Status st = exec();
      ASSERT_TRUE(st.ok) << st.message;
    }
    ASSERT_LT(k, outs.size());
    EXPECT_EQ(outs[k].dt, dt) << op << " output " << k;
    ASSERT_EQ(outs[k].shape, shape) << op << " output " << k;
    auto got = values(outs[k]);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      if (std::isnan(want[i])) { EXPECT_TRUE(std::isnan(got[i])) << op << " [" << i << "] = " << got[i]; continue; }
      if (std::isinf(want[i])) { EXPECT_EQ(got[i], want[i]) << op << " [" << i << "]"; continue; }
      EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::fabs(want[i]))) << op << " [" << i << "]";
    }
  }
  void expect(DType dt, std::vector<int64_t> shape, std::vector<double> want, double tol = 1e-5) {
    expect(0, dt, shape, want, tol);
  }
  /// Expects inferShapes (or run) to fail with a message containing `part`.
  void fails(const std::string &part) {
    std::vector<std::vector<int64_t>> s;
    std::vector<DType> t;
    Status st = infer(s, t);
    if (st.ok) st = exec();
    ASSERT_FALSE(st.ok) << op << " should fail with '" << part << "'";
    EXPECT_NE(st.message.find(part), std::string::npos) << st.message;
    EXPECT_NE(st.message.find("kiln." + op), std::string::npos) << st.message;
  }
};

} // namespace

TEST(Kernels, SupportsEveryOpButConstant) {
  const char *ops[] = {"shape", "size", "range", "constant_of_shape", "relu", "leaky_relu", "elu", "selu", "gelu", "erf",
    "sigmoid", "hard_sigmoid", "hard_swish", "silu", "mish", "softplus", "tanh", "exp", "log", "sqrt", "reciprocal",
    "sin", "cos", "floor", "ceil", "round", "abs", "neg", "sign", "not", "clip", "identity", "dropout", "cast", "add",
    "sub", "mul", "div", "pow", "min", "max", "mod", "equal", "less", "less_or_equal", "greater", "greater_or_equal",
    "and", "or", "xor", "prelu", "where", "softmax", "log_softmax", "reduce_sum", "reduce_mean", "reduce_max",
    "reduce_min", "reduce_prod", "reduce_l1", "reduce_l2", "reduce_sum_square", "reduce_log_sum_exp", "arg_max",
    "arg_min", "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "concat", "split", "slice", "gather", "pad",
    "expand", "tile", "resize", "conv", "conv_transpose", "matmul", "gemm", "linear", "batch_norm", "layer_norm",
    "group_norm", "instance_norm", "max_pool", "average_pool", "global_average_pool", "global_max_pool",
    "gather_elements", "trilu", "cum_sum", "hardmax",
    // fused ops made by the optimizer (kernels/Fused.cpp)
    "fused_conv", "fused_matmul", "rms_norm", "attention"};
  EXPECT_EQ(sizeof(ops) / sizeof(ops[0]), 99u);
  for (const char *op : ops) EXPECT_TRUE(isSupported(op)) << op;
  EXPECT_FALSE(isSupported("constant"));
  EXPECT_FALSE(isSupported("bogus"));
  // kiln.custom is for kernel plugins that know the domain, never the reference.
  EXPECT_FALSE(isSupported("custom"));
  // Op families (kernels/<Family>.cpp) register further ops, tested in their own files.
  EXPECT_GE(supportedOps().size(), 99u);
}

TEST(Kernels, HalfConversions) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(floatToHalf(5.960464477539063e-08f), 0x0001);
  EXPECT_EQ(floatToHalf(1.0009765625f * 1.0f + 0.00048828125f), 0x3c02); // tie to even (up)
  EXPECT_EQ(halfToFloat(0x0001), 5.960464477539063e-08f);
  EXPECT_EQ(halfToFloat(0xc000), -2.0f);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(NAN))));
  EXPECT_EQ(floatToBf16(1.0f), 0x3f80);
  EXPECT_EQ(bf16ToFloat(0x4049), 3.140625f);
  EXPECT_EQ(floatToBf16(1.00390625f), 0x3f80); // tie to even (down)
}

TEST(Kernels, Conv64x56x56IsFast) {
  Case c("conv");
  std::vector<double> x(64 * 56 * 56), w(64 * 64 * 9);
  for (size_t i = 0; i < x.size(); ++i) x[i] = (double)(i % 7) * 0.25;
  for (size_t i = 0; i < w.size(); ++i) w[i] = (double)(i % 5) * 0.01 - 0.02;
  c.in(F32, {1, 64, 56, 56}, x).in(F32, {64, 64, 3, 3}, w).ints("pads", {1, 1, 1, 1});
  auto t0 = std::chrono::steady_clock::now();
  Status st = c.exec();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(st.ok) << st.message;
  EXPECT_LT(secs, 5.0); // well under a second at -O2; generous for sanitizer builds
  EXPECT_EQ(c.outs[0].shape, (std::vector<int64_t>{1, 64, 56, 56}));
}
TEST(Op, shape_1) {
  Case c("shape");
  c.in(F32, {2, 3, 4}, {1.764, 0.4, 0.979, 2.241, 1.868, -0.977, 0.95, -0.151, -0.103, 0.411, 0.144, 1.454, 0.761, 0.122, 0.444, 0.334, 1.494, -0.205, 0.313, -0.854, -2.553, 0.654, 0.864, -0.742});
  c.expect(0, I64, {3}, {2.0, 3.0, 4.0}, 1e-05);
}

TEST(Op, shape_2) {
  Case c("shape");
  c.in(F32, {2, 3, 4}, {1.764, 0.4, 0.979, 2.241, 1.868, -0.977, 0.95, -0.151, -0.103, 0.411, 0.144, 1.454, 0.761, 0.122, 0.444, 0.334, 1.494, -0.205, 0.313, -0.854, -2.553, 0.654, 0.864, -0.742});
  c.i("start", -2);
  c.expect(0, I64, {2}, {3.0, 4.0}, 1e-05);
}

TEST(Op, shape_3) {
  Case c("shape");
  c.in(F32, {2, 3, 4}, {1.764, 0.4, 0.979, 2.241, 1.868, -0.977, 0.95, -0.151, -0.103, 0.411, 0.144, 1.454, 0.761, 0.122, 0.444, 0.334, 1.494, -0.205, 0.313, -0.854, -2.553, 0.654, 0.864, -0.742});
  c.i("start", 1);
  c.i("end", -1);
  c.expect(0, I64, {1}, {3.0}, 1e-05);
}

TEST(Op, size_1) {
  Case c("size");
  c.in(F32, {2, 3, 4}, {1.764, 0.4, 0.979, 2.241, 1.868, -0.977, 0.95, -0.151, -0.103, 0.411, 0.144, 1.454, 0.761, 0.122, 0.444, 0.334, 1.494, -0.205, 0.313, -0.854, -2.553, 0.654, 0.864, -0.742});
  c.expect(0, I64, {}, {24.0}, 1e-05);
}

TEST(Op, range_1) {
  Case c("range");
  c.in(F32, {}, {1.0});
  c.in(F32, {}, {2.0});
  c.in(F32, {}, {0.25});
  c.expect(0, F32, {4}, {1.0, 1.25, 1.5, 1.75}, 1e-05);
}

TEST(Op, range_2) {
  Case c("range");
  c.in(I64, {}, {10.0});
  c.in(I64, {}, {1.0});
  c.in(I64, {}, {-3.0});
  c.expect(0, I64, {3}, {10.0, 7.0, 4.0}, 1e-05);
}

TEST(Op, range_3) {
  Case c("range");
  c.in(I32, {}, {0.0});
  c.in(I32, {}, {0.0});
  c.in(I32, {}, {1.0});
  c.expect(0, I32, {0}, {}, 1e-05);
}

TEST(Op, constant_of_shape_1) {
  Case c("constant_of_shape");
  c.in(I64, {2}, {2.0, 3.0});
  c.expect(0, F32, {2, 3}, {0.0, 0.0, 0.0, 0.0, 0.0, 0.0}, 1e-05);
}

TEST(Op, constant_of_shape_2) {
  Case c("constant_of_shape");
  c.in(I64, {1}, {3.0});
  c.set("value", Attr::makeValue(I64, 7));
  c.expect(0, I64, {3}, {7.0, 7.0, 7.0}, 1e-05);
}

TEST(Op, relu_1) {
  Case c("relu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 2.5, 4.0}, 1e-05);
}

TEST(Op, leaky_relu_1) {
  Case c("leaky_relu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.f("alpha", 0.1);
  c.expect(0, F32, {8}, {-0.30000000000000004, -0.15000000000000002, -0.05, 0.0, 0.5, 1.0, 2.5, 4.0}, 1e-05);
}

TEST(Op, leaky_relu_2) {
  Case c("leaky_relu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.03, -0.015, -0.005, 0.0, 0.5, 1.0, 2.5, 4.0}, 1e-05);
}

TEST(Op, elu_1) {
  Case c("elu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.950212931632136, -0.7768698398515702, -0.3934693402873666, 0.0, 0.5, 1.0, 2.5, 4.0}, 1e-05);
}

TEST(Op, elu_2) {
  Case c("elu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.f("alpha", 0.5);
  c.expect(0, F32, {8}, {-0.475106465816068, -0.3884349199257851, -0.1967346701436833, 0.0, 0.5, 1.0, 2.5, 4.0}, 1e-05);
}

TEST(Op, selu_1) {
  Case c("selu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-1.6705687287671118, -1.3658143533672527, -0.6917581878028713, 0.0, 0.5253504936777402, 1.0507009873554805, 2.626752468388701, 4.202803949421922}, 1e-05);
}

TEST(Op, gelu_1) {
  Case c("gelu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.00404969409489031, -0.10021080190328704, -0.15426876936299344, 0.0, 0.34573123063700656, 0.841344746068543, 2.4844758366855597, 3.9998733150326675}, 1e-05);
}

TEST(Op, gelu_2) {
  Case c("gelu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.s("approximate", "tanh");
  c.expect(0, F32, {8}, {-0.0036373920817729943, -0.10042842301976707, -0.15428599017485606, 0.0, 0.34571400982514394, 0.8411919906082768, 2.484915733910001, 3.9999297540518075}, 1e-05);
}

TEST(Op, erf_1) {
  Case c("erf");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.9999779095030014, -0.9661051464753108, -0.5204998778130465, 0.0, 0.5204998778130465, 0.8427007929497149, 0.999593047982555, 0.9999999845827421}, 1e-05);
}

TEST(Op, sigmoid_1) {
  Case c("sigmoid");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {0.04742587317756678, 0.18242552380635635, 0.3775406687981454, 0.5, 0.6224593312018546, 0.7310585786300049, 0.9241418199787566, 0.9820137900379085}, 1e-05);
}

TEST(Op, hard_sigmoid_1) {
  Case c("hard_sigmoid");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {0.0, 0.19999999999999996, 0.4, 0.5, 0.6, 0.7, 1.0, 1.0}, 1e-05);
}

TEST(Op, hard_sigmoid_2) {
  Case c("hard_sigmoid");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.f("alpha", 0.5);
  c.f("beta", 0.6);
  c.expect(0, F32, {8}, {0.0, 0.0, 0.35, 0.6, 0.85, 1.0, 1.0, 1.0}, 1e-05);
}

TEST(Op, hard_swish_1) {
  Case c("hard_swish");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.0, -0.375, -0.20833333333333334, 0.0, 0.2916666666666667, 0.6666666666666666, 2.2916666666666665, 4.0}, 1e-05);
}

TEST(Op, silu_1) {
  Case c("silu");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.14227761953270035, -0.2736382857095345, -0.1887703343990727, 0.0, 0.3112296656009273, 0.7310585786300049, 2.3103545499468914, 3.928055160151634}, 1e-05);
}

TEST(Op, mish_1) {
  Case c("mish");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.1456474612756246, -0.2980997421668068, -0.22074377465173, 0.0, 0.37524521130489513, 0.8650983882673103, 2.471392304557881, 3.9974128069762385}, 1e-05);
}

TEST(Op, softplus_1) {
  Case c("softplus");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {0.04858735157374206, 0.2014132779827524, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067, 1.3132616875182228, 2.5788897342925496, 4.0181499279178094}, 1e-05);
}

TEST(Op, softplus_2) {
  Case c("softplus");
  c.in(F64, {5}, {-100.0, -20.0, 0.0, 30.0, 100.0});
  c.expect(0, F64, {5}, {3.720075976020836e-44, 2.061153620314381e-09, 0.6931471805599453, 30.000000000000092, 100.0}, 1e-12);
}

TEST(Op, tanh_1) {
  Case c("tanh");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.9950547536867305, -0.9051482536448664, -0.46211715726000974, 0.0, 0.46211715726000974, 0.7615941559557649, 0.9866142981514303, 0.999329299739067}, 1e-05);
}

TEST(Op, exp_1) {
  Case c("exp");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {0.049787068367863944, 0.22313016014842982, 0.6065306597126334, 1.0, 1.6487212707001282, 2.718281828459045, 12.182493960703473, 54.598150033144236}, 1e-05);
}

TEST(Op, log_1) {
  Case c("log");
  c.in(F32, {5}, {0.0, 0.5, 1.0, 10.0, -1.0});
  c.expect(0, F32, {5}, {-Inf, -0.6931471805599453, 0.0, 2.302585092994046, NaN}, 1e-05);
}

TEST(Op, sqrt_1) {
  Case c("sqrt");
  c.in(F32, {4}, {0.0, 0.25, 2.0, -1.0});
  c.expect(0, F32, {4}, {0.0, 0.5, 1.4142135623730951, NaN}, 1e-05);
}

TEST(Op, reciprocal_1) {
  Case c("reciprocal");
  c.in(F32, {3}, {0.5, -4.0, 0.0});
  c.expect(0, F32, {3}, {2.0, -0.25, Inf}, 1e-05);
}

TEST(Op, sin_1) {
  Case c("sin");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.1411200080598672, -0.9974949866040544, -0.479425538604203, 0.0, 0.479425538604203, 0.8414709848078965, 0.5984721441039564, -0.7568024953079282}, 1e-05);
}

TEST(Op, cos_1) {
  Case c("cos");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-0.9899924966004454, 0.0707372016677029, 0.8775825618903728, 1.0, 0.8775825618903728, 0.5403023058681398, -0.8011436155469337, -0.6536436208636119}, 1e-05);
}

TEST(Op, floor_1) {
  Case c("floor");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-3.0, -2.0, -1.0, 0.0, 0.0, 1.0, 2.0, 4.0}, 1e-05);
}

TEST(Op, ceil_1) {
  Case c("ceil");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-3.0, -1.0, -0.0, 0.0, 1.0, 1.0, 3.0, 4.0}, 1e-05);
}

TEST(Op, round_1) {
  Case c("round");
  c.in(F32, {8}, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6, -2.6});
  c.expect(0, F32, {8}, {-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 3.0, -3.0}, 1e-05);
}

TEST(Op, dropout_1) {
  Case c("dropout");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0}, 1e-05);
}

TEST(Op, tanh_2) {
  Case c("tanh");
  c.in(F64, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F64, {8}, {-0.9950547536867305, -0.9051482536448664, -0.46211715726000974, 0.0, 0.46211715726000974, 0.7615941559557649, 0.9866142981514303, 0.999329299739067}, 1e-12);
}

TEST(Op, sigmoid_2) {
  Case c("sigmoid");
  c.in(F16, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F16, {8}, {0.04742587317756678, 0.18242552380635635, 0.3775406687981454, 0.5, 0.6224593312018546, 0.7310585786300049, 0.9241418199787566, 0.9820137900379085}, 0.001);
}

TEST(Op, exp_2) {
  Case c("exp");
  c.in(BF, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, BF, {8}, {0.049787068367863944, 0.22313016014842982, 0.6065306597126334, 1.0, 1.6487212707001282, 2.718281828459045, 12.182493960703473, 54.598150033144236}, 0.01);
}

TEST(Op, relu_2) {
  Case c("relu");
  c.in(I32, {3}, {-3.0, 0.0, 5.0});
  c.expect(0, I32, {3}, {0.0, 0.0, 5.0}, 1e-05);
}

TEST(Op, abs_1) {
  Case c("abs");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {3.0, 1.5, 0.5, 0.0, 0.5, 1.0, 2.5, 4.0}, 1e-05);
}

TEST(Op, abs_2) {
  Case c("abs");
  c.in(I8, {3}, {-128.0, -5.0, 7.0});
  c.expect(0, I8, {3}, {-128.0, 5.0, 7.0}, 1e-05);
}

TEST(Op, neg_1) {
  Case c("neg");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.expect(0, F32, {8}, {3.0, 1.5, 0.5, -0.0, -0.5, -1.0, -2.5, -4.0}, 1e-05);
}

TEST(Op, neg_2) {
  Case c("neg");
  c.in(I64, {3}, {-3.0, 0.0, 5.0});
  c.expect(0, I64, {3}, {3.0, 0.0, -5.0}, 1e-05);
}

TEST(Op, sign_1) {
  Case c("sign");
  c.in(F32, {4}, {-2.0, 0.0, 3.0, NaN});
  c.expect(0, F32, {4}, {-1.0, 0.0, 1.0, NaN}, 1e-05);
}

TEST(Op, sign_2) {
  Case c("sign");
  c.in(I16, {3}, {-2.0, 0.0, 3.0});
  c.expect(0, I16, {3}, {-1.0, 0.0, 1.0}, 1e-05);
}

TEST(Op, not_1) {
  Case c("not");
  c.in(B, {3}, {0.0, 1.0, 1.0});
  c.expect(0, B, {3}, {1.0, 0.0, 0.0}, 1e-05);
}

TEST(Op, identity_1) {
  Case c("identity");
  c.in(U16, {3}, {1.0, 2.0, 65535.0});
  c.expect(0, U16, {3}, {1.0, 2.0, 65535.0}, 1e-05);
}

TEST(Op, clip_1) {
  Case c("clip");
  c.in(F32, {8}, {-3.0, -1.5, -0.5, 0.0, 0.5, 1.0, 2.5, 4.0});
  c.f("min", -1.0);
  c.f("max", 2.0);
  c.expect(0, F32, {8}, {-1.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.0}, 1e-05);
}

TEST(Op, clip_2) {
  Case c("clip");
  c.in(F32, {3}, {-1.0, NaN, 5.0});
  c.f("max", 2.0);
  c.expect(0, F32, {3}, {-1.0, NaN, 2.0}, 1e-05);
}

TEST(Op, clip_3) {
  Case c("clip");
  c.in(I32, {3}, {-5.0, 0.0, 5.0});
  c.f("min", -1.5);
  c.expect(0, I32, {3}, {-1.0, 0.0, 5.0}, 1e-05);
}

TEST(Op, clip_4) {
  Case c("clip");
  c.in(F32, {2}, {1.0, 5.0});
  c.f("min", 3.0);
  c.f("max", 2.0);
  c.expect(0, F32, {2}, {2.0, 2.0}, 1e-05);
}

TEST(Op, clip_bound_operands_f32) {
  Case c("clip");
  c.in(F32, {4}, {-3.0, 0.5, NaN, 4.0});
  c.in(F32, {}, {-1.0});
  c.in(F32, {1}, {2.0});
  c.expect(0, F32, {4}, {-1.0, 0.5, NaN, 2.0}, 1e-05);
}

TEST(Op, clip_bound_operands_int_crossed) {
  Case c("clip");
  c.in(I8, {3}, {-128.0, 0.0, 127.0});
  c.in(I8, {}, {5.0});
  c.in(I8, {}, {3.0});
  c.expect(0, I8, {3}, {3.0, 3.0, 3.0}, 0);
}

TEST(Op, mod_fmod_int) {
  Case c("mod");
  c.in(I32, {4}, {7.0, -7.0, 7.0, -7.0});
  c.in(I32, {4}, {3.0, 3.0, -3.0, -3.0});
  c.i("fmod", 1);
  c.expect(0, I32, {4}, {1.0, -1.0, 1.0, -1.0}, 0);
}

TEST(Op, reduce_axes_operand) {
  Case c("reduce_sum");
  c.in(F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  c.in(I64, {1}, {-1});
  c.i("keepdims", 0);
  c.expect(0, F32, {2}, {6, 15}, 1e-05);
}

TEST(Op, reduce_empty_axes_operand_noop) {
  Case c("reduce_max");
  c.in(F32, {2}, {1, 2});
  c.in(I64, {0}, {});
  c.i("noop_with_empty_axes", 1);
  c.expect(0, F32, {2}, {1, 2}, 1e-05);
}

TEST(Op, resize_scales_operand) {
  Case c("resize");
  c.in(F32, {1, 2}, {1.0, 3.0});
  c.in(F32, {2}, {1.0, 2.0});
  c.s("mode", "nearest");
  c.s("coordinate_transformation_mode", "asymmetric");
  c.s("nearest_mode", "floor");
  c.expect(0, F32, {1, 4}, {1.0, 1.0, 3.0, 3.0}, 1e-05);
}

TEST(Op, unsqueeze_axes_operand) {
  Case c("unsqueeze");
  c.in(F32, {2}, {1, 2});
  c.in(I64, {2}, {0, -1});
  c.expect(0, F32, {1, 2, 1}, {1, 2}, 0);
}

TEST(Op, squeeze_axes_operand) {
  Case c("squeeze");
  c.in(F32, {1, 2, 1}, {1, 2});
  c.in(I64, {1}, {2});
  c.expect(0, F32, {1, 2}, {1, 2}, 0);
}

TEST(Op, cast_1) {
  Case c("cast");
  c.in(F32, {5}, {-2.7, -0.5, 0.5, 2.7, 300.0});
  c.set("to", Attr::makeType(I32));
  c.expect(0, I32, {5}, {-2.0, 0.0, 0.0, 2.0, 300.0}, 1e-05);
}

TEST(Op, cast_2) {
  Case c("cast");
  c.in(F32, {4}, {0.0, -0.0, 0.1, NaN});
  c.set("to", Attr::makeType(B));
  c.expect(0, B, {4}, {0.0, 0.0, 1.0, 1.0}, 1e-05);
}

TEST(Op, cast_3) {
  Case c("cast");
  c.in(I32, {2}, {300.0, -1.0});
  c.set("to", Attr::makeType(U8));
  c.expect(0, U8, {2}, {44.0, 255.0}, 1e-05);
}

TEST(Op, cast_4) {
  Case c("cast");
  c.in(B, {2}, {1.0, 0.0});
  c.set("to", Attr::makeType(F32));
  c.expect(0, F32, {2}, {1.0, 0.0}, 1e-05);
}

TEST(Op, cast_5) {
  Case c("cast");
  c.in(F32, {2}, {0.1, 1000.0});
  c.set("to", Attr::makeType(F16));
  c.expect(0, F16, {2}, {0.0999755859375, 1000.0}, 0);
}

TEST(Op, add_1) {
  Case c("add");
  c.in(F32, {2, 3}, {2.27, -1.454, 0.046, -0.187, 1.533, 1.469});
  c.in(F32, {3}, {0.155, 0.378, -0.888});
  c.expect(0, F32, {2, 3}, {2.425, -1.076, -0.842, -0.032, 1.911, 0.5810000000000001}, 1e-05);
}

TEST(Op, sub_1) {
  Case c("sub");
  c.in(F32, {2, 3}, {2.27, -1.454, 0.046, -0.187, 1.533, 1.469});
  c.in(F32, {1, 3}, {0.155, 0.378, -0.888});
  c.expect(0, F32, {2, 3}, {2.115, -1.8319999999999999, 0.934, -0.34199999999999997, 1.1549999999999998, 2.357}, 1e-05);
}

TEST(Op, mul_1) {
  Case c("mul");
  c.in(F32, {2, 3, 1}, {2.27, -1.454, 0.046, -0.187, 1.533, 1.469});
  c.in(F32, {1, 3}, {0.155, 0.378, -0.888});
  c.expect(0, F32, {2, 3, 3}, {0.35185, 0.85806, -2.01576, -0.22537, -0.549612, 1.291152, 0.00713, 0.017388, -0.040848, -0.028985, -0.070686, 0.166056, 0.237615, 0.5794739999999999, -1.3613039999999998, 0.227695, 0.555282, -1.304472}, 1e-05);
}

TEST(Op, div_1) {
  Case c("div");
  c.in(F32, {2, 3}, {2.27, -1.454, 0.046, -0.187, 1.533, 1.469});
  c.in(F32, {3}, {3.155, 3.378, 2.112});
  c.expect(0, F32, {2, 3}, {0.7194928684627576, -0.4304322084073416, 0.02178030303030303, -0.05927099841521395, 0.45381882770870335, 0.6955492424242424}, 1e-05);
}

TEST(Op, add_2) {
  Case c("add");
  c.in(I8, {2}, {127.0, -128.0});
  c.in(I8, {2}, {1.0, -1.0});
  c.expect(0, I8, {2}, {-128.0, 127.0}, 1e-05);
}

TEST(Op, div_2) {
  Case c("div");
  c.in(I32, {4}, {7.0, -7.0, 7.0, -7.0});
  c.in(I32, {4}, {2.0, 2.0, -2.0, -2.0});
  c.expect(0, I32, {4}, {3.0, -3.0, -3.0, 3.0}, 1e-05);
}

TEST(Op, mod_1) {
  Case c("mod");
  c.in(I32, {4}, {7.0, -7.0, 7.0, -7.0});
  c.in(I32, {4}, {3.0, 3.0, -3.0, -3.0});
  c.expect(0, I32, {4}, {1.0, 2.0, -2.0, -1.0}, 1e-05);
}

TEST(Op, mod_2) {
  Case c("mod");
  c.in(F32, {3}, {5.5, -5.5, 5.5});
  c.in(F32, {3}, {2.0, 2.0, -2.0});
  c.expect(0, F32, {3}, {1.5, 0.5, -0.5}, 1e-05);
}

TEST(Op, mod_3) {
  Case c("mod");
  c.in(F32, {2}, {5.5, -5.5});
  c.in(F32, {2}, {2.0, 2.0});
  c.i("fmod", 1);
  c.expect(0, F32, {2}, {1.5, -1.5}, 1e-05);
}

TEST(Op, pow_1) {
  Case c("pow");
  c.in(F32, {3}, {2.0, 4.0, -2.0});
  c.in(F32, {3}, {3.0, 0.5, 2.0});
  c.expect(0, F32, {3}, {8.0, 2.0, 4.0}, 1e-05);
}

TEST(Op, pow_2) {
  Case c("pow");
  c.in(I64, {3}, {2.0, 3.0, -2.0});
  c.in(I64, {3}, {10.0, 3.0, 3.0});
  c.expect(0, I64, {3}, {1024.0, 27.0, -8.0}, 1e-05);
}

TEST(Op, pow_mixed_1) {
  Case c("pow");
  c.in(F32, {2}, {2.0, 3.0});
  c.in(I64, {1}, {2.0});
  c.expect(0, F32, {2}, {4.0, 9.0}, 1e-05);
}

TEST(Op, min_1) {
  Case c("min");
  c.in(F32, {3}, {1.0, NaN, 3.0});
  c.in(F32, {3}, {2.0, 0.0, NaN});
  c.expect(0, F32, {3}, {1.0, NaN, NaN}, 1e-05);
}

TEST(Op, max_1) {
  Case c("max");
  c.in(F32, {3}, {1.0, NaN, 3.0});
  c.in(F32, {3}, {2.0, 0.0, NaN});
  c.expect(0, F32, {3}, {2.0, NaN, NaN}, 1e-05);
}

TEST(Op, max_2) {
  Case c("max");
  c.in(U32, {2}, {1.0, 4000000000.0});
  c.in(U32, {2}, {2.0, 3.0});
  c.expect(0, U32, {2}, {2.0, 4000000000.0}, 1e-05);
}

TEST(Op, min_2) {
  Case c("min");
  c.in(I16, {2}, {-1.0, 5.0});
  c.in(I16, {2}, {2.0, 3.0});
  c.expect(0, I16, {2}, {-1.0, 3.0}, 1e-05);
}

TEST(Op, equal_1) {
  Case c("equal");
  c.in(I32, {3}, {1.0, 2.0, 3.0});
  c.in(I32, {3}, {1.0, 0.0, 3.0});
  c.expect(0, B, {3}, {1.0, 0.0, 1.0}, 1e-05);
}

TEST(Op, equal_2) {
  Case c("equal");
  c.in(B, {2}, {1.0, 0.0});
  c.in(B, {2}, {1.0, 1.0});
  c.expect(0, B, {2}, {1.0, 0.0}, 1e-05);
}

TEST(Op, less_1) {
  Case c("less");
  c.in(F32, {3}, {1.0, 2.0, NaN});
  c.in(F32, {1}, {2.0});
  c.expect(0, B, {3}, {1.0, 0.0, 0.0}, 1e-05);
}

TEST(Op, less_or_equal_1) {
  Case c("less_or_equal");
  c.in(F32, {3}, {1.0, 2.0, 3.0});
  c.in(F32, {1}, {2.0});
  c.expect(0, B, {3}, {1.0, 1.0, 0.0}, 1e-05);
}

TEST(Op, greater_1) {
  Case c("greater");
  c.in(I64, {3}, {1.0, 2.0, 3.0});
  c.in(I64, {1}, {2.0});
  c.expect(0, B, {3}, {0.0, 0.0, 1.0}, 1e-05);
}

TEST(Op, greater_or_equal_1) {
  Case c("greater_or_equal");
  c.in(U8, {3}, {1.0, 2.0, 3.0});
  c.in(U8, {1}, {2.0});
  c.expect(0, B, {3}, {0.0, 1.0, 1.0}, 1e-05);
}

TEST(Op, and_1) {
  Case c("and");
  c.in(B, {4}, {0.0, 0.0, 1.0, 1.0});
  c.in(B, {4}, {0.0, 1.0, 0.0, 1.0});
  c.expect(0, B, {4}, {0.0, 0.0, 0.0, 1.0}, 1e-05);
}

TEST(Op, or_1) {
  Case c("or");
  c.in(B, {4}, {0.0, 0.0, 1.0, 1.0});
  c.in(B, {4}, {0.0, 1.0, 0.0, 1.0});
  c.expect(0, B, {4}, {0.0, 1.0, 1.0, 1.0}, 1e-05);
}

TEST(Op, xor_1) {
  Case c("xor");
  c.in(B, {4}, {0.0, 0.0, 1.0, 1.0});
  c.in(B, {4}, {0.0, 1.0, 0.0, 1.0});
  c.expect(0, B, {4}, {0.0, 1.0, 1.0, 0.0}, 1e-05);
}

TEST(Op, prelu_1) {
  Case c("prelu");
  c.in(F32, {1, 3, 2, 2}, {-1.981, -0.348, 0.156, 1.23, 1.202, -0.387, -0.302, -1.049, -1.42, -1.706, 1.951, -0.51});
  c.in(F32, {3, 1, 1}, {0.1, 0.2, 0.3});
  c.expect(0, F32, {1, 3, 2, 2}, {-0.19810000000000003, -0.0348, 0.156, 1.23, 1.202, -0.07740000000000001, -0.0604, -0.2098, -0.426, -0.5117999999999999, 1.951, -0.153}, 1e-05);
}

TEST(Op, where_1) {
  Case c("where");
  c.in(B, {2, 1}, {1.0, 0.0});
  c.in(F32, {3}, {1.0, 2.0, 3.0});
  c.in(F32, {1}, {-1.0});
  c.expect(0, F32, {2, 3}, {1.0, 2.0, 3.0, -1.0, -1.0, -1.0}, 1e-05);
}

TEST(Op, where_2) {
  Case c("where");
  c.in(B, {2}, {1.0, 0.0});
  c.in(I64, {2}, {5.0, 6.0});
  c.in(I64, {2}, {7.0, 8.0});
  c.expect(0, I64, {2}, {5.0, 8.0}, 1e-05);
}

TEST(Op, softmax_1) {
  Case c("softmax");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.expect(0, F32, {2, 3, 4}, {0.19525744248289686, 0.0864286230029272, 0.6580749994147249, 0.0602389350994511, 0.2456987418622809, 0.12422645609944889, 0.4476922967795566, 0.18238250525871366, 0.07905849629356716, 0.2504321530857469, 0.39511941587164856, 0.2753899347490374, 0.4378213289154987, 0.17171066880768296, 0.2251599193265791, 0.16530808295023922, 0.2776458873049334, 0.17650452528654198, 0.07083452443174086, 0.47501506297678386, 0.2341158588450207, 0.06856732546543667, 0.5560265895806826, 0.14129022610886}, 1e-05);
}

TEST(Op, softmax_2) {
  Case c("softmax");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.i("axis", 1);
  c.expect(0, F32, {2, 3, 4}, {0.36656791591956, 0.17139042374164434, 0.4197359852247262, 0.10656304459092543, 0.4590613281331743, 0.24516810884190382, 0.28418513427066094, 0.3210949192427827, 0.17437075594726575, 0.5834414674164519, 0.2960788805046129, 0.5723420361662919, 0.4974081071277318, 0.4534201882067331, 0.282481428151235, 0.24225514984858013, 0.2565723856975243, 0.3791072942653637, 0.072284723048322, 0.5662249905086912, 0.24601950717474394, 0.16747251752790315, 0.645233848800443, 0.1915198596427286}, 1e-05);
}

TEST(Op, log_softmax_1) {
  Case c("log_softmax");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.i("axis", 0);
  c.expect(0, F32, {2, 3, 4}, {-1.1300901268588703, -1.0497966392095008, -0.2774946225139546, -1.2711939284673535, -0.6223458770323635, -0.734987445185366, -0.11410944968095252, -1.0951837803614837, -1.1566584938841078, -0.18356505706246126, -0.7108002977448283, -0.32032088477503456, -0.3900901268588703, -0.43079663920950095, -1.4174946225139546, -0.3291939284673533, -0.7693458770323636, -0.6529874451853659, -2.2271094496809525, -0.4071837803614837, -0.37765849388410777, -1.785565057062461, -0.6758002977448283, -1.2943208847750345}, 1e-05);
}

TEST(Op, softmax_3) {
  Case c("softmax");
  c.in(F32, {2}, {1000.0, 1000.0});
  c.expect(0, F32, {2}, {0.5, 0.5}, 1e-05);
}

TEST(Op, reduce_sum_1) {
  Case c("reduce_sum");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {1});
  c.expect(0, F32, {2, 1, 4}, {-1.832, -2.1759999999999997, 1.592, -2.058, -0.46, -3.077, -1.626, -1.4020000000000001}, 1e-05);
}

TEST(Op, reduce_sum_2) {
  Case c("reduce_sum");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {0, -1});
  c.i("keepdims", 0);
  c.expect(0, F32, {3}, {-3.895, -3.954, -3.1900000000000004}, 1e-05);
}

TEST(Op, reduce_sum_3) {
  Case c("reduce_sum");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.expect(0, F32, {1, 1, 1}, {-11.039}, 1e-05);
}

TEST(Op, reduce_sum_4) {
  Case c("reduce_sum");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.i("noop_with_empty_axes", 1);
  c.expect(0, F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907}, 1e-05);
}

TEST(Op, reduce_mean_1) {
  Case c("reduce_mean");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {2});
  c.expect(0, F32, {2, 3, 1}, {-0.632, -0.30800000000000005, -0.17850000000000005, -0.34175, -0.6805, -0.619}, 1e-05);
}

TEST(Op, reduce_mean_2) {
  Case c("reduce_mean");
  c.in(I32, {2, 2}, {1.0, 2.0, 3.0, 6.0});
  c.ints("axes", {1});
  c.i("keepdims", 0);
  c.expect(0, I32, {2}, {1.0, 4.0}, 1e-05);
}

TEST(Op, reduce_max_1) {
  Case c("reduce_max");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {1});
  c.expect(0, F32, {2, 1, 4}, {-0.213, -0.028, 0.777, 0.067, 0.302, -0.634, 0.463, 0.177}, 1e-05);
}

TEST(Op, reduce_max_2) {
  Case c("reduce_max");
  c.in(F32, {3}, {1.0, NaN, 2.0});
  c.expect(0, F32, {1}, {NaN}, 1e-05);
}

TEST(Op, reduce_min_1) {
  Case c("reduce_min");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {0});
  c.i("keepdims", 0);
  c.expect(0, F32, {3, 4}, {-0.438, -1.253, -0.363, -1.614, -0.36, -0.895, -1.726, -0.511, -1.181, -1.63, 0.428, -0.907}, 1e-05);
}

TEST(Op, reduce_prod_1) {
  Case c("reduce_prod");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {2});
  c.expect(0, F32, {2, 3, 1}, {-0.6882555634919999, -0.037699405695, 0.000948257968, -0.046705938048, -0.08941432535999999, -0.27517053966}, 1e-05);
}

TEST(Op, reduce_l1_1) {
  Case c("reduce_l1");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {2});
  c.expect(0, F32, {2, 3, 1}, {4.082, 2.0060000000000002, 1.704, 1.971, 3.076, 3.402}, 1e-05);
}

TEST(Op, reduce_l2_1) {
  Case c("reduce_l2");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {2});
  c.expect(0, F32, {2, 3, 1}, {2.229479311408832, 1.1212867608243664, 1.2582599095576399, 1.0375514445076928, 1.949608678684007, 1.9635483187332061}, 1e-05);
}

TEST(Op, reduce_sum_square_1) {
  Case c("reduce_sum_square");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {2});
  c.expect(0, F32, {2, 3, 1}, {4.970578, 1.257284, 1.583218, 1.076513, 3.8009739999999996, 3.855522}, 1e-05);
}

TEST(Op, reduce_log_sum_exp_1) {
  Case c("reduce_log_sum_exp");
  c.in(F32, {2, 3, 4}, {-0.438, -1.253, 0.777, -1.614, -0.213, -0.895, 0.387, -0.511, -1.181, -0.028, 0.428, 0.067, 0.302, -0.634, -0.363, -0.672, -0.36, -0.813, -1.726, 0.177, -0.402, -1.63, 0.463, -0.907});
  c.ints("axes", {2});
  c.expect(0, F32, {2, 3, 1}, {1.195436373278704, 1.1906491200937515, 1.3565672411076923, 1.1279443766801258, 0.9214087639202244, 1.049939162888198}, 1e-05);
}

TEST(Op, reduce_log_sum_exp_2) {
  Case c("reduce_log_sum_exp");
  c.in(F64, {2}, {1000.0, 1000.0});
  c.expect(0, F64, {1}, {1000.6931471805599}, 1e-12);
}

TEST(Op, reduce_sum_5) {
  Case c("reduce_sum");
  c.in(I64, {2, 2}, {1.0, 2.0, 3.0, 4.0});
  c.ints("axes", {0});
  c.expect(0, I64, {1, 2}, {4.0, 6.0}, 1e-05);
}

TEST(Op, reduce_sum_6) {
  Case c("reduce_sum");
  c.in(F32, {2, 0}, {});
  c.ints("axes", {1});
  c.expect(0, F32, {2, 1}, {0.0, 0.0}, 1e-05);
}

TEST(Op, arg_max_1) {
  Case c("arg_max");
  c.in(F32, {2, 3}, {1.0, 3.0, 3.0, 2.0, 0.0, 1.0});
  c.i("axis", 1);
  c.expect(0, I64, {2, 1}, {1.0, 0.0}, 1e-05);
}

TEST(Op, arg_max_2) {
  Case c("arg_max");
  c.in(F32, {2, 3}, {1.0, 3.0, 3.0, 2.0, 0.0, 1.0});
  c.i("axis", 1);
  c.i("select_last_index", 1);
  c.i("keepdims", 0);
  c.expect(0, I64, {2}, {2.0, 0.0}, 1e-05);
}

TEST(Op, arg_min_1) {
  Case c("arg_min");
  c.in(I32, {2, 2}, {1.0, 3.0, 0.0, 0.0});
  c.i("axis", 0);
  c.expect(0, I64, {1, 2}, {1.0, 1.0}, 1e-05);
}

TEST(Op, arg_min_2) {
  Case c("arg_min");
  c.in(I32, {2, 2}, {1.0, 3.0, 0.0, 0.0});
  c.i("axis", -1);
  c.i("select_last_index", 1);
  c.expect(0, I64, {2, 1}, {0.0, 1.0}, 1e-05);
}

TEST(Op, reshape_1) {
  Case c("reshape");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.in(I64, {3}, {4.0, 0.0, -1.0});
  c.expect(0, F32, {4, 3, 2}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0}, 1e-05);
}

TEST(Op, reshape_2) {
  Case c("reshape");
  c.in(F32, {0, 3}, {});
  c.in(I64, {2}, {3.0, 0.0});
  c.i("allowzero", 1);
  c.expect(0, F32, {3, 0}, {}, 1e-05);
}

TEST(Op, flatten_1) {
  Case c("flatten");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.expect(0, F32, {2, 12}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0}, 1e-05);
}

TEST(Op, flatten_2) {
  Case c("flatten");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.i("axis", 0);
  c.expect(0, F32, {1, 24}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0}, 1e-05);
}

TEST(Op, flatten_3) {
  Case c("flatten");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.i("axis", -1);
  c.expect(0, F32, {6, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0}, 1e-05);
}

TEST(Op, squeeze_1) {
  Case c("squeeze");
  c.in(F32, {1, 3, 1}, {0.0, 0.0, 0.0});
  c.expect(0, F32, {3}, {0.0, 0.0, 0.0}, 1e-05);
}

TEST(Op, squeeze_2) {
  Case c("squeeze");
  c.in(F32, {1, 3, 1}, {0.0, 0.0, 0.0});
  c.ints("axes", {-1});
  c.expect(0, F32, {1, 3}, {0.0, 0.0, 0.0}, 1e-05);
}

TEST(Op, unsqueeze_1) {
  Case c("unsqueeze");
  c.in(F32, {2}, {1.0, 2.0});
  c.ints("axes", {0, -1});
  c.expect(0, F32, {1, 2, 1}, {1.0, 2.0}, 1e-05);
}

TEST(Op, transpose_1) {
  Case c("transpose");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.expect(0, F32, {4, 3, 2}, {0.0, 12.0, 4.0, 16.0, 8.0, 20.0, 1.0, 13.0, 5.0, 17.0, 9.0, 21.0, 2.0, 14.0, 6.0, 18.0, 10.0, 22.0, 3.0, 15.0, 7.0, 19.0, 11.0, 23.0}, 1e-05);
}

TEST(Op, transpose_2) {
  Case c("transpose");
  c.in(I64, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.ints("perm", {1, 0, 2});
  c.expect(0, I64, {3, 2, 4}, {0.0, 1.0, 2.0, 3.0, 12.0, 13.0, 14.0, 15.0, 4.0, 5.0, 6.0, 7.0, 16.0, 17.0, 18.0, 19.0, 8.0, 9.0, 10.0, 11.0, 20.0, 21.0, 22.0, 23.0}, 1e-05);
}

TEST(Op, concat_1) {
  Case c("concat");
  c.in(F32, {2, 1, 3}, {0.0, 1.0, 2.0, 12.0, 13.0, 14.0});
  c.in(F32, {2, 1, 3}, {100.0, 101.0, 102.0, 103.0, 104.0, 105.0});
  c.i("axis", -2);
  c.expect(0, F32, {2, 2, 3}, {0.0, 1.0, 2.0, 100.0, 101.0, 102.0, 12.0, 13.0, 14.0, 103.0, 104.0, 105.0}, 1e-05);
}

TEST(Op, split_1) {
  Case c("split");
  c.in(F32, {7}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0});
  c.i("num_outputs", 3);
  c.expect(0, F32, {3}, {0.0, 1.0, 2.0}, 1e-05);
  c.expect(1, F32, {3}, {3.0, 4.0, 5.0}, 1e-05);
  c.expect(2, F32, {1}, {6.0}, 1e-05);
}

TEST(Op, split_2) {
  Case c("split");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.i("axis", 1);
  c.i("num_outputs", 2);
  c.ints("split", {1, 2});
  c.expect(0, F32, {2, 1, 4}, {0.0, 1.0, 2.0, 3.0, 12.0, 13.0, 14.0, 15.0}, 1e-05);
  c.expect(1, F32, {2, 2, 4}, {4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0}, 1e-05);
}

TEST(Op, slice_1) {
  Case c("slice");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.in(I64, {2}, {1.0, -1.0});
  c.in(I64, {2}, {100.0, 0.0});
  c.in(I64, {2}, {1.0, 2.0});
  c.in(I64, {2}, {1.0, -2.0});
  c.expect(0, F32, {2, 2, 2}, {7.0, 5.0, 11.0, 9.0, 19.0, 17.0, 23.0, 21.0}, 1e-05);
}

TEST(Op, slice_2) {
  Case c("slice");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.in(I32, {1}, {100.0});
  c.in(I32, {1}, {-100.0});
  c.in(I32, {1}, {0.0});
  c.in(I32, {1}, {-1.0});
  c.expect(0, F32, {2, 3, 4}, {12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0}, 1e-05);
}

TEST(Op, slice_3) {
  Case c("slice");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.in(I32, {1}, {-100.0});
  c.in(I32, {1}, {100.0});
  c.in(I32, {1}, {0.0});
  c.in(I32, {1}, {-1.0});
  c.expect(0, F32, {0, 3, 4}, {}, 1e-05);
}

TEST(Op, slice_4) {
  Case c("slice");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.in(I64, {1}, {10.0});
  c.in(I64, {1}, {20.0});
  c.in(I64, {1}, {2.0});
  c.in(I64, {1}, {1.0});
  c.expect(0, F32, {2, 3, 0}, {}, 1e-05);
}

TEST(Op, gather_1) {
  Case c("gather");
  c.in(F32, {2, 3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  c.in(I64, {2, 2}, {2.0, -1.0, 0.0, 0.0});
  c.i("axis", 1);
  c.expect(0, F32, {2, 2, 2, 4}, {8.0, 9.0, 10.0, 11.0, 8.0, 9.0, 10.0, 11.0, 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 20.0, 21.0, 22.0, 23.0, 20.0, 21.0, 22.0, 23.0, 12.0, 13.0, 14.0, 15.0, 12.0, 13.0, 14.0, 15.0}, 1e-05);
}

TEST(Op, gather_2) {
  Case c("gather");
  c.in(I32, {3}, {5.0, 6.0, 7.0});
  c.in(I32, {}, {1.0});
  c.expect(0, I32, {}, {6.0}, 1e-05);
}

TEST(Op, pad_1) {
  Case c("pad");
  c.in(F32, {2, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0});
  c.in(I64, {4}, {1.0, 2.0, 0.0, 3.0});
  c.s("mode", "constant");
  c.f("value", 1.5);
  c.expect(0, F32, {3, 8}, {1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 0.0, 1.0, 2.0, 1.5, 1.5, 1.5, 1.5, 1.5, 3.0, 4.0, 5.0, 1.5, 1.5, 1.5}, 1e-05);
}

TEST(Op, pad_2) {
  Case c("pad");
  c.in(F32, {2, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0});
  c.in(I64, {4}, {1.0, 2.0, 0.0, 3.0});
  c.s("mode", "reflect");
  c.expect(0, F32, {3, 8}, {5.0, 4.0, 3.0, 4.0, 5.0, 4.0, 3.0, 4.0, 2.0, 1.0, 0.0, 1.0, 2.0, 1.0, 0.0, 1.0, 5.0, 4.0, 3.0, 4.0, 5.0, 4.0, 3.0, 4.0}, 1e-05);
}

TEST(Op, pad_3) {
  Case c("pad");
  c.in(F32, {2, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0});
  c.in(I64, {4}, {1.0, 2.0, 0.0, 3.0});
  c.s("mode", "edge");
  c.expect(0, F32, {3, 8}, {0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0, 2.0, 0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0}, 1e-05);
}

TEST(Op, pad_4) {
  Case c("pad");
  c.in(F32, {2, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0});
  c.in(I64, {4}, {1.0, 2.0, 0.0, 3.0});
  c.s("mode", "wrap");
  c.expect(0, F32, {3, 8}, {4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 4.0, 5.0, 1.0, 2.0, 0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 4.0, 5.0, 3.0, 4.0, 5.0, 3.0, 4.0, 5.0}, 1e-05);
}

TEST(Op, pad_5) {
  Case c("pad");
  c.in(F32, {2, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0});
  c.in(I64, {4}, {0.0, -1.0, 0.0, 1.0});
  c.expect(0, F32, {2, 3}, {1.0, 2.0, 0.0, 4.0, 5.0, 0.0}, 1e-05);
}

TEST(Op, expand_1) {
  Case c("expand");
  c.in(F32, {2, 1}, {1.0, 2.0});
  c.in(I64, {3}, {2.0, 1.0, 3.0});
  c.expect(0, F32, {2, 2, 3}, {1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0}, 1e-05);
}

TEST(Op, tile_1) {
  Case c("tile");
  c.in(F32, {2, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0});
  c.in(I64, {2}, {2.0, 2.0});
  c.expect(0, F32, {4, 6}, {0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 3.0, 4.0, 5.0, 0.0, 1.0, 2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 3.0, 4.0, 5.0}, 1e-05);
}

TEST(Op, resize_1) {
  Case c("resize");
  c.in(F32, {1, 1, 4, 4}, {0.0, 1.5, 2.25, 4.0, 4.0, 5.5, 6.25, 8.0, 8.0, 9.5, 10.25, 12.0, 12.0, 13.5, 14.25, 16.0});
  c.s("mode", "nearest");
  c.s("coordinate_transformation_mode", "asymmetric");
  c.s("nearest_mode", "floor");
  c.floats("scales", {1.0, 1.0, 2.0, 2.0});
  c.expect(0, F32, {1, 1, 8, 8}, {0.0, 0.0, 1.5, 1.5, 2.25, 2.25, 4.0, 4.0, 0.0, 0.0, 1.5, 1.5, 2.25, 2.25, 4.0, 4.0, 4.0, 4.0, 5.5, 5.5, 6.25, 6.25, 8.0, 8.0, 4.0, 4.0, 5.5, 5.5, 6.25, 6.25, 8.0, 8.0, 8.0, 8.0, 9.5, 9.5, 10.25, 10.25, 12.0, 12.0, 8.0, 8.0, 9.5, 9.5, 10.25, 10.25, 12.0, 12.0, 12.0, 12.0, 13.5, 13.5, 14.25, 14.25, 16.0, 16.0, 12.0, 12.0, 13.5, 13.5, 14.25, 14.25, 16.0, 16.0}, 1e-05);
}

TEST(Op, resize_2) {
  Case c("resize");
  c.in(F32, {1, 1, 4, 4}, {0.0, 1.5, 2.25, 4.0, 4.0, 5.5, 6.25, 8.0, 8.0, 9.5, 10.25, 12.0, 12.0, 13.5, 14.25, 16.0});
  c.s("mode", "linear");
  c.floats("scales", {1.0, 1.0, 2.0, 2.0});
  c.expect(0, F32, {1, 1, 8, 8}, {0.0, 0.375, 1.125, 1.6875, 2.0625, 2.6875, 3.5625, 4.0, 1.0, 1.375, 2.125, 2.6875, 3.0625, 3.6875, 4.5625, 5.0, 3.0, 3.375, 4.125, 4.6875, 5.0625, 5.6875, 6.5625, 7.0, 5.0, 5.375, 6.125, 6.6875, 7.0625, 7.6875, 8.5625, 9.0, 7.0, 7.375, 8.125, 8.6875, 9.0625, 9.6875, 10.5625, 11.0, 9.0, 9.375, 10.125, 10.6875, 11.0625, 11.6875, 12.5625, 13.0, 11.0, 11.375, 12.125, 12.6875, 13.0625, 13.6875, 14.5625, 15.0, 12.0, 12.375, 13.125, 13.6875, 14.0625, 14.6875, 15.5625, 16.0}, 1e-05);
}

TEST(Op, resize_3) {
  Case c("resize");
  c.in(F32, {1, 1, 4, 4}, {0.0, 1.5, 2.25, 4.0, 4.0, 5.5, 6.25, 8.0, 8.0, 9.5, 10.25, 12.0, 12.0, 13.5, 14.25, 16.0});
  c.in(I64, {4}, {1.0, 1.0, 3.0, 5.0});
  c.s("mode", "linear");
  c.s("coordinate_transformation_mode", "align_corners");
  c.expect(0, F32, {1, 1, 3, 5}, {0.0, 1.125, 1.875, 2.6875, 4.0, 6.0, 7.125, 7.875, 8.6875, 10.0, 12.0, 13.125, 13.875, 14.6875, 16.0}, 1e-05);
}

TEST(Op, resize_4) {
  Case c("resize");
  c.in(F32, {1, 1, 4, 4}, {0.0, 1.5, 2.25, 4.0, 4.0, 5.5, 6.25, 8.0, 8.0, 9.5, 10.25, 12.0, 12.0, 13.5, 14.25, 16.0});
  c.in(I64, {4}, {1.0, 1.0, 3.0, 6.0});
  c.s("mode", "linear");
  c.s("coordinate_transformation_mode", "pytorch_half_pixel");
  c.expect(0, F32, {1, 1, 3, 6}, {0.6666666666666665, 1.4166666666666665, 2.2916666666666665, 2.7916666666666665, 3.7916666666666665, 4.666666666666667, 6.0, 6.75, 7.625, 8.125, 9.125, 10.0, 11.333333333333332, 12.08333333333333, 12.958333333333332, 13.458333333333332, 14.458333333333332, 15.333333333333332}, 1e-05);
}

TEST(Op, resize_5) {
  Case c("resize");
  c.in(F32, {1, 1, 4, 4}, {0.0, 1.5, 2.25, 4.0, 4.0, 5.5, 6.25, 8.0, 8.0, 9.5, 10.25, 12.0, 12.0, 13.5, 14.25, 16.0});
  c.s("mode", "cubic");
  c.f("cubic_coeff_a", -0.75);
  c.floats("scales", {1.0, 1.0, 2.0, 2.0});
  c.expect(0, F32, {1, 1, 8, 8}, {-0.580078125, -0.1083984375, 0.6591796875, 1.3447265625, 1.5263671875, 2.3037109375, 3.2080078125, 3.7626953125, 0.607421875, 1.0791015625, 1.8466796875, 2.5322265625, 2.7138671875, 3.4912109375, 4.3955078125, 4.9501953125, 2.513671875, 2.9853515625, 3.7529296875, 4.4384765625, 4.6201171875, 5.3974609375, 6.3017578125, 6.8564453125, 5.029296875, 5.5009765625, 6.2685546875, 6.9541015625, 7.1357421875, 7.9130859375, 8.8173828125, 9.3720703125, 6.654296875, 7.1259765625, 7.8935546875, 8.5791015625, 8.7607421875, 9.5380859375, 10.4423828125, 10.9970703125, 9.169921875, 9.6416015625, 10.4091796875, 11.0947265625, 11.2763671875, 12.0537109375, 12.9580078125, 13.5126953125, 11.076171875, 11.5478515625, 12.3154296875, 13.0009765625, 13.1826171875, 13.9599609375, 14.8642578125, 15.4189453125, 12.263671875, 12.7353515625, 13.5029296875, 14.1884765625, 14.3701171875, 15.1474609375, 16.0517578125, 16.6064453125}, 0.0001);
}

TEST(Op, resize_6) {
  Case c("resize");
  c.in(F32, {1, 1, 4, 4}, {0.0, 1.5, 2.25, 4.0, 4.0, 5.5, 6.25, 8.0, 8.0, 9.5, 10.25, 12.0, 12.0, 13.5, 14.25, 16.0});
  c.in(I64, {4}, {1.0, 1.0, 2.0, 2.0});
  c.s("mode", "nearest");
  c.expect(0, F32, {1, 1, 2, 2}, {0.0, 2.25, 8.0, 10.25}, 1e-05);
}

TEST(Op, conv_1) {
  Case c("conv");
  c.in(F32, {1, 2, 5, 5}, {0.052, 0.729, 0.129, 1.139, -1.235, 0.402, -0.685, -0.871, -0.579, -0.312, 0.056, -1.165, 0.901, 0.466, -1.536, 1.488, 1.896, 1.179, -0.18, -1.071, 1.054, -0.403, 1.222, 0.208, 0.977, 0.356, 0.707, 0.011, 1.786, 0.127, 0.402, 1.883, -1.348, -1.27, 0.969, -1.173, 1.944, -0.414, -0.747, 1.923, 1.481, 1.868, 0.906, -0.861, 1.91, -0.268, 0.802, 0.947, -0.155, 0.614});
  c.in(F32, {4, 2, 3, 3}, {0.922, 0.376, -1.099, 0.298, 1.326, -0.695, -0.15, -0.435, 1.849, 0.672, 0.407, -0.77, 0.539, -0.674, 0.032, -0.636, 0.676, 0.577, -0.208, 0.396, -1.093, -1.491, 0.439, 0.167, 0.635, 2.383, 0.944, -0.913, 1.117, -1.316, -0.462, -0.068, 1.713, -0.745, -0.826, -0.098, -0.663, 1.127, -1.08, -1.147, -0.438, -0.498, 1.93, 0.949, 0.088, -1.225, 0.844, -1.0, -1.545, 1.188, 0.317, 0.921, 0.319, 0.857, -0.651, -1.034, 0.682, -0.803, -0.69, -0.456, 0.017, -0.354, -1.375, -0.644, -2.223, 0.625, -1.602, -1.104, 0.052, -0.74, 1.543, -1.293});
  c.in(F32, {4}, {0.267, -0.039, -1.168, 0.523});
  c.expect(0, F32, {1, 4, 3, 3}, {3.6726369999999995, -1.5363980000000002, -0.15210599999999985, 1.2773750000000001, 1.2630550000000005, -2.418963, 4.454160999999999, 3.308827, 4.064729000000001, -5.701738, -5.965472, 7.883890000000003, 7.165390999999999, 0.6865840000000007, 0.08940100000000006, 2.1487120000000006, -4.454461000000001, 1.1021959999999993, -0.642525, -9.170782999999998, 8.094343, 12.678051, -0.23321500000000017, 2.800517, -0.3256889999999991, -5.243325, -0.19413400000000025, -0.6392210000000007, -0.9420229999999994, -1.9961499999999992, -6.504349999999999, 0.861383, 4.103950000000002, -10.255998999999997, -6.079629000000001, -2.329664}, 0.0001);
}

TEST(Op, conv_2) {
  Case c("conv");
  c.in(F32, {1, 2, 5, 5}, {0.052, 0.729, 0.129, 1.139, -1.235, 0.402, -0.685, -0.871, -0.579, -0.312, 0.056, -1.165, 0.901, 0.466, -1.536, 1.488, 1.896, 1.179, -0.18, -1.071, 1.054, -0.403, 1.222, 0.208, 0.977, 0.356, 0.707, 0.011, 1.786, 0.127, 0.402, 1.883, -1.348, -1.27, 0.969, -1.173, 1.944, -0.414, -0.747, 1.923, 1.481, 1.868, 0.906, -0.861, 1.91, -0.268, 0.802, 0.947, -0.155, 0.614});
  c.in(F32, {4, 2, 3, 3}, {0.922, 0.376, -1.099, 0.298, 1.326, -0.695, -0.15, -0.435, 1.849, 0.672, 0.407, -0.77, 0.539, -0.674, 0.032, -0.636, 0.676, 0.577, -0.208, 0.396, -1.093, -1.491, 0.439, 0.167, 0.635, 2.383, 0.944, -0.913, 1.117, -1.316, -0.462, -0.068, 1.713, -0.745, -0.826, -0.098, -0.663, 1.127, -1.08, -1.147, -0.438, -0.498, 1.93, 0.949, 0.088, -1.225, 0.844, -1.0, -1.545, 1.188, 0.317, 0.921, 0.319, 0.857, -0.651, -1.034, 0.682, -0.803, -0.69, -0.456, 0.017, -0.354, -1.375, -0.644, -2.223, 0.625, -1.602, -1.104, 0.052, -0.74, 1.543, -1.293});
  c.absent();
  c.ints("strides", {2, 1});
  c.ints("pads", {1, 0, 2, 1});
  c.ints("dilations", {1, 2});
  c.expect(0, F32, {1, 4, 3, 2}, {0.3672989999999997, -0.7966279999999998, -0.5950609999999996, -0.25493199999999994, 3.3779100000000004, 3.2777630000000006, -1.5706700000000005, -3.203547, 1.3887780000000007, -2.03577, -1.2864230000000003, -2.800668, 0.6946790000000002, -0.8479999999999999, 5.9121049999999995, -1.401473, -1.9576779999999998, -5.526985000000001, -3.0296509999999994, -7.635364, 5.152368000000001, -1.6353569999999997, -7.411525999999999, -1.2707600000000003}, 0.0001);
}

TEST(Op, conv_3) {
  Case c("conv");
  c.in(F32, {1, 2, 5, 5}, {0.052, 0.729, 0.129, 1.139, -1.235, 0.402, -0.685, -0.871, -0.579, -0.312, 0.056, -1.165, 0.901, 0.466, -1.536, 1.488, 1.896, 1.179, -0.18, -1.071, 1.054, -0.403, 1.222, 0.208, 0.977, 0.356, 0.707, 0.011, 1.786, 0.127, 0.402, 1.883, -1.348, -1.27, 0.969, -1.173, 1.944, -0.414, -0.747, 1.923, 1.481, 1.868, 0.906, -0.861, 1.91, -0.268, 0.802, 0.947, -0.155, 0.614});
  c.in(F32, {4, 2, 3, 3}, {0.922, 0.376, -1.099, 0.298, 1.326, -0.695, -0.15, -0.435, 1.849, 0.672, 0.407, -0.77, 0.539, -0.674, 0.032, -0.636, 0.676, 0.577, -0.208, 0.396, -1.093, -1.491, 0.439, 0.167, 0.635, 2.383, 0.944, -0.913, 1.117, -1.316, -0.462, -0.068, 1.713, -0.745, -0.826, -0.098, -0.663, 1.127, -1.08, -1.147, -0.438, -0.498, 1.93, 0.949, 0.088, -1.225, 0.844, -1.0, -1.545, 1.188, 0.317, 0.921, 0.319, 0.857, -0.651, -1.034, 0.682, -0.803, -0.69, -0.456, 0.017, -0.354, -1.375, -0.644, -2.223, 0.625, -1.602, -1.104, 0.052, -0.74, 1.543, -1.293});
  c.s("auto_pad", "SAME_UPPER");
  c.ints("strides", {2, 2});
  c.expect(0, F32, {1, 4, 3, 3}, {-0.7382150000000003, -3.4030600000000004, 1.264202, 6.291827999999999, 0.9960550000000006, -2.3751690000000005, -0.475824, 5.821002000000001, 0.4902269999999998, 1.1261940000000001, -1.3301299999999996, -4.039587, 6.048125999999999, 0.7255840000000005, -2.5187049999999997, -0.4996359999999995, 1.180482, 2.6815200000000003, 2.3244160000000003, -3.9567119999999996, -5.648114, 3.0797829999999995, 0.934784999999999, 4.435273999999999, -1.313848, -0.7363190000000005, 1.8814930000000003, -1.7394299999999998, -2.984127, -0.5282750000000003, -1.9748219999999999, 0.3383829999999999, 3.0830179999999996, -2.5761989999999995, -9.284068000000001, -3.737552}, 0.0001);
}

TEST(Op, conv_4) {
  Case c("conv");
  c.in(F32, {1, 2, 5, 5}, {0.052, 0.729, 0.129, 1.139, -1.235, 0.402, -0.685, -0.871, -0.579, -0.312, 0.056, -1.165, 0.901, 0.466, -1.536, 1.488, 1.896, 1.179, -0.18, -1.071, 1.054, -0.403, 1.222, 0.208, 0.977, 0.356, 0.707, 0.011, 1.786, 0.127, 0.402, 1.883, -1.348, -1.27, 0.969, -1.173, 1.944, -0.414, -0.747, 1.923, 1.481, 1.868, 0.906, -0.861, 1.91, -0.268, 0.802, 0.947, -0.155, 0.614});
  c.in(F32, {4, 2, 2, 2}, {0.922, 0.376, 0.298, 1.326, 0.672, 0.407, 0.539, -0.674, -0.208, 0.396, -1.491, 0.439, -0.913, 1.117, -0.462, -0.068, -0.663, 1.127, -1.147, -0.438, -1.225, 0.844, -1.545, 1.188, -0.651, -1.034, -0.803, -0.69, -0.644, -2.223, -1.602, -1.104});
  c.s("auto_pad", "SAME_LOWER");
  c.expect(0, F32, {1, 4, 5, 5}, {-0.17099199999999998, 0.697516, 0.7619549999999999, 0.35092100000000026, -0.421132, 0.4265480000000001, -0.991949, 1.764636, 0.38359199999999993, -0.08621099999999993, 1.179624, -2.320996, 1.9320820000000003, -1.2767660000000003, -4.706810000000001, 0.518539, 2.1132909999999994, 2.9270859999999996, 1.6050110000000002, -3.092412, 2.7404910000000005, 2.935054, 5.109732000000001, 2.53263, 0.4902269999999998, -0.0013800000000000028, 0.029951000000000012, -1.35769, 0.18115200000000004, -3.0741820000000004, 0.567386, -0.4713060000000002, -0.873068, 4.162747, -0.9675620000000003, 0.7125740000000002, 1.1962119999999998, -2.1647529999999997, -1.132735, 1.084003, -0.735541, 0.5718989999999997, -4.872173, -2.6562220000000005, 2.190931, 2.724455, -0.5034360000000002, 0.08144500000000017, -4.263091, 2.6815200000000003, 0.40015199999999995, -0.08905000000000007, -1.9719119999999999, 1.457928, -3.373997, 0.6605679999999999, 2.4025649999999996, -4.538201, 4.518574, -0.3135730000000012, -0.62571, 4.626075999999999, -6.525543999999999, -0.9810009999999997, 5.982744, 0.18078399999999983, -0.8785670000000003, -5.44384, -3.89161, 4.77294, 2.146904, 1.2470269999999994, -1.639, -5.961064, 1.8814930000000003, -0.42890400000000006, -1.895606, -1.819155, -2.878863, -3.0638470000000004, -1.566344, -5.161555, -1.465055, -0.5785679999999997, 0.7479769999999999, -0.052961999999999954, -3.5063569999999995, 0.7870739999999999, 5.299902, -0.8773259999999998, -0.1120690000000002, -9.335884, -6.833591000000001, -0.46460300000000054, -2.354691, -5.262243, -9.059844, -8.520275, -1.7216300000000004, -3.737552}, 0.0001);
}

TEST(Op, conv_5) {
  Case c("conv");
  c.in(F32, {1, 2, 5, 5}, {0.052, 0.729, 0.129, 1.139, -1.235, 0.402, -0.685, -0.871, -0.579, -0.312, 0.056, -1.165, 0.901, 0.466, -1.536, 1.488, 1.896, 1.179, -0.18, -1.071, 1.054, -0.403, 1.222, 0.208, 0.977, 0.356, 0.707, 0.011, 1.786, 0.127, 0.402, 1.883, -1.348, -1.27, 0.969, -1.173, 1.944, -0.414, -0.747, 1.923, 1.481, 1.868, 0.906, -0.861, 1.91, -0.268, 0.802, 0.947, -0.155, 0.614});
  c.in(F32, {2, 1, 3, 3}, {-0.172, 0.772, 0.824, 2.163, 1.337, -0.369, -0.239, 1.1, 0.655, 0.64, -1.617, -0.024, -0.738, 0.28, -0.098, 0.91, 0.317, 0.786});
  c.i("group", 2);
  c.ints("pads", {1, 1, 1, 1});
  c.expect(0, F32, {1, 2, 5, 5}, {-0.20595200000000002, -0.3805350000000003, 0.15537899999999988, 1.6244939999999994, 0.6076429999999997, 0.729604, 0.2304909999999999, 0.054970000000000296, -3.412307, -4.619823, 3.129341, -0.5824010000000002, -1.7930439999999996, 1.4031389999999995, -2.32203, 1.2685390000000003, 5.257061, 8.600484000000002, 2.220509, -2.062223, 4.2689449999999995, 3.469345, 1.1211290000000003, 1.3365169999999997, 0.9603009999999998, 1.637866, -0.16264299999999998, -0.4057200000000001, -0.38812000000000013, -2.131035, 0.491549, -1.3295609999999998, -0.20014500000000002, -1.441769, 2.076082, 0.7235470000000003, 1.3473690000000005, 3.248266, 3.128315, -1.467987, 2.627117, -3.788261999999999, 1.7991889999999997, 1.095138, -2.363765, -2.593245, -1.7649219999999997, -0.560344, 1.1237789999999999, -3.3532}, 0.0001);
}

TEST(Op, conv_6) {
  Case c("conv");
  c.in(F64, {1, 2, 7}, {-0.466, -0.944, -0.41, -0.017, 0.379, 2.259, -0.042, -0.956, -0.346, -0.464, 0.481, -1.541, 0.063, 0.157});
  c.in(F64, {3, 2, 3}, {0.232, -0.597, -0.238, -1.424, -0.493, -0.543, 0.416, -1.156, 0.781, 1.494, -2.07, 0.426, 0.677, -0.637, -0.397, -0.133, -0.298, -0.309});
  c.ints("strides", {2});
  c.expect(0, F64, {1, 3, 3}, {2.33691, 1.085193, 0.827375, -0.33251000000000036, -2.200261, -4.852324, 0.8222479999999999, -0.022661000000000042, -1.0280599999999998}, 1e-10);
}

TEST(Op, conv_7) {
  Case c("conv");
  c.in(F32, {1, 1, 3, 4, 4}, {-1.676, 1.152, 1.08, -0.813, -1.466, 0.521, -0.576, 0.142, -0.319, 0.692, 0.695, -0.726, -1.383, -1.583, 0.61, -1.189, -0.507, -0.596, -0.053, -1.936, 0.189, 0.524, 0.088, -0.311, 0.097, 0.399, -2.773, 1.956, 0.39, -0.652, -0.391, 0.494, -0.116, -2.031, 2.064, -0.111, 1.02, -0.692, 1.536, 0.286, 0.609, -1.045, 1.211, 0.69, 1.302, -0.628, -0.481, 2.304});
  c.in(F32, {2, 1, 2, 2, 2}, {-1.06, -0.136, 1.137, 0.098, 0.583, -0.399, 0.37, -1.307, 1.658, -0.118, -0.68, 0.666, -0.461, -1.334, -1.347, 0.694});
  c.expect(0, F32, {1, 2, 2, 3, 3}, {-0.668611, -1.0795279999999996, -0.4946259999999999, 0.6037250000000001, 4.423311, -2.096794, -0.5897629999999997, -0.9592900000000002, -3.2483470000000003, 2.909306, -3.0278210000000003, 1.8311730000000002, 2.3396999999999997, -3.371226, -2.6845830000000004, 2.296988, -1.5215710000000002, -0.4813860000000001, -0.4330139999999998, 0.7453819999999997, 4.645513, -2.4542120000000005, -1.8967749999999999, 3.539121, -2.279197, 6.670159000000001, -0.4301340000000002, 0.3588280000000002, -1.098603, -2.80033, -0.6413409999999999, -0.7416930000000007, 1.1289610000000003, -1.6620330000000003, 0.5500829999999999, -3.4654060000000007}, 0.0001);
}

TEST(Op, conv_transpose_1) {
  Case c("conv_transpose");
  c.in(F32, {1, 2, 3, 3}, {-0.16, -0.134, 1.078, -1.127, -0.731, -0.385, 0.094, -0.042, -0.287, -0.062, -0.107, -0.72, -0.813, 0.275, -0.891, -1.157, -0.312, -0.158});
  c.in(F32, {2, 3, 3, 3}, {2.257, -0.705, 0.943, 0.747, -1.189, 0.773, -1.184, -2.659, 0.606, -1.756, 0.451, -0.684, 1.66, 1.069, -0.453, -0.688, -1.214, -0.441, -0.28, -0.365, 0.157, 0.579, 0.35, -0.764, -1.438, 1.365, -0.689, -0.652, -0.521, -1.843, -0.478, -0.48, 0.62, 0.698, 0.004, 0.932, 0.34, -0.016, 0.161, -0.191, -0.395, -0.268, -1.128, 0.28, -0.993, 0.842, -0.249, 0.049, 0.494, 0.643, -1.571, -0.207, 0.88, -1.698});
  c.in(F32, {3}, {0.387, -2.256, -1.023});
  c.expect(0, F32, {1, 3, 5, 5}, {0.06630399999999997, 0.29942799999999997, 3.4030890000000005, 0.07296899999999995, 2.730514, -1.7164470000000005, -0.053010999999999975, 2.1046569999999996, -1.1795860000000005, 2.0529520000000003, 1.0464310000000001, 2.594055, 0.17786500000000027, -1.352265, -0.4602439999999999, 1.777158, 4.999250999999999, 0.14122800000000013, 1.411642, -0.9965330000000001, -0.5318819999999999, -0.03562199999999993, -0.29440600000000006, 0.8332649999999998, 0.06582200000000005, -1.99612, -2.1282439999999996, -4.353032000000001, -1.6838729999999997, -3.109272, -0.8071659999999996, -1.7226859999999997, 0.33812900000000035, -0.3449399999999998, -2.431485, -4.349964999999999, -3.987267, -2.365501, -3.5515369999999997, -1.432375, -0.18653299999999984, -0.37536100000000006, 1.1822720000000002, -2.1305449999999997, -1.0290969999999997, -1.015576, -2.313244, -0.809245, -1.623484, -1.9725389999999998, -1.0304039999999999, -1.001736, -1.8836849999999998, -1.263471, -0.8890339999999999, -1.5152539999999997, -0.19928800000000013, -1.311435, -0.5770949999999998, -0.8195760000000001, -2.8347549999999995, -2.282888, -1.0911140000000001, -0.37010699999999985, 1.0979179999999997, 0.24878500000000003, -3.172039, 2.402519, -1.9756999999999998, 1.222669, -0.9186729999999999, -1.7878699999999998, 0.9903420000000003, -0.9950809999999998, -0.5569729999999999}, 0.0001);
}

TEST(Op, conv_transpose_2) {
  Case c("conv_transpose");
  c.in(F32, {1, 2, 3, 3}, {-0.16, -0.134, 1.078, -1.127, -0.731, -0.385, 0.094, -0.042, -0.287, -0.062, -0.107, -0.72, -0.813, 0.275, -0.891, -1.157, -0.312, -0.158});
  c.in(F32, {2, 3, 3, 3}, {2.257, -0.705, 0.943, 0.747, -1.189, 0.773, -1.184, -2.659, 0.606, -1.756, 0.451, -0.684, 1.66, 1.069, -0.453, -0.688, -1.214, -0.441, -0.28, -0.365, 0.157, 0.579, 0.35, -0.764, -1.438, 1.365, -0.689, -0.652, -0.521, -1.843, -0.478, -0.48, 0.62, 0.698, 0.004, 0.932, 0.34, -0.016, 0.161, -0.191, -0.395, -0.268, -1.128, 0.28, -0.993, 0.842, -0.249, 0.049, 0.494, 0.643, -1.571, -0.207, 0.88, -1.698});
  c.ints("strides", {2, 2});
  c.ints("pads", {1, 1, 1, 1});
  c.ints("output_padding", {1, 1});
  c.expect(0, F32, {1, 3, 6, 6}, {0.22000000000000003, -0.21107200000000004, 0.210686, 0.979504, -0.9361420000000003, 0.3868940000000001, 1.6433, -1.464343, 0.727958, -3.444011, -2.133646, 1.2612860000000001, 1.730243, -2.0527379999999997, 0.737159, -0.25626, 0.885445, -0.850025, 3.5299679999999998, 1.9463989999999998, 2.136991, -0.362097, 1.3048039999999999, -1.043169, 0.44359399999999993, -0.5269159999999999, 0.19969800000000001, -0.36477099999999996, 0.417083, -0.319811, -0.25457399999999997, -1.189408, 0.11043, -0.08671200000000012, 0.7625009999999999, -0.32117799999999996, -0.14654999999999999, -0.11290699999999998, -0.10098100000000002, 2.016378, 1.436782, -0.295374, -0.318389, 2.362125, -0.20136500000000002, 1.1532399999999998, -1.669671, 0.3594509999999999, -0.8836280000000001, -0.5375699999999999, -0.890064, -0.211476, -0.059620000000000006, 0.41319300000000003, 1.2014439999999997, 1.214143, 0.950484, 1.7479719999999999, 0.09100099999999994, 1.2254180000000001, 0.557501, 0.257366, 0.078342, -0.34359999999999996, -0.24439299999999994, 0.17235499999999998, -0.438076, 1.488279, -0.03637200000000001, 0.7040179999999999, 0.30417799999999995, 0.28346099999999996, -0.09586599999999999, 0.089198, -0.115701, 0.5389550000000001, -0.08565999999999996, 0.3075279999999998, 0.3408319999999999, 0.6498109999999999, -0.07873000000000008, -1.870826, 1.2002540000000002, 0.3757139999999999, -0.9172089999999999, 1.850852, -0.07902499999999996, -0.53661, -0.7076629999999999, 1.693901, -2.000012, 2.858351, -0.6627970000000001, 0.7002179999999998, -1.165508, 1.7253819999999997, -0.711051, 1.5673849999999998, -0.215316, 0.27801500000000007, -0.202044, 0.46748599999999996, -0.8898499999999999, 2.0248, -0.33189, 1.004126, -0.5307949999999999, 0.46602699999999997}, 0.0001);
}

TEST(Op, conv_transpose_3) {
  Case c("conv_transpose");
  c.in(F32, {1, 2, 3, 3}, {-0.16, -0.134, 1.078, -1.127, -0.731, -0.385, 0.094, -0.042, -0.287, -0.062, -0.107, -0.72, -0.813, 0.275, -0.891, -1.157, -0.312, -0.158});
  c.in(F32, {2, 2, 2, 2}, {0.039, -1.657, -0.986, -1.472, 1.648, 0.164, 0.567, -0.223, -0.353, -1.616, -0.292, -0.761, 0.858, 1.141, 1.467, 0.853});
  c.i("group", 2);
  c.ints("strides", {2, 2});
  c.ints("dilations", {2, 1});
  c.expect(0, F32, {1, 4, 7, 6}, {-0.00624, 0.26512, -0.005226000000000001, 0.222038, 0.042042, -1.7862460000000002, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.11380700000000002, 2.1029590000000002, 0.10361500000000001, 1.4085150000000002, -1.077923, -0.948871, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.1148879999999999, 1.503186, 0.719128, 1.1456259999999998, 0.368417, 1.042279, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.092684, -0.138368, 0.041412000000000004, 0.061824000000000004, 0.28298199999999996, 0.42246399999999995, -0.26367999999999997, -0.026240000000000003, -0.220832, -0.021976000000000002, 1.7765440000000001, 0.17679200000000003, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.9480159999999997, -0.149148, -1.280666, -0.090002, -0.023253999999999997, -0.303534, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.48409699999999994, 0.266737, -0.48369299999999993, 0.15612499999999999, -0.691271, 0.038787, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.053298, -0.020962, -0.023814, 0.009366000000000001, -0.16272899999999998, 0.064001, 0.021886, 0.100192, 0.037771, 0.172912, 0.25416, 1.16352, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.30509299999999995, 1.3609900000000001, -0.06583100000000001, -0.3629730000000001, 0.524763, 1.987776, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.645817, 2.488405, 0.029836, 0.2949170000000001, 0.315946, 0.9333790000000001, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.337844, 0.8804770000000001, 0.09110399999999999, 0.237432, 0.046135999999999996, 0.120238, -0.053196, -0.070742, -0.091806, -0.122087, -0.61776, -0.82152, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.7885079999999999, -0.9805189999999999, 0.07898100000000002, 0.22250400000000004, -1.820718, -1.6307909999999999, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -2.185377, -2.013626, 0.13572900000000004, -0.12141700000000002, -1.4426610000000002, -0.940301, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.6973190000000002, -0.986921, -0.457704, -0.266136, -0.23178600000000002, -0.134774}, 0.0001);
}

TEST(Op, conv_transpose_4) {
  Case c("conv_transpose");
  c.in(F32, {1, 2, 3, 3}, {-0.16, -0.134, 1.078, -1.127, -0.731, -0.385, 0.094, -0.042, -0.287, -0.062, -0.107, -0.72, -0.813, 0.275, -0.891, -1.157, -0.312, -0.158});
  c.in(F32, {2, 3, 3, 3}, {2.257, -0.705, 0.943, 0.747, -1.189, 0.773, -1.184, -2.659, 0.606, -1.756, 0.451, -0.684, 1.66, 1.069, -0.453, -0.688, -1.214, -0.441, -0.28, -0.365, 0.157, 0.579, 0.35, -0.764, -1.438, 1.365, -0.689, -0.652, -0.521, -1.843, -0.478, -0.48, 0.62, 0.698, 0.004, 0.932, 0.34, -0.016, 0.161, -0.191, -0.395, -0.268, -1.128, 0.28, -0.993, 0.842, -0.249, 0.049, 0.494, 0.643, -1.571, -0.207, 0.88, -1.698});
  c.ints("strides", {2, 2});
  c.ints("output_shape", {6, 6});
  c.expect(0, F32, {1, 3, 6, 6}, {0.22000000000000003, -0.21107200000000004, 0.210686, 0.979504, -0.9361420000000003, 0.3868940000000001, 1.6433, -1.464343, 0.727958, -3.444011, -2.133646, 1.2612860000000001, 1.730243, -2.0527379999999997, 0.737159, -0.25626, 0.885445, -0.850025, 3.5299679999999998, 1.9463989999999998, 2.136991, -0.362097, 1.3048039999999999, -1.043169, 0.44359399999999993, -0.5269159999999999, 0.19969800000000001, -0.36477099999999996, 0.417083, -0.319811, -0.25457399999999997, -1.189408, 0.11043, -0.08671200000000012, 0.7625009999999999, -0.32117799999999996, -0.14654999999999999, -0.11290699999999998, -0.10098100000000002, 2.016378, 1.436782, -0.295374, -0.318389, 2.362125, -0.20136500000000002, 1.1532399999999998, -1.669671, 0.3594509999999999, -0.8836280000000001, -0.5375699999999999, -0.890064, -0.211476, -0.059620000000000006, 0.41319300000000003, 1.2014439999999997, 1.214143, 0.950484, 1.7479719999999999, 0.09100099999999994, 1.2254180000000001, 0.557501, 0.257366, 0.078342, -0.34359999999999996, -0.24439299999999994, 0.17235499999999998, -0.438076, 1.488279, -0.03637200000000001, 0.7040179999999999, 0.30417799999999995, 0.28346099999999996, -0.09586599999999999, 0.089198, -0.115701, 0.5389550000000001, -0.08565999999999996, 0.3075279999999998, 0.3408319999999999, 0.6498109999999999, -0.07873000000000008, -1.870826, 1.2002540000000002, 0.3757139999999999, -0.9172089999999999, 1.850852, -0.07902499999999996, -0.53661, -0.7076629999999999, 1.693901, -2.000012, 2.858351, -0.6627970000000001, 0.7002179999999998, -1.165508, 1.7253819999999997, -0.711051, 1.5673849999999998, -0.215316, 0.27801500000000007, -0.202044, 0.46748599999999996, -0.8898499999999999, 2.0248, -0.33189, 1.004126, -0.5307949999999999, 0.46602699999999997}, 0.0001);
}

TEST(Op, conv_transpose_5) {
  Case c("conv_transpose");
  c.in(F32, {1, 2, 3, 3}, {-0.16, -0.134, 1.078, -1.127, -0.731, -0.385, 0.094, -0.042, -0.287, -0.062, -0.107, -0.72, -0.813, 0.275, -0.891, -1.157, -0.312, -0.158});
  c.in(F32, {2, 3, 3, 3}, {2.257, -0.705, 0.943, 0.747, -1.189, 0.773, -1.184, -2.659, 0.606, -1.756, 0.451, -0.684, 1.66, 1.069, -0.453, -0.688, -1.214, -0.441, -0.28, -0.365, 0.157, 0.579, 0.35, -0.764, -1.438, 1.365, -0.689, -0.652, -0.521, -1.843, -0.478, -0.48, 0.62, 0.698, 0.004, 0.932, 0.34, -0.016, 0.161, -0.191, -0.395, -0.268, -1.128, 0.28, -0.993, 0.842, -0.249, 0.049, 0.494, 0.643, -1.571, -0.207, 0.88, -1.698});
  c.ints("strides", {2, 2});
  c.s("auto_pad", "SAME_UPPER");
  c.expect(0, F32, {1, 3, 6, 6}, {-0.32069600000000004, 0.145102, -0.269288, 0.150217, 2.9733250000000004, -0.38487000000000005, -0.089884, 0.22000000000000003, -0.21107200000000004, 0.210686, 0.979504, -0.9361420000000003, -1.8673990000000005, 1.6433, -1.464343, 0.727958, -3.444011, -2.133646, -0.453255, 1.730243, -2.0527379999999997, 0.737159, -0.25626, 0.885445, 1.733416, 3.5299679999999998, 1.9463989999999998, 2.136991, -0.362097, 1.3048039999999999, 0.623264, 0.44359399999999993, -0.5269159999999999, 0.19969800000000001, -0.36477099999999996, 0.417083, 0.25988, -0.071168, 0.29838200000000004, -0.05872200000000001, -2.0633390000000005, 0.49769800000000003, -0.253758, -0.14654999999999999, -0.11290699999999998, -0.10098100000000002, 2.016378, 1.436782, 1.882608, -0.318389, 2.362125, -0.20136500000000002, 1.1532399999999998, -1.669671, -1.7155369999999999, -0.8836280000000001, -0.5375699999999999, -0.890064, -0.211476, -0.059620000000000006, 1.1339959999999998, 1.2014439999999997, 1.214143, 0.950484, 1.7479719999999999, 0.09100099999999994, 0.377027, 0.557501, 0.257366, 0.078342, -0.34359999999999996, -0.24439299999999994, -0.007403999999999994, 0.073838, -0.08073199999999998, 0.07555300000000001, -0.934361, -0.21419000000000005, -0.123268, -0.09586599999999999, 0.089198, -0.115701, 0.5389550000000001, -0.08565999999999996, -0.12607199999999985, 0.3408319999999999, 0.6498109999999999, -0.07873000000000008, -1.870826, 1.2002540000000002, -1.054155, -0.9172089999999999, 1.850852, -0.07902499999999996, -0.53661, -0.7076629999999999, 0.788403, -2.000012, 2.858351, -0.6627970000000001, 0.7002179999999998, -1.165508, -0.517132, -0.711051, 1.5673849999999998, -0.215316, 0.27801500000000007, -0.202044}, 0.0001);
}

TEST(Op, matmul_1) {
  Case c("matmul");
  c.in(F32, {2, 3, 4}, {-0.599, -1.116, 0.767, 0.356, -1.769, 0.355, 0.815, 0.059, -0.185, -0.808, -1.447, 0.8, -0.309, -0.233, 1.733, 0.685, 0.371, 0.142, 1.52, 1.72, 0.93, 0.582, -2.095, 0.124});
  c.in(F32, {4, 5}, {-0.13, 0.094, 0.943, -2.74, -0.569, 0.27, -0.467, -1.417, 0.869, 0.277, -0.971, 0.315, 0.822, 0.005, 0.801, 0.078, -0.395, -1.159, -0.086, 0.194});
  c.expect(0, F32, {2, 3, 5}, {-0.940439, 0.5658510000000001, 1.2343850000000003, 0.6446750000000001, 0.7151299999999998, -0.4609429999999999, -0.09865100000000002, -1.5696529999999997, 5.154556, 1.769157, 1.273327, -0.41185900000000003, -1.1461529999999998, -0.27128699999999994, -1.1223980000000002, -1.652053, 0.355085, 0.669385, 0.5939380000000001, 1.632303, -1.3516499999999998, -0.23204000000000002, -0.5954010000000001, -1.0334619999999999, 1.3794350000000002, 2.0801570000000003, -0.8932790000000002, -1.81351, -2.063581, -2.0219950000000004}, 0.0001);
}

TEST(Op, matmul_2) {
  Case c("matmul");
  c.in(F32, {4}, {0.876, -0.115, 0.457, -0.965});
  c.in(F32, {4, 3}, {-0.599, -1.769, -0.185, -1.116, 0.355, -0.808, 0.767, 0.815, -1.447, 0.356, 0.059, 0.8});
  c.expect(0, F32, {3}, {-0.3894049999999999, -1.274949, -1.5024190000000002}, 0.0001);
}

TEST(Op, matmul_3) {
  Case c("matmul");
  c.in(F32, {2, 3, 4}, {-0.599, -1.116, 0.767, 0.356, -1.769, 0.355, 0.815, 0.059, -0.185, -0.808, -1.447, 0.8, -0.309, -0.233, 1.733, 0.685, 0.371, 0.142, 1.52, 1.72, 0.93, 0.582, -2.095, 0.124});
  c.in(F32, {4}, {0.876, -0.115, 0.457, -0.965});
  c.expect(0, F32, {2, 3}, {-0.3894049999999999, -1.274949, -1.5024190000000002, -0.11293300000000006, -0.6564939999999999, -0.3293250000000001}, 0.0001);
}

TEST(Op, matmul_4) {
  Case c("matmul");
  c.in(F32, {2, 3, 4}, {-0.599, -1.116, 0.767, 0.356, -1.769, 0.355, 0.815, 0.059, -0.185, -0.808, -1.447, 0.8, -0.309, -0.233, 1.733, 0.685, 0.371, 0.142, 1.52, 1.72, 0.93, 0.582, -2.095, 0.124});
  c.in(F32, {3, 1, 4, 2}, {-0.783, -0.11, -1.055, 0.82, 0.463, 0.279, 0.339, 2.021, -0.469, -2.201, 0.199, -0.051, -0.518, -0.979, -0.439, 0.181, -0.503, 2.412, -0.961, -0.793, -2.289, 0.251, -2.016, -0.539});
  c.expect(0, F32, {3, 2, 3, 2}, {2.1222019999999997, 0.08423899999999984, 1.407948, 0.8323139999999999, 0.5985340000000001, 0.5708769999999999, 1.5223560000000003, 1.710822, 0.8465370000000001, 3.9758299999999998, -2.2701490000000004, 0.04103899999999977, -0.49474300000000004, 0.688858, 0.45223499999999983, 3.088258, 0.32431899999999997, 2.009806, -1.099855, -0.88063, -1.6881810000000002, -2.000573, 0.7104220000000002, -0.003163000000000381, -1.0995860000000004, -0.5591669999999999, -1.435827, -4.375578999999999, 2.5689260000000003, -0.5998729999999999, -4.968457000000001, -0.49477099999999996, -7.269875000000001, 0.23668600000000006, 3.5183790000000004, 1.1889530000000001}, 0.0001);
}

TEST(Op, matmul_5) {
  Case c("matmul");
  c.in(I32, {2, 2}, {1.0, 2.0, 3.0, 4.0});
  c.in(I32, {2, 1}, {5.0, 6.0});
  c.expect(0, I32, {2, 1}, {17.0, 39.0}, 1e-05);
}

TEST(Op, gemm_1) {
  Case c("gemm");
  c.in(F32, {3, 2}, {-0.276, -0.71, 1.739, 0.994, 1.319, -0.882});
  c.in(F32, {4, 3}, {1.129, 0.496, 0.771, 1.029, -0.909, -0.424, 0.863, -2.656, 1.513, 0.553, -0.046, 0.221});
  c.in(F32, {4}, {-1.03, -0.35, 1.1, 1.298});
  c.i("transA", 1);
  c.i("transB", 1);
  c.f("alpha", 0.5);
  c.f("beta", 2.0);
  c.expect(0, F32, {2, 4}, {-1.2760555, -1.9120055, 0.7693374999999998, 2.6254385, -2.554294, -1.3300839999999998, -0.0936300000000001, 2.279362}, 0.0001);
}

TEST(Op, gemm_2) {
  Case c("gemm");
  c.in(F32, {2, 3}, {-0.276, 1.739, 1.319, -0.71, 0.994, -0.882});
  c.in(F32, {3, 4}, {1.129, 1.029, 0.863, 0.553, 0.496, -0.909, -2.656, -0.046, 0.771, -0.424, 1.513, 0.221});
  c.expect(0, F32, {2, 4}, {1.5678889999999999, -2.424011, -2.861325000000001, 0.058876999999999985, -0.9885879999999999, -1.2601679999999997, -4.587260000000001, -0.6332760000000001}, 0.0001);
}

TEST(Op, gemm_3) {
  Case c("gemm");
  c.in(I64, {1, 2}, {1.0, 2.0});
  c.in(I64, {2, 1}, {3.0, 4.0});
  c.in(I64, {}, {5.0});
  c.expect(0, I64, {1, 1}, {16.0}, 1e-05);
}

TEST(Op, linear_1) {
  Case c("linear");
  c.in(F32, {2, 3, 4}, {2.696, -0.074, -0.659, -0.514, -1.018, -0.078, 0.383, -0.034, 1.096, -0.234, -0.347, -0.581, -1.633, -1.568, -1.179, 1.301, 0.895, 1.375, -1.332, -1.969, -0.66, 0.176, 0.499, 1.048});
  c.in(F32, {5, 4}, {0.284, 1.743, -0.223, -0.913, -1.681, -0.889, 0.242, -0.889, 0.937, 1.412, -2.37, 0.864, -2.24, 0.401, 1.225, 0.065, -1.28, -0.585, -0.262, -0.182});
  c.in(F32, {5}, {-0.203, -0.11, 0.213, -1.209, -0.242});
  c.expect(0, F32, {2, 3, 5}, {1.0499209999999999, -4.278722, 3.7523980000000003, -8.118399, -3.383384, -0.6824330000000001, 1.7935120000000002, -1.7880880000000001, 1.5070070000000002, 1.012512, 0.3082359999999999, -1.3118150000000004, 1.22995, -4.220714000000001, -1.3113340000000002, -4.324692000000001, 2.5871180000000003, 0.38715699999999986, 0.460442, 2.8376360000000003, 4.5425379999999995, -1.408773, 4.448739000000001, -4.42211, -1.4846329999999999, -1.1517730000000002, 0.03208200000000004, -0.4340660000000002, 1.019371, 0.17836600000000014}, 0.0001);
}

TEST(Op, linear_2) {
  Case c("linear");
  c.in(F32, {2, 3, 4}, {2.696, -0.074, -0.659, -0.514, -1.018, -0.078, 0.383, -0.034, 1.096, -0.234, -0.347, -0.581, -1.633, -1.568, -1.179, 1.301, 0.895, 1.375, -1.332, -1.969, -0.66, 0.176, 0.499, 1.048});
  c.in(F32, {5, 4}, {0.284, 1.743, -0.223, -0.913, -1.681, -0.889, 0.242, -0.889, 0.937, 1.412, -2.37, 0.864, -2.24, 0.401, 1.225, 0.065, -1.28, -0.585, -0.262, -0.182});
  c.expect(0, F32, {2, 3, 5}, {1.252921, -4.168722, 3.5393980000000003, -6.9093990000000005, -3.141384, -0.479433, 1.9035120000000003, -2.001088, 2.7160070000000003, 1.254512, 0.5112359999999999, -1.2018150000000003, 1.01695, -3.0117140000000004, -1.0693340000000002, -4.121692, 2.697118, 0.1741569999999999, 1.669442, 3.0796360000000003, 4.745538, -1.298773, 4.235739000000001, -3.2131100000000004, -1.2426329999999999, -0.9487730000000001, 0.14208200000000004, -0.6470660000000001, 2.228371, 0.42036600000000013}, 0.0001);
}

TEST(Op, batch_norm_1) {
  Case c("batch_norm");
  c.in(F32, {2, 3, 2, 2}, {1.518, -0.385, -0.444, 1.078, -2.559, 1.181, -0.632, 0.164, 0.096, 0.942, -0.268, -0.678, 1.298, -2.364, 0.02, -1.348, -0.762, 2.011, -0.045, 0.195, -1.782, -0.729, 0.197, 0.355});
  c.in(F32, {3}, {0.617, 0.009, 0.527});
  c.in(F32, {3}, {0.454, -1.83, 0.037});
  c.in(F32, {3}, {0.768, 0.59, -0.364});
  c.in(F32, {3}, {1.306, 1.618, 0.631});
  c.expect(0, F32, {2, 3, 2, 2}, {0.8589236810742684, -0.16850267237150862, -0.20035666861601775, 0.621368454844031, -1.8522804813613152, -1.8258184298239006, -1.838646156946182, -1.8330141267259195, 0.34217596461071376, 0.9034343690904177, 0.1006888969622359, -0.17131576714731336, 0.7401460679591497, -1.2369612921661448, 0.05015611540859632, -0.6884246788708693, -1.8395659608766268, -1.8199458354987526, -1.8344928884294809, -1.8327947888655827, -0.9037380822130264, -0.20515049365850113, 0.4091819916230662, 0.5140033012067461}, 0.0001);
}

TEST(Op, instance_norm_1) {
  Case c("instance_norm");
  c.in(F32, {2, 3, 2, 2}, {1.518, -0.385, -0.444, 1.078, -2.559, 1.181, -0.632, 0.164, 0.096, 0.942, -0.268, -0.678, 1.298, -2.364, 0.02, -1.348, -0.762, 2.011, -0.045, 0.195, -1.782, -0.729, 0.197, 0.355});
  c.in(F32, {3}, {0.617, 0.009, 0.527});
  c.in(F32, {3}, {0.454, -1.83, 0.037});
  c.f("epsilon", 0.001);
  c.expect(0, F32, {2, 3, 2, 2}, {1.2163157626339514, -0.1315930840953489, -0.1733832164952589, 0.9046605379566565, -1.8437663372567865, -1.8192199242220395, -1.8311190276530547, -1.8258947108681192, 0.10134276266619417, 0.8470136834278416, -0.2194896429570206, -0.5808668031370152, 1.2994678051735447, -0.33306744531183385, 0.7297299433165503, 0.11986969682173916, -1.839788512778208, -1.8153733601503952, -1.8334756153984237, -1.831362511672973, -0.7605633505446814, -0.1106626284525556, 0.460855005599969, 0.558370973397268}, 0.0001);
}

TEST(Op, group_norm_1) {
  Case c("group_norm");
  c.in(F32, {2, 4, 3}, {1.133, -1.952, -0.66, -1.14, 0.785, -0.554, -0.471, -0.217, 0.445, -0.392, -3.046, 0.543, 0.439, -0.22, -1.084, 0.352, 0.379, -0.47, -0.217, -0.93, -0.179, -1.55, 0.417, -0.944});
  c.in(F32, {4}, {0.238, -1.406, -0.59, -0.11});
  c.in(F32, {4}, {-1.661, 0.115, -0.379, -1.742});
  c.i("num_groups", 2);
  c.expect(0, F32, {2, 4, 3}, {-1.3187760364523082, -2.0083651465402435, -1.7195647801760257, 1.0948226962633758, -1.447170147816137, 0.32100045905267754, -0.4046971642681985, -0.5302179281936299, -0.8573625963772347, -1.754069626372384, -1.509544524141032, -1.840215432923369, -1.4293075254693823, -1.712232801656554, -2.083169734320767, -1.0330828057055805, -1.1015619715834541, 1.0517273554652304, -0.7002485683553906, -0.046130826601767747, -0.7351103834839148, -1.5738925541226605, -1.910335504138662, -1.6775450338937317}, 0.0001);
}

TEST(Op, layer_norm_1) {
  Case c("layer_norm");
  c.in(F32, {2, 3, 4}, {-1.303, 0.605, 0.896, -0.132, 0.405, 0.224, 0.33, 1.286, -1.507, 0.676, -0.382, -0.224, -0.302, -0.375, -1.226, 0.183, 1.671, -0.056, -0.001, -0.687, -0.117, 0.466, -0.37, -0.454});
  c.in(F32, {4}, {0.403, -0.918, 0.252, 0.82});
  c.in(F32, {4}, {1.36, -0.09, 1.368, 1.034});
  c.expect(0, F32, {2, 3, 4}, {0.7336454563736159, -0.7263483756486236, 1.6290611074803507, 0.8905679856976714, 1.211263874644135, 0.6412839320712526, 1.2303508056756245, 2.4377619552295977, 0.7638424227553361, -1.314888736418595, 1.3606109150001786, 1.1769419975414612, 1.4617120382606779, -0.1895549164814986, 0.9724777221854471, 2.025132388959994, 2.0239563806991603, 0.21238223875975568, 1.3008588933749912, 0.17159856778653818, 1.3619607404859937, -1.5824161265531924, 1.1919712387512393, 0.2697073898587924}, 0.0001);
}

TEST(Op, layer_norm_2) {
  Case c("layer_norm");
  c.in(F32, {2, 3, 4}, {-1.303, 0.605, 0.896, -0.132, 0.405, 0.224, 0.33, 1.286, -1.507, 0.676, -0.382, -0.224, -0.302, -0.375, -1.226, 0.183, 1.671, -0.056, -0.001, -0.687, -0.117, 0.466, -0.37, -0.454});
  c.in(F32, {3, 4}, {-0.996, -1.218, -0.305, 1.029, -0.072, -0.601, 1.552, 0.287, -2.321, 0.317, 0.52, 0.226});
  c.i("axis", 1);
  c.f("epsilon", 0.001);
  c.expect(0, F32, {2, 3, 4}, {1.7069839506453122, -0.8074194903018452, -0.3127460889387161, -0.2625549916599212, -0.029791530626661667, -0.11317090291929852, 0.4971765825303092, 0.43371719254078145, 4.567627568422133, 0.23817757387042623, -0.2946184233824152, -0.08356518527634975, 0.28916925646048, 0.4851054280450198, 0.5052959727601753, 0.43924897007644176, -0.18916343448373082, -0.044140599318802376, 0.24021429591434112, -0.24672085557450707, 0.03889838250169168, 0.26797906757935347, -0.20326098041409024, -0.11641319658646737}, 0.0001);
}

TEST(Op, max_pool_1) {
  Case c("max_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {2, 2});
  c.expect(0, F32, {1, 2, 4, 4}, {0.45, 0.452, 0.452, 0.098, -0.023, 1.079, 1.079, 0.377, -0.023, 1.079, 1.079, 0.377, 0.393, 1.017, 1.423, 1.423, 2.117, 2.117, 0.867, 2.381, 2.117, 2.117, -0.036, 2.381, 1.091, 0.949, 0.198, 1.082, 1.091, -0.346, 1.095, 1.095}, 1e-05);
}

TEST(Op, max_pool_2) {
  Case c("max_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {3, 3});
  c.ints("strides", {2, 2});
  c.ints("pads", {1, 1, 1, 1});
  c.expect(0, F32, {1, 2, 3, 3}, {0.45, 0.452, 0.098, -0.023, 1.079, 0.377, 0.393, 1.423, 1.423, 2.117, 2.117, 2.381, 2.117, 2.117, 2.381, 1.091, 1.095, 1.095}, 1e-05);
}

TEST(Op, max_pool_3) {
  Case c("max_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {2, 2});
  c.ints("strides", {2, 2});
  c.i("ceil_mode", 1);
  c.expect(0, F32, {1, 2, 3, 3}, {0.45, 0.452, -0.448, -0.023, 1.079, 0.377, 0.393, 1.423, 0.396, 2.117, 0.867, 2.381, 1.091, 0.198, 1.082, -1.211, 1.095, 0.235}, 1e-05);
}

TEST(Op, max_pool_4) {
  Case c("max_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {2, 2});
  c.ints("dilations", {2, 2});
  c.expect(0, F32, {1, 2, 3, 3}, {1.079, -0.023, 1.079, 0.452, 0.098, 0.452, 1.079, 1.423, 1.079, 0.755, 1.124, 0.755, 1.091, 2.117, 2.381, 0.331, 1.095, 0.235}, 1e-05);
}

TEST(Op, average_pool_1) {
  Case c("average_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {3, 3});
  c.ints("strides", {2, 2});
  c.ints("pads", {1, 1, 1, 1});
  c.expect(0, F32, {1, 2, 3, 3}, {-0.45325, -0.41150000000000003, -0.41674999999999995, -0.8831666666666665, -0.7116666666666667, -0.445, -0.7442500000000001, -0.5405000000000001, 0.2815, -0.0462499999999999, 0.5359999999999999, 0.6389999999999999, 0.21783333333333332, -0.31155555555555553, 0.21899999999999997, -0.47775, -0.308, 0.6525}, 1e-05);
}

TEST(Op, average_pool_2) {
  Case c("average_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {3, 3});
  c.ints("strides", {2, 2});
  c.ints("pads", {1, 1, 1, 1});
  c.i("count_include_pad", 1);
  c.expect(0, F32, {1, 2, 3, 3}, {-0.20144444444444443, -0.2743333333333334, -0.1852222222222222, -0.5887777777777777, -0.7116666666666667, -0.29666666666666663, -0.33077777777777784, -0.3603333333333334, 0.1251111111111111, -0.02055555555555551, 0.3573333333333333, 0.284, 0.14522222222222222, -0.31155555555555553, 0.146, -0.21233333333333335, -0.20533333333333334, 0.29}, 1e-05);
}

TEST(Op, average_pool_3) {
  Case c("average_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {2, 2});
  c.ints("strides", {2, 2});
  c.i("ceil_mode", 1);
  c.expect(0, F32, {1, 2, 3, 3}, {-0.45325, -0.28475, -0.697, -0.7757499999999999, -0.946, 0.2985, -0.27299999999999996, 1.22, 0.396, -0.0462499999999999, -0.006250000000000025, 0.8624999999999998, 0.50625, -0.9692500000000001, 0.2745, -1.328, 0.15299999999999997, 0.235}, 1e-05);
}

TEST(Op, average_pool_4) {
  Case c("average_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.ints("kernel_shape", {2, 2});
  c.s("auto_pad", "SAME_UPPER");
  c.expect(0, F32, {1, 2, 5, 5}, {-0.45325, -0.5489999999999999, -0.28475, -0.41674999999999995, -0.697, -0.717, 0.06125, -0.09375, -0.49425, -0.035500000000000004, -0.7757499999999999, -0.69375, -0.946, -0.58, 0.2985, -0.7442500000000001, -0.9382499999999999, -0.10475000000000001, 0.2815, 0.308, -0.27299999999999996, 0.03899999999999998, 1.22, 0.9095, 0.396, -0.0462499999999999, 0.59625, -0.006250000000000025, 0.6389999999999999, 0.8624999999999998, 0.1405, -0.011749999999999983, -1.23175, 0.008499999999999924, 0.9239999999999999, 0.50625, -0.4235, -0.9692500000000001, -0.25775, 0.2745, -0.47775, -0.7852500000000001, -0.07275000000000004, 0.6525, 0.6585000000000001, -1.328, -1.0, 0.15299999999999997, 0.665, 0.235}, 1e-05);
}

TEST(Op, global_average_pool_1) {
  Case c("global_average_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.expect(0, F32, {1, 2, 1, 1}, {-0.33384, -0.07611999999999997}, 1e-05);
}

TEST(Op, global_max_pool_1) {
  Case c("global_max_pool");
  c.in(F32, {1, 2, 5, 5}, {0.45, -0.067, -1.318, -0.371, -0.946, -0.933, -1.263, 0.452, 0.098, -0.448, -0.649, -0.023, 1.079, -2.004, 0.377, -0.546, -1.885, -1.946, -0.913, 0.22, 0.393, -0.939, 1.017, 1.423, 0.396, -0.591, 1.124, 0.755, 0.867, -0.656, -2.835, 2.117, -1.611, -0.036, 2.381, 0.331, 0.949, -1.502, -1.778, -0.533, 1.091, -0.346, -0.795, 0.198, 1.082, -1.445, -1.211, -0.789, 1.095, 0.235});
  c.expect(0, F32, {1, 2, 1, 1}, {1.423, 2.381}, 1e-05);
}

TEST(Op, max_pool_5) {
  Case c("max_pool");
  c.in(F64, {1, 1, 6}, {2.132, 0.936, -0.035, 1.265, 0.211, -0.705});
  c.ints("kernel_shape", {3});
  c.ints("strides", {2});
  c.expect(0, F64, {1, 1, 2}, {2.132, 1.265}, 1e-12);
}

// --- errors: shape inference and run time ----------------------------------

TEST(Errors, ShapeInference) {
  Case("add").in(F32, {2, 3}, std::vector<double>(6)).in(F32, {4}, std::vector<double>(4)).fails("do not broadcast");
  Case("add").in(F32, {2}, {1, 2}).in(I32, {2}, {1, 2}).fails("element types differ");
  Case("sqrt").in(I32, {2}, {1, 2}).fails("must be a float tensor");
  Case("not").in(F32, {1}, {1}).fails("must be a bool tensor");
  Case("add").in(F32, {1}, {1}).fails("expects 2 inputs");
  Case("softmax").in(F32, {2, 2}, {1, 2, 3, 4}).i("axis", 2).fails("out of range");
  Case("reduce_sum").in(F32, {2}, {1, 2}).ints("axes", {0, -1}).fails("repeated");
  Case("reduce_sum").in(F32, {2}, {1, 2}).in(I64, {1}, {0}).ints("axes", {0}).fails("not both");
  Case("squeeze").in(F32, {1, 2}, {1, 2}).in(I64, {0}, {}).fails("empty axes operand");
  Case("clip").in(F32, {2}, {1, 2}).in(F32, {}, {0}).fails("got one");
  Case("clip").in(F32, {2}, {1, 2}).in(I32, {}, {0}).in(I32, {}, {1}).fails("element types differ");
  Case("resize").in(F32, {1, 2}, {1, 2}).in(F32, {2}, {1, 2}).floats("scales", {1, 2}).fails("not both");
  Case("reshape").in(F32, {2, 3}, std::vector<double>(6)).in(I64, {2}, {4, -1}).fails("do not divide");
  Case("reshape").in(F32, {2, 3}, std::vector<double>(6)).in(I64, {2}, {-1, -1}).fails("more than one -1");
  Case("squeeze").in(F32, {2, 1}, {1, 2}).ints("axes", {0}).fails("cannot squeeze");
  Case("transpose").in(F32, {2, 1}, {1, 2}).ints("perm", {0, 0}).fails("not a permutation");
  Case("concat").in(F32, {2, 1}, {1, 2}).in(F32, {1, 2}, {1, 2}).i("axis", 0).fails("differs");
  Case("split").in(F32, {4}, {1, 2, 3, 4}).i("num_outputs", 2).ints("split", {1, 2}).fails("add up to");
  Case("slice").in(F32, {4}, {1, 2, 3, 4}).in(I64, {1}, {0}).in(I64, {1}, {2}).in(I64, {1}, {0}).in(I64, {1}, {0}).fails("steps must not be zero");
  Case("pad").in(F32, {2}, {1, 2}).in(I64, {2}, {0, 0}).s("mode", "mirror").fails("mode must be");
  Case("pad").in(F32, {2}, {1, 2}).in(I64, {4}, {0, 0, 0, 0}).fails("needs 2");
  Case("conv").in(F32, {1, 3, 4, 4}, std::vector<double>(48)).in(F32, {2, 2, 3, 3}, std::vector<double>(36)).fails("channels");
  Case("conv").in(F32, {1, 1, 2, 2}, {1, 2, 3, 4}).in(F32, {1, 1, 3, 3}, std::vector<double>(9)).fails("does not fit");
  Case("conv").in(F32, {1, 1, 4, 4}, std::vector<double>(16)).in(F32, {1, 1, 3, 3}, std::vector<double>(9)).s("auto_pad", "SAME").fails("auto_pad");
  Case("conv").in(F32, {1, 1, 4}, std::vector<double>(4)).in(F32, {1, 1, 3}, std::vector<double>(3)).ints("strides", {1, 1}).fails("strides");
  Case("max_pool").in(F32, {1, 1, 4}, std::vector<double>(4)).ints("kernel_shape", {2, 2}).fails("rank");
  Case("matmul").in(F32, {2, 3}, std::vector<double>(6)).in(F32, {2, 3}, std::vector<double>(6)).fails("contraction");
  Case("gemm").in(F32, {2, 3, 1}, std::vector<double>(6)).in(F32, {3, 2}, std::vector<double>(6)).fails("A must be 2-D");
  Case("group_norm").in(F32, {1, 3, 2}, std::vector<double>(6)).in(F32, {3}, {1, 1, 1}).in(F32, {3}, {0, 0, 0}).i("num_groups", 2).fails("divisible");
  Case("batch_norm").in(F32, {1, 3}, {1, 2, 3}).in(F32, {2}, {1, 1}).in(F32, {3}, {0, 0, 0}).in(F32, {3}, {0, 0, 0}).in(F32, {3}, {1, 1, 1}).fails("channels");
  Case("resize").in(F32, {1, 4}, {1, 2, 3, 4}).fails("either sizes or scales");
  Case("resize").in(F32, {1, 4}, {1, 2, 3, 4}).floats("scales", {1, 2}).s("coordinate_transformation_mode", "tf_crop_and_resize").fails("tf_crop_and_resize");
  Case("gelu").in(F32, {1}, {1}).s("approximate", "fast").fails("approximate");
  Case("cast").in(F32, {1}, {1}).fails("`to`");
  Case("range").in(F32, {}, {0}).in(F32, {}, {1}).in(F32, {}, {0}).fails("delta must not be zero");
  Case("arg_max").in(F32, {0}, {}).fails("empty axis");
  Case("tile").in(F32, {2}, {1, 2}).in(I64, {1}, {-1}).fails("non-negative");
  Case("expand").in(F32, {3}, {1, 2, 3}).in(I64, {1}, {2}).fails("does not broadcast");
  Case("unsqueeze").in(F32, {2}, {1, 2}).ints("axes", {3}).fails("out of range");
  Case("prelu").in(F32, {2}, {1, 2}).in(F32, {2, 2}, {1, 1, 1, 1}).fails("does not broadcast");
  Case("bogus").in(F32, {1}, {1}).fails("not supported");
}

TEST(Errors, ShapeValuesNeeded) {
  Tensor x{F32, {2, 3}, nullptr}, shape{I64, {2}, nullptr};
  std::vector<std::vector<int64_t>> s;
  std::vector<DType> t;
  Status st = inferShapes("reshape", {}, {&x, &shape}, s, t);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("value of shape"), std::string::npos) << st.message;
  // Data of non-shape inputs is not needed for inference.
  st = inferShapes("relu", {}, {&x}, s, t);
  ASSERT_TRUE(st.ok) << st.message;
  EXPECT_EQ(s[0], (std::vector<int64_t>{2, 3}));
}

TEST(Errors, RunTime) {
  Case("gather").in(F32, {3}, {1, 2, 3}).in(I64, {1}, {3}).fails("out of range");
  Case("gather").in(F32, {3}, {1, 2, 3}).in(I32, {1}, {-4}).fails("out of range");
  Case("div").in(I32, {2}, {1, 2}).in(I32, {2}, {1, 0}).fails("division by zero");
  Case("mod").in(I64, {1}, {1}).in(I64, {1}, {0}).fails("modulo by zero");
  // Output mismatches are reported, not written.
  Owned x = mk(F32, {2}, {1, 2}), y = mk(F32, {3}, {0, 0, 0});
  Tensor xv = x.view();
  std::vector<Tensor> outs{y.view()};
  Status st = run("relu", {}, {&xv}, outs);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("output 0"), std::string::npos) << st.message;
  // Missing input data.
  Tensor nodata{F32, {2}, nullptr};
  outs = {x.view()};
  st = run("relu", {}, {&nodata}, outs);
  EXPECT_FALSE(st.ok);
}

TEST(Dtypes, HalfAndBFloat) {
  Case("conv").in(F16, {1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}).in(F16, {1, 1, 2, 2}, {1, 0, 0, 1})
      .expect(F16, {1, 1, 2, 2}, {6, 8, 12, 14}, 0);
  Case("add").in(BF, {2}, {1, 256}).in(BF, {2}, {0.5, 1}).expect(BF, {2}, {1.5, 256}, 0);
  Case("matmul").in(F64, {1, 2}, {1e-20, 1}).in(F64, {2, 1}, {1, 1}).expect(F64, {1, 1}, {1}, 1e-15);
  Case("reduce_sum").in(U8, {3}, {200, 100, 1}).expect(U8, {1}, {45}, 0);
  Case("average_pool").in(F16, {1, 1, 2}, {1, 2}).ints("kernel_shape", {2}).expect(F16, {1, 1, 1}, {1.5}, 0);
  Case("resize").in(F64, {1, 2}, {0, 1}).floats("scales", {1, 2}).s("mode", "linear")
      .expect(F64, {1, 4}, {0, 0.25, 0.75, 1}, 1e-12);
  Case("resize").in(F32, {4}, {0, 1, 2, 3}).floats("scales", {0.5}).s("mode", "nearest")
      .s("nearest_mode", "round_prefer_ceil").expect(F32, {2}, {1, 3}, 0);
  Case("resize").in(F32, {4}, {0, 1, 2, 3}).floats("scales", {0.5}).s("mode", "nearest")
      .s("nearest_mode", "ceil").s("coordinate_transformation_mode", "half_pixel_symmetric").expect(F32, {2}, {1, 3}, 0);
  Case("resize").in(F32, {2}, {0, 1}).floats("scales", {2}).s("mode", "cubic").i("exclude_outside", 1)
      .s("coordinate_transformation_mode", "tf_half_pixel_for_nn").expect(F32, {4}, {0.22945205479452055, 0.7705479452054794, 1.1363636363636365, 1.1551724137931034}, 1e-6); // ONNX reference algorithm, evaluated in Python
}

// --- gather_elements, trilu, cum_sum, hardmax, pad constant_value ----------
// (numpy take_along_axis / triu / tril / cumsum / argmax semantics)

TEST(Op, gather_elements_1) {
  Case c("gather_elements");
  c.in(F32, {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  c.in(I64, {2, 3}, {1, 2, 0, 2, 0, 0});
  c.expect(0, F32, {2, 3}, {4, 8, 3, 7, 2, 3});
}

TEST(Op, gather_elements_2) {
  Case c("gather_elements");
  c.in(I32, {2, 2}, {1, 2, 3, 4});
  c.in(I32, {2, 2}, {0, 0, -1, 0});
  c.i("axis", -1);
  c.expect(0, I32, {2, 2}, {1, 1, 4, 3});
}

TEST(Op, gather_elements_errors) {
  Case r("gather_elements");
  r.in(F32, {2, 2}, {1, 2, 3, 4});
  r.in(I64, {2}, {0, 0});
  r.fails("indices must have the rank of data");
  Case o("gather_elements");
  o.in(F32, {2, 2}, {1, 2, 3, 4});
  o.in(I64, {1, 2}, {0, 2});
  o.i("axis", 1);
  o.fails("index 2 is out of range");
}

TEST(Op, trilu_1) {
  Case c("trilu");
  c.in(F32, {3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  c.expect(0, F32, {3, 4}, {1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12});
}

TEST(Op, trilu_2) {
  Case c("trilu");
  c.in(I64, {2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  c.in(I64, {}, {-1});
  c.i("upper", 0);
  c.expect(0, I64, {2, 2, 3}, {0, 0, 0, 4, 0, 0, 0, 0, 0, 10, 0, 0});
}

TEST(Op, trilu_3) {
  Case c("trilu");
  c.in(F32, {3, 2}, {NaN, 2, 3, 4, 5, Inf});
  c.in(I64, {}, {1});
  c.expect(0, F32, {3, 2}, {0, 2, 0, 0, 0, 0});
}

TEST(Op, trilu_errors) {
  Case c("trilu");
  c.in(F32, {3}, {1, 2, 3});
  c.fails("rank >= 2");
  Case k("trilu");
  k.in(F32, {2, 2}, {1, 2, 3, 4});
  k.in(I64, {2}, {0, 1});
  k.fails("k must be a scalar");
}

TEST(Op, cum_sum_1) {
  Case c("cum_sum");
  c.in(F64, {5}, {1, 2, 3, 4, 5});
  c.in(I32, {}, {0});
  c.expect(0, F64, {5}, {1, 3, 6, 10, 15});
}

TEST(Op, cum_sum_2) {
  Case c("cum_sum");
  c.in(F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  c.in(I64, {1}, {-1});
  c.i("exclusive", 1).i("reverse", 1);
  c.expect(0, F32, {2, 3}, {5, 3, 0, 11, 6, 0});
}

TEST(Op, cum_sum_3) {
  Case c("cum_sum");
  c.in(I8, {3}, {100, 100, -56});
  c.in(I64, {}, {0});
  c.expect(0, I8, {3}, {100, -56, -112}); // wraps around as numpy
}

TEST(Op, cum_sum_errors) {
  Case c("cum_sum");
  c.in(F32, {2}, {1, 2});
  c.in(I64, {}, {1});
  c.fails("axis 1 is out of range");
  Case b("cum_sum");
  b.in(B, {2}, {1, 0});
  b.in(I64, {}, {0});
  b.fails("numeric");
}

TEST(Op, hardmax_1) {
  Case c("hardmax");
  c.in(F32, {2, 3}, {1, 3, 3, 0, -1, NaN});
  c.expect(0, F32, {2, 3}, {0, 1, 0, 0, 0, 1});
}

TEST(Op, hardmax_2) {
  Case c("hardmax");
  c.in(F16, {2, 2}, {1, 4, 3, 2});
  c.i("axis", 0);
  c.expect(0, F16, {2, 2}, {0, 1, 1, 0});
}

TEST(Op, pad_constant_value) {
  Case c("pad");
  c.in(I32, {2}, {7, 8});
  c.in(I64, {2}, {1, 2});
  c.in(I32, {}, {-3});
  c.expect(0, I32, {5}, {-3, 7, 8, -3, -3});
}

TEST(Op, pad_constant_value_errors) {
  Case c("pad");
  c.in(F32, {2}, {7, 8});
  c.in(I64, {2}, {1, 2});
  c.in(F64, {}, {1});
  c.fails("constant_value must have the input's element type");
}

TEST(Op, split_dynamic_sizes) {
  Case c("split");
  c.in(F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  c.in(I64, {2}, {1, 2});
  c.i("axis", 1).i("num_outputs", 2);
  c.expect(0, F32, {2, 1}, {1, 4});
  c.expect(1, F32, {2, 2}, {2, 3, 5, 6});
}

TEST(Op, split_dynamic_sizes_errors) {
  Case c("split");
  c.in(F32, {4}, {1, 2, 3, 4});
  c.in(I64, {2}, {1, 2});
  c.i("num_outputs", 2);
  c.fails("split sizes add up to 3 but dim 0 has size 4");
}
