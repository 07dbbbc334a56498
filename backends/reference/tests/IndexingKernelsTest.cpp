//===- IndexingKernelsTest.cpp - edge cases of the indexing/recurrent kernels -===//
//
// Cases the ONNX conformance data does not cover: TopK ties, ScatterND and
// ScatterElements with duplicate indices under each reduction, NMS with no
// boxes or no budget, out-of-range indices (a clear error, never a crash),
// shapes computed from values (non_zero, compress, unique), and a recurrent
// layer checked against a hand-computed step. Expected values are worked
// out by hand from the ONNX operator definitions.
//
//===----------------------------------------------------------------------===//
#include "Internal.h"
#include "Kernels.h"

#include <gtest/gtest.h>

using namespace kiln::ref;

namespace {

struct Buf {
  DType dt;
  std::vector<int64_t> shape;
  std::vector<unsigned char> bytes;
  Tensor view() const { return Tensor{dt, shape, const_cast<unsigned char *>(bytes.data())}; }
};

Buf mk(DType dt, std::vector<int64_t> shape, std::vector<double> vals) {
  Buf b{dt, shape, {}};
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  EXPECT_EQ((size_t)n, vals.size());
  b.bytes.resize(std::max<size_t>(1, (size_t)n * dtypeSize(dt)));
  Tensor t = b.view();
  dispatchAll(dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < n; ++i) ptr<T>(t)[i] = fromDouble<T>(vals[i]);
    return Status::success();
  });
  return b;
}

std::vector<double> vals(const Buf &b) {
  std::vector<double> r;
  Tensor t = b.view();
  dispatchAll(b.dt, [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < t.numElements(); ++i) r.push_back(toDouble(ptr<T>(t)[i]));
    return Status::success();
  });
  return r;
}

/// Runs `op`; fills `outs` or returns the error.
Status runOp(const std::string &op, const Attrs &attrs, const std::vector<Buf> &ins, std::vector<Buf> &outs) {
  std::vector<Tensor> views;
  for (auto &b : ins) views.push_back(b.view());
  std::vector<const Tensor *> in;
  for (auto &v : views) in.push_back(&v);
  std::vector<std::vector<int64_t>> shapes;
  std::vector<DType> types;
  Status st = inferShapes(op, attrs, in, shapes, types);
  if (!st) return st;
  outs.clear();
  for (size_t k = 0; k < shapes.size(); ++k) {
    int64_t n = 1;
    for (int64_t d : shapes[k]) n *= d;
    outs.push_back(mk(types[k], shapes[k], std::vector<double>((size_t)n, 0.0)));
  }
  std::vector<Tensor> ov;
  for (auto &o : outs) ov.push_back(o.view());
  return run(op, attrs, in, ov);
}

std::vector<Buf> ok(const std::string &op, const Attrs &attrs, const std::vector<Buf> &ins) {
  std::vector<Buf> outs;
  Status st = runOp(op, attrs, ins, outs);
  EXPECT_TRUE(st.ok) << op << ": " << st.message;
  return outs;
}

void fails(const std::string &op, const Attrs &attrs, const std::vector<Buf> &ins, const std::string &part) {
  std::vector<Buf> outs;
  Status st = runOp(op, attrs, ins, outs);
  ASSERT_FALSE(st.ok) << op << " should fail with '" << part << "'";
  EXPECT_NE(st.message.find(part), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("kiln." + op), std::string::npos) << st.message;
}

Attrs attrs(std::initializer_list<std::pair<std::string, Attr>> items) {
  Attrs a;
  for (auto &kv : items) a.set(kv.first, kv.second);
  return a;
}

const DType F32 = DType::F32, I64 = DType::I64, I32 = DType::I32, B = DType::Bool;

} // namespace

TEST(IndexingKernels, FamilyOpsAreSupported) {
  for (const char *op : {"scatter_nd", "scatter_elements", "gather_nd", "top_k", "one_hot", "non_zero", "compress",
                         "unique", "reverse_sequence", "grid_sample", "non_max_suppression", "center_crop_pad", "rnn",
                         "gru", "lstm"})
    EXPECT_TRUE(isSupported(op)) << op;
}

