//===- Recurrent.cpp - type inference of rnn, gru and lstm ----------------===//
//
// Checks the weight shapes against hidden_size and the direction, and gives
// Y [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden]) and the
// final states [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]).
//
//===----------------------------------------------------------------------===//
#include "../ShapeUtils.h"
#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/KilnDialect.h"

using namespace mlir;

namespace kiln {
namespace {

RankedTensorType rankedOf(Value v) { return dyn_cast<RankedTensorType>(v.getType()); }
bool knownDiffer(int64_t a, int64_t b) { return !isDyn(a) && !isDyn(b) && a != b; }

/// An optional operand given as an empty tensor counts as absent.
bool isAbsent(Value v) {
  auto t = rankedOf(v);
  return t && t.getRank() == 1 && t.getDimSize(0) == 0;
}

LogicalResult checkDims(const Diag &d, Value v, StringRef what, ArrayRef<int64_t> want) {
  if (isAbsent(v))
    return success();
  auto t = rankedOf(v);
  if (!t)
    return success();
  bool bad = t.getRank() != (int64_t)want.size();
  for (size_t i = 0; !bad && i < want.size(); ++i)
    bad = knownDiffer(t.getDimSize(i), want[i]);
  if (bad)
    return d.fail(what, " must have shape ", shapeStr(want), ", got ", t);
  return success();
}

template <class Adaptor>
LogicalResult inferRecurrent(const Diag &d, Adaptor &a, int64_t gates, int numStates,
                             SmallVectorImpl<Type> &results) {
  StringRef dir = a.getDirection();
  if (dir != "forward" && dir != "reverse" && dir != "bidirectional")
    return d.fail("direction must be forward, reverse or bidirectional, got '", dir, "'");
  int64_t layout = a.getLayout();
  if (layout != 0 && layout != 1)
    return d.fail("layout must be 0 or 1, got ", layout);
  int64_t h = a.getHiddenSize(), dirs = dir == "bidirectional" ? 2 : 1;
  if (h < 1)
    return d.fail("hidden_size must be positive, got ", h);
  if (a.getClip().isNegative())
    return d.fail("clip must be non-negative, got ", a.getClip().convertToDouble());
  Type elt = cast<ShapedType>(a.getX().getType()).getElementType();
  auto x = rankedOf(a.getX());
  if (x && x.getRank() != 3)
    return d.fail("X must have rank 3, got ", x);
  int64_t seq = x ? x.getDimSize(layout ? 1 : 0) : kDyn, batch = x ? x.getDimSize(layout ? 0 : 1) : kDyn,
          in = x ? x.getDimSize(2) : kDyn;
  if (failed(checkDims(d, a.getW(), "W", {dirs, gates * h, in})) ||
      failed(checkDims(d, a.getR(), "R", {dirs, gates * h, h})) ||
      failed(checkDims(d, a.getB(), "B", {dirs, 2 * gates * h})) ||
      failed(checkDims(d, a.getSequenceLens(), "sequence_lens", {batch})))
    return failure();
  SmallVector<int64_t> state = layout ? SmallVector<int64_t>{batch, dirs, h}
                                      : SmallVector<int64_t>{dirs, batch, h};
  if (failed(checkDims(d, a.getInitialH(), "initial_h", state)))
    return failure();
  if (isAbsent(a.getW()) || isAbsent(a.getR()) || isAbsent(a.getX()))
    return d.fail("X, W and R are required");
  SmallVector<int64_t> y = layout ? SmallVector<int64_t>{batch, seq, dirs, h}
                                  : SmallVector<int64_t>{seq, dirs, batch, h};
  results.push_back(RankedTensorType::get(y, elt));
  for (int i = 0; i < numStates; ++i)
    results.push_back(RankedTensorType::get(state, elt));
  return success();
}

} // namespace


KILN_INFER(RNNOp) {
  (void)ctx;
  Adaptor a(operands, attributes, properties, regions);
  return inferRecurrent(Diag{loc, getOperationName()}, a, 1, 1, results);
}

KILN_INFER(GRUOp) {
  (void)ctx;
  Adaptor a(operands, attributes, properties, regions);
  return inferRecurrent(Diag{loc, getOperationName()}, a, 3, 1, results);
}

KILN_INFER(LSTMOp) {
  (void)ctx;
  Adaptor a(operands, attributes, properties, regions);
  Diag d{loc, getOperationName()};
  if (failed(inferRecurrent(d, a, 4, 2, results)))
    return failure();
  auto state = cast<RankedTensorType>(results[1]);
  int64_t dirs = a.getDirection() == "bidirectional" ? 2 : 1;
  if (failed(checkDims(d, a.getInitialC(), "initial_c", state.getShape())) ||
      failed(checkDims(d, a.getP(), "P", {dirs, 3 * (int64_t)a.getHiddenSize()})))
    return failure();
  return success();
}

} // namespace kiln
