//===- Norm.cpp - inference, verifier and folder of kiln.lrn --------------===//
//
// Ops of include/kiln/ir/KilnNormOps.td. The folder computes in double and
// rounds once to the result type, as the other folders.
//
//===----------------------------------------------------------------------===//
#include "../ShapeUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"

#include <cmath>

using namespace mlir;

namespace kiln {

KILN_INFER(LrnOp) {
  KILN_ADAPTOR(LrnOp);
  Type t = a.getInput().getType();
  if (auto r = dyn_cast<RankedTensorType>(t))
    if (r.getRank() < 2)
      return d.fail("input must have rank 2 or more ([N, C, ...]), got ", t);
  results.push_back(t);
  return success();
}

LogicalResult LrnOp::verify() {
  if (getSize() < 1)
    return emitOpError("size must be at least 1, got ") << getSize();
  for (auto [name, v] : {std::pair<const char *, float>{"alpha", getAlpha().convertToFloat()},
                         {"beta", getBeta().convertToFloat()},
                         {"bias", getBias().convertToFloat()}})
    if (!std::isfinite(v))
      return emitOpError(name) << " must be a finite number, got " << v;
  return success();
}

OpFoldResult LrnOp::fold(FoldAdaptor a) {
  auto c = readConstant(a.getInput());
  auto t = dyn_cast<RankedTensorType>(getResult().getType());
  if (!c || !c->isFloat || !t || !t.hasStaticShape() || c->shape.size() < 2)
    return {};
  int64_t N = c->shape[0], C = c->shape[1], S = 1;
  for (size_t i = 2; i < c->shape.size(); ++i)
    S *= c->shape[i];
  int64_t size = getSize(), lo = (size - 1) / 2, hi = size - 1 - lo;
  double alpha = getAlpha().convertToDouble(), beta = getBeta().convertToDouble(),
         bias = getBias().convertToDouble();
  ConstTensor out = *c;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch)
      for (int64_t s = 0; s < S; ++s) {
        double sum = 0;
        for (int64_t i = std::max<int64_t>(0, ch - lo); i <= std::min(C - 1, ch + hi); ++i) {
          double x = c->f[size_t((n * C + i) * S + s)];
          sum += x * x;
        }
        size_t k = size_t((n * C + ch) * S + s);
        out.f[k] = c->f[k] / std::pow(bias + alpha / double(size) * sum, beta);
      }
  return makeConstant(t, out);
}

} // namespace kiln