TEST(IndexingKernels, TopKTiesKeepLowerIndexFirst) {
  auto x = mk(F32, {1, 6}, {3, 1, 3, 2, 3, 1});
  auto k = mk(I64, {1}, {4});
  auto o = ok("top_k", {}, {x, k});
  EXPECT_EQ(vals(o[0]), (std::vector<double>{3, 3, 3, 2}));
  EXPECT_EQ(vals(o[1]), (std::vector<double>{0, 2, 4, 3}));
  auto s = ok("top_k", attrs({{"largest", Attr::makeInt(0)}}), {x, k});
  EXPECT_EQ(vals(s[0]), (std::vector<double>{1, 1, 2, 3}));
  EXPECT_EQ(vals(s[1]), (std::vector<double>{1, 5, 3, 0}));
}

TEST(IndexingKernels, TopKAlongFirstAxisAndZeroK) {
  auto x = mk(F32, {3, 2}, {1, 6, 5, 2, 3, 4});
  auto o = ok("top_k", attrs({{"axis", Attr::makeInt(0)}}), {x, mk(I64, {1}, {2})});
  EXPECT_EQ(o[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(vals(o[0]), (std::vector<double>{5, 6, 3, 4}));
  EXPECT_EQ(vals(o[1]), (std::vector<double>{1, 0, 2, 2}));
  auto z = ok("top_k", {}, {x, mk(I64, {1}, {0})});
  EXPECT_EQ(z[0].shape, (std::vector<int64_t>{3, 0}));
  fails("top_k", {}, {x, mk(I64, {1}, {3})}, "k 3 must be in [0, 2]");
}

TEST(IndexingKernels, ScatterNDDuplicateIndicesReduce) {
  auto data = mk(F32, {4}, {1, 2, 3, 4});
  auto idx = mk(I64, {3, 1}, {1, 1, -1});
  auto up = mk(F32, {3}, {5, 7, 10});
  EXPECT_EQ(vals(ok("scatter_nd", attrs({{"reduction", Attr::makeString("add")}}), {data, idx, up})[0]),
            (std::vector<double>{1, 14, 3, 14}));
  EXPECT_EQ(vals(ok("scatter_nd", attrs({{"reduction", Attr::makeString("mul")}}), {data, idx, up})[0]),
            (std::vector<double>{1, 70, 3, 40}));
  EXPECT_EQ(vals(ok("scatter_nd", attrs({{"reduction", Attr::makeString("max")}}), {data, idx, up})[0]),
            (std::vector<double>{1, 7, 3, 10}));
  EXPECT_EQ(vals(ok("scatter_nd", attrs({{"reduction", Attr::makeString("min")}}), {data, idx, up})[0]),
            (std::vector<double>{1, 2, 3, 4}));
  // none: the later update of a duplicated index wins.
  EXPECT_EQ(vals(ok("scatter_nd", {}, {data, idx, up})[0]), (std::vector<double>{1, 7, 3, 10}));
}

TEST(IndexingKernels, ScatterElementsDuplicatesAndIntegers) {
  auto data = mk(I32, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto idx = mk(I64, {2, 2}, {0, 0, 2, 2});
  auto up = mk(I32, {2, 2}, {10, 20, 30, 40});
  EXPECT_EQ(vals(ok("scatter_elements", attrs({{"axis", Attr::makeInt(1)}, {"reduction", Attr::makeString("add")}}),
                    {data, idx, up})[0]),
            (std::vector<double>{31, 2, 3, 4, 5, 76}));
  EXPECT_EQ(vals(ok("scatter_elements", attrs({{"axis", Attr::makeInt(1)}}), {data, idx, up})[0]),
            (std::vector<double>{20, 2, 3, 4, 5, 40}));
}

TEST(IndexingKernels, IndexOutOfRangeIsAClearError) {
  auto data = mk(F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  fails("scatter_nd", {}, {data, mk(I64, {1, 1}, {2}), mk(F32, {1, 3}, {0, 0, 0})},
        "index 2 in indices is out of range for dim 0 of size 2");
  fails("scatter_elements", {}, {data, mk(I64, {1, 1}, {-3}), mk(F32, {1, 1}, {0})},
        "index -3 in indices is out of range for dim 0 of size 2");
  fails("gather_nd", {}, {data, mk(I64, {1, 2}, {1, 3})}, "index 3 in indices is out of range for dim 1 of size 3");
  fails("scatter_nd", {}, {data, mk(I64, {1, 3}, {0, 0, 0}), mk(F32, {1}, {0})}, "index tuples have 3 entries");
}

TEST(IndexingKernels, GatherNDBatchDims) {
  auto data = mk(F32, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  auto idx = mk(I64, {2, 1}, {1, 0});
  auto o = ok("gather_nd", attrs({{"batch_dims", Attr::makeInt(1)}}), {data, idx});
  EXPECT_EQ(o[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(vals(o[0]), (std::vector<double>{2, 3, 4, 5}));
}

TEST(IndexingKernels, OneHotOutOfRangeGivesOffRowAndNegativeCountsFromDepth) {
  auto o = ok("one_hot", attrs({{"axis", Attr::makeInt(0)}}),
              {mk(I64, {3}, {-1, 5, 0}), mk(F32, {}, {3}), mk(F32, {2}, {-1, 9})});
  EXPECT_EQ(o[0].shape, (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(vals(o[0]), (std::vector<double>{-1, -1, 9, -1, -1, -1, 9, -1, -1}));
  fails("one_hot", {}, {mk(I64, {1}, {0}), mk(I64, {}, {0}), mk(F32, {2}, {0, 1})}, "depth must be positive");
}

TEST(IndexingKernels, DataDependentShapes) {
  auto nz = ok("non_zero", {}, {mk(F32, {2, 2}, {0, 1, 2, 0})});
  EXPECT_EQ(nz[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(vals(nz[0]), (std::vector<double>{0, 1, 1, 0}));
  auto none = ok("non_zero", {}, {mk(I32, {3}, {0, 0, 0})});
  EXPECT_EQ(none[0].shape, (std::vector<int64_t>{1, 0}));

  auto x = mk(F32, {3, 2}, {1, 2, 3, 4, 5, 6});
  auto cs = ok("compress", attrs({{"axis", Attr::makeInt(0)}}), {x, mk(B, {2}, {0, 1})});
  EXPECT_EQ(cs[0].shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(vals(cs[0]), (std::vector<double>{3, 4}));
  auto flat = ok("compress", {}, {x, mk(B, {6}, {1, 0, 0, 0, 0, 1})});
  EXPECT_EQ(vals(flat[0]), (std::vector<double>{1, 6}));
  fails("compress", attrs({{"axis", Attr::makeInt(1)}}), {x, mk(B, {3}, {0, 0, 1})},
        "condition selects entry 2 but the dim has size 2");

  auto u = ok("unique", attrs({{"sorted", Attr::makeInt(0)}}), {mk(F32, {6}, {2, 1, 1, 3, 4, 3})});
  EXPECT_EQ(vals(u[0]), (std::vector<double>{2, 1, 3, 4}));
  EXPECT_EQ(vals(u[1]), (std::vector<double>{0, 1, 3, 4}));
  EXPECT_EQ(vals(u[2]), (std::vector<double>{0, 1, 1, 2, 3, 2}));
  EXPECT_EQ(vals(u[3]), (std::vector<double>{1, 2, 2, 1}));
  auto us = ok("unique", {}, {mk(F32, {6}, {2, 1, 1, 3, 4, 3})});
  EXPECT_EQ(vals(us[0]), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(vals(us[1]), (std::vector<double>{1, 0, 3, 4}));
  EXPECT_EQ(vals(us[2]), (std::vector<double>{1, 0, 0, 2, 3, 2}));
}

TEST(IndexingKernels, NonMaxSuppressionEmptyCases) {
  auto boxes0 = mk(F32, {1, 0, 4}, {});
  auto scores0 = mk(F32, {1, 1, 0}, {});
  auto max = mk(I64, {1}, {3});
  auto iou = mk(F32, {1}, {0.5});
  auto none = mk(F32, {0}, {});
  auto o = ok("non_max_suppression", {}, {boxes0, scores0, max, iou, none});
  EXPECT_EQ(o[0].shape, (std::vector<int64_t>{0, 3}));
  // Two overlapping boxes and one apart; an omitted budget (empty) selects nothing.
  auto boxes = mk(F32, {1, 3, 4}, {0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 5, 1, 6});
  auto scores = mk(F32, {1, 1, 3}, {0.9, 0.8, 0.7});
  EXPECT_EQ(ok("non_max_suppression", {}, {boxes, scores, mk(I64, {0}, {}), iou, none})[0].shape,
            (std::vector<int64_t>{0, 3}));
  auto sel = ok("non_max_suppression", {}, {boxes, scores, max, iou, none});
  EXPECT_EQ(vals(sel[0]), (std::vector<double>{0, 0, 0, 0, 0, 2}));
  // The score threshold is strict.
  auto thr = ok("non_max_suppression", {}, {boxes, scores, max, iou, mk(F32, {1}, {0.7})});
  EXPECT_EQ(vals(thr[0]), (std::vector<double>{0, 0, 0}));
}

TEST(IndexingKernels, RnnOneStepByHand) {
  // hidden 1, input 1: h1 = tanh(x w + h0 r + wb + rb)
  auto x = mk(F32, {2, 1, 1}, {0.5, -1});
  auto w = mk(F32, {1, 1, 1}, {2});
  auto r = mk(F32, {1, 1, 1}, {0.5});
  auto b = mk(F32, {1, 2}, {0.1, -0.2});
  auto none = mk(F32, {0}, {});
  auto lens = mk(I32, {1}, {1});
  auto o = ok("rnn", attrs({{"hidden_size", Attr::makeInt(1)}}), {x, w, r, b, lens, none});
  double h1 = std::tanh(0.5 * 2 + 0.1 - 0.2);
  EXPECT_NEAR(vals(o[0])[0], h1, 1e-6);
  EXPECT_EQ(vals(o[0])[1], 0.0); // past the sequence length
  EXPECT_NEAR(vals(o[1])[0], h1, 1e-6);
  fails("rnn", attrs({{"hidden_size", Attr::makeInt(1)}, {"activations", Attr::makeString("Tanh,Tanh")}}),
        {x, w, r, b, lens, none}, "activations lists 2 functions, expected 1");
}

TEST(IndexingKernels, NonFiniteValuesNeverCrash) {
  const double nan = std::nan("");
  // unique: NaNs sort after every number and count as one value.
  auto u = ok("unique", {}, {mk(F32, {5}, {nan, 2, nan, 1, 2})});
  auto y = vals(u[0]);
  ASSERT_EQ(y.size(), 3u);
  EXPECT_EQ(y[0], 1);
  EXPECT_EQ(y[1], 2);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(vals(u[3]), (std::vector<double>{1, 2, 2}));
  // grid_sample: a NaN coordinate gives NaN; a huge one samples outside (zeros).
  auto x = mk(F32, {1, 1, 2, 2}, {1, 2, 3, 4});
  auto g = mk(F32, {1, 1, 2, 2}, {nan, 0, 1e30, -1e30});
  auto gs = vals(ok("grid_sample", {}, {x, g})[0]);
  EXPECT_TRUE(std::isnan(gs[0]));
  EXPECT_EQ(gs[1], 0.0);
  // roi_align: a non-finite ROI is an error.
  fails("roi_align", {}, {mk(F32, {1, 1, 2, 2}, {1, 2, 3, 4}), mk(F32, {1, 4}, {0, 0, nan, 1}), mk(I64, {1}, {0})},
        "non-finite");
}
