//===- ScriptEvalTest.cpp - evaluating hand-written TorchScript code ------===//
#include "kiln/torch/ScriptEval.h"

#include "kiln/ir/KilnDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace kiln::torch;
using namespace kiln::torch::script;

namespace {

/// A float32 tensor over a caller-owned buffer.
Val f32Tensor(const std::vector<float> &data, std::vector<int64_t> shape, const std::string &name) {
  auto d = std::make_shared<TensorData>();
  d->dtype = 6;
  d->shape = shape;
  d->strides.assign(shape.size(), 1);
  for (int64_t k = (int64_t)shape.size() - 2; k >= 0; --k)
    d->strides[k] = d->strides[k + 1] * shape[k + 1];
  d->storage = reinterpret_cast<const uint8_t *>(data.data());
  d->storageBytes = data.size() * sizeof(float);
  d->name = name;
  return Val::tensorData(d);
}

std::map<std::string, int> countOps(mlir::ModuleOp m) {
  std::map<std::string, int> n;
  m.walk([&](mlir::Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "kiln")
      ++n[op->getName().getStringRef().str()];
  });
  return n;
}

struct Fixture {
  mlir::MLIRContext ctx;
  std::vector<float> w = std::vector<float>(12, 0.5f), bias = {1, 2, 3};
  Val root;
  std::string error;

  mlir::ModuleOp build(const std::string &code, TorchScriptImportOptions opts = {}) {
    Evaluator ev(ctx, "test.pt");
    ev.addModule(parseModule(code, "code/__torch__.py", "__torch__"));
    auto obj = std::make_shared<Object>();
    obj->cls = "__torch__.M";
    obj->attrs.push_back({"training", Val::boolean(false)});
    obj->attrs.push_back({"weight", f32Tensor(w, {3, 4}, "weight")});
    obj->attrs.push_back({"bias", f32Tensor(bias, {3}, "bias")});
    obj->attrs.push_back({"n", Val::integer(3)});
    root = Val::object(obj);
    if (opts.inputShapes.empty())
      opts.inputShapes["x"] = {2, 4};
    try {
      return ev.build(root, opts);
    } catch (const ScriptError &e) {
      error = e.what();
      return nullptr;
    }
  }
};

const char *kHeader = R"(class M(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  training : bool
  weight : Tensor
  bias : Tensor
  n : int
  scale : Final[float] = 0.5
)";

TEST(ScriptEval, LinearWithCompileTimeControlFlow) {
  Fixture f;
  std::string code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    weight = self.weight
    bias = self.bias
    y = torch.linear(x, weight, bias)
    n = self.n
    y0 = y
    for i in range(n):
      y1 = torch.add(torch.mul(y0, self.scale), float(i))
      y0 = y1
    training = self.training
    if training:
      y2 = torch.dropout(y0, 0.5, True)
    else:
      y2 = torch.relu(y0)
    _0 = torch.size(y2)
    if torch.eq(torch.len(_0), 2):
      pass
    else:
      ops.prim.RaiseException("rank", "builtins.ValueError")
    return (y2, torch.mul(_0[1], 2))
)";
  auto m = f.build(code);
  ASSERT_TRUE(m) << f.error;
  auto ops = countOps(m);
  EXPECT_EQ(ops["kiln.linear"], 1);
  EXPECT_EQ(ops["kiln.mul"], 3);
  EXPECT_EQ(ops["kiln.add"], 3);
  EXPECT_EQ(ops["kiln.relu"], 1);
  EXPECT_EQ(ops["kiln.dropout"], 0);
  auto fn = *m.getOps<mlir::func::FuncOp>().begin();
  EXPECT_EQ(fn.getName(), "main");
  ASSERT_EQ(fn.getNumArguments(), 1u);
  EXPECT_EQ(fn.getArgAttrOfType<mlir::StringAttr>(0, "kiln.name").getValue(), "x");
  ASSERT_EQ(fn.getNumResults(), 2u);
  EXPECT_EQ(fn.getResultAttrOfType<mlir::StringAttr>(1, "kiln.name").getValue(), "output_1");
  auto t = mlir::cast<mlir::RankedTensorType>(fn.getResultTypes()[0]);
  EXPECT_EQ(t.getShape(), llvm::ArrayRef<int64_t>({2, 3}));
  m->erase();
}

TEST(ScriptEval, IfOnTensorBecomesKilnIf) {
  Fixture f;
  std::string code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    if bool(torch.gt(torch.sum(x), 0)):
      y = torch.neg(x)
      z = 1
    else:
      y = torch.relu(x)
      z = 1
    return torch.mul(y, z)
)";
  auto m = f.build(code);
  ASSERT_TRUE(m) << f.error;
  auto ops = countOps(m);
  EXPECT_EQ(ops["kiln.where"], 0);
  EXPECT_EQ(ops["kiln.if"], 1);
  EXPECT_EQ(ops["kiln.yield"], 2);
  EXPECT_EQ(ops["kiln.neg"], 1);
  EXPECT_EQ(ops["kiln.relu"], 1);
  EXPECT_EQ(ops["kiln.greater"], 1);
  m->erase();
}

TEST(ScriptEval, WhileOnTensorBecomesKilnLoop) {
  Fixture f;
  std::string code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    n = 0
    c = bool(torch.lt(torch.sum(x), 100))
    y = x
    while c:
      y1 = torch.mul(y, 2)
      n0 = torch.add(n, 1)
      c, y, n = bool(torch.lt(torch.sum(y1), 100)), y1, n0
    return torch.add(y, n)
)";
  auto m = f.build(code);
  ASSERT_TRUE(m) << f.error;
  auto ops = countOps(m);
  EXPECT_EQ(ops["kiln.loop"], 1);
  EXPECT_EQ(ops["kiln.mul"], 1);
  m->walk([&](mlir::Operation *op) {
    if (op->getName().getStringRef() == "kiln.loop") {
      // inits: c, n, y (the variables the body changes, by name)
      EXPECT_EQ(op->getNumResults(), 3u);
      EXPECT_EQ(op->getRegion(0).front().getNumArguments(), 5u);
    }
  });
  m->erase();
}

TEST(ScriptEval, ErrorsNameOpFileAndLine) {
  Fixture f;
  std::string code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    y = torch.relu(x)
    return torch.frobnicate(y, 3)
)";
  EXPECT_FALSE(f.build(code));
  EXPECT_EQ(f.error, "code/__torch__.py:12: unsupported op torch.frobnicate");

  Fixture g;
  code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    if bool(torch.gt(torch.sum(x), 0)):
      k = 1
    else:
      k = 2
    return torch.mul(x, k)
)";
  EXPECT_FALSE(g.build(code));
  EXPECT_EQ(g.error, "code/__torch__.py:11: if on a tensor value gives 'k' different compile-time values (int / "
                     "int) in its branches; only tensors (and numbers joined with them) can differ between the "
                     "branches");

  Fixture g2;
  code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    if bool(torch.gt(torch.sum(x), 0)):
      w = torch.neg(x)
    return w
)";
  EXPECT_FALSE(g2.build(code));
  EXPECT_EQ(g2.error, "code/__torch__.py:13: name 'w' is not defined");

  Fixture h;
  code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    _0 = torch.format("expected {}D input", torch.dim(x))
    ops.prim.RaiseException(_0, "builtins.ValueError")
    return x
)";
  EXPECT_FALSE(h.build(code));
  EXPECT_EQ(h.error, "code/__torch__.py:12: the model raises builtins.ValueError: expected 2D input");

  Fixture k;
  TorchScriptImportOptions opts;
  opts.inputShapes["y"] = {1};
  code = std::string(kHeader) + "  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n    return x\n";
  EXPECT_FALSE(k.build(code, opts));
  EXPECT_EQ(k.error, "--input-shape names 'y', which is not an input of forward (inputs: x)");

  Fixture z;
  code = std::string(kHeader) +
         "  def forward(self: __torch__.M,\n    x: Tensor,\n    z: Tensor) -> Tensor:\n    return x\n";
  EXPECT_FALSE(z.build(code));
  EXPECT_EQ(z.error, "code/__torch__.py:9: input 'z' of forward has no shape in the archive: give it "
                     "with --input-shape z=D0xD1x...");

  Fixture r;
  code = std::string(kHeader) + "  def forward(self: __torch__.M,\n    x: Tensor) -> Tensor:\n    return (self).forward(x, )\n";
  EXPECT_FALSE(r.build(code));
  EXPECT_NE(r.error.find("calls nested deeper than 256 (recursion?)"), std::string::npos) << r.error;
}

TEST(ScriptEval, ShapeMismatchIsAnErrorNotACrash) {
  Fixture f;
  TorchScriptImportOptions opts;
  opts.inputShapes["x"] = {2, 5};
  std::string code = std::string(kHeader) + R"(  def forward(self: __torch__.M,
    x: Tensor) -> Tensor:
    return torch.linear(x, self.weight, self.bias)
)";
  EXPECT_FALSE(f.build(code, opts));
  EXPECT_NE(f.error.find("code/__torch__.py:11: torch.linear: "), std::string::npos) << f.error;
}

} // namespace

namespace {

TEST(ScriptEval, MalformedTensorDataIsRefused) {
  std::vector<float> buf(4, 1.0f);
  auto run = [&](std::vector<int64_t> shape, std::vector<int64_t> strides, int64_t offset, int dtype) {
    mlir::MLIRContext ctx;
    Evaluator ev(ctx, "t.pt");
    ev.addModule(parseModule("class M(Module):\n  w : Tensor\n  def forward(self: __torch__.M,\n"
                             "    x: Tensor) -> Tensor:\n    return torch.add(x, self.w)\n",
                             "code/__torch__.py", "__torch__"));
    auto d = std::make_shared<TensorData>();
    d->dtype = dtype;
    d->shape = shape;
    d->strides = strides;
    d->offset = offset;
    d->storage = reinterpret_cast<const uint8_t *>(buf.data());
    d->storageBytes = buf.size() * sizeof(float);
    d->name = "w";
    auto obj = std::make_shared<Object>();
    obj->cls = "__torch__.M";
    obj->attrs.push_back({"w", Val::tensorData(d)});
    TorchScriptImportOptions opts;
    bool small = shape.size() <= 2 && std::all_of(shape.begin(), shape.end(), [](int64_t v) { return v <= 4; });
    opts.inputShapes["x"] = small ? shape : std::vector<int64_t>{4};
    try {
      auto m = ev.build(Val::object(obj), opts);
      m->erase();
      return std::string();
    } catch (const ScriptError &e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(run({4}, {1}, 0, 6), "");
  EXPECT_EQ(run({2, 2}, {1, 2}, 0, 6), ""); // a transposed view is copied
  EXPECT_EQ(run({4}, {1}, 1, 6),
            "code/__torch__.py:5: tensor 'w' reaches past the end of its storage (16 bytes)");
  EXPECT_EQ(run({4}, {2}, 0, 6),
            "code/__torch__.py:5: tensor 'w' reaches past the end of its storage (16 bytes)");
  EXPECT_EQ(run({4}, {-1}, 0, 6), "code/__torch__.py:5: tensor 'w' has a negative size or stride");
  EXPECT_EQ(run({4}, {1, 1}, 0, 6), "code/__torch__.py:5: tensor 'w' has 1 sizes but 2 strides");
  EXPECT_EQ(run({4}, {1}, 0, 9),
            "code/__torch__.py:5: tensor 'w' has dtype 9, which kiln does not support");
  EXPECT_EQ(run({1LL << 40}, {1}, 0, 6),
            "code/__torch__.py:5: tensor 'w' reaches past the end of its storage (16 bytes)");
  EXPECT_EQ(run({1LL << 40, 1LL << 40}, {1LL << 40, 1}, 0, 6),
            "code/__torch__.py:5: tensor 'w' has sizes and strides too large to address");
  EXPECT_EQ(run({1LL << 62}, {1LL << 62}, 0, 6),
            "code/__torch__.py:5: tensor 'w' has sizes and strides too large to address");
}

} // namespace
