//===- ControlFlow.cpp - ONNX If, Loop and Scan ---------------------------===//
//
// If -> kiln.if, Loop -> kiln.loop, Scan (opset 9+) -> kiln.loop over the
// scan length that gathers each scan input's slice inside the body and
// reverses / transposes the stacked scan outputs after it. Subgraphs see the
// enclosing graphs' values (ONNX lexical scoping, Importer::importSubgraph);
// their declared value types may be missing or partial: types come from the
// inputs. A loop-carried value whose type changes between iterations gets
// the join of the types (a changing dim becomes `?`).
//
//===----------------------------------------------------------------------===//
#include "../ImporterInternal.h"
#include "kiln/ir/ControlFlow.h"

#include "mlir/IR/Matchers.h"

namespace kiln::onnx::detail {
namespace {

/// A detached block (not yet in a region) and its ops, destroyed unless
/// released into an op.
struct OwnedBlock {
  Block *block = new Block();
  ~OwnedBlock() {
    if (!block)
      return;
    block->dropAllDefinedValueUses();
    block->dropAllReferences();
    delete block;
  }
  Block *release() {
    Block *b = block;
    block = nullptr;
    return b;
  }
};

const GraphProto *graphAttr(Node &n, StringRef name) {
  auto *a = n.attr(name);
  if (!a || !a->g) {
    emitError(n.loc) << "has no graph attribute '" << name << "'";
    return nullptr;
  }
  return &*a->g;
}

RankedTensorType scalarOf(Type elt) { return RankedTensorType::get({}, elt); }

/// The value of `v` when the ops computing it fold to a constant (without
/// changing the IR): an If on a shape test ("is the input 2-D?") is decided
/// at import time.
Attribute foldedValue(Value v, int depth = 0) {
  Attribute attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr;
  Operation *op = v.getDefiningOp();
  if (!op || depth > 16 || op->getNumRegions() || op->getNumResults() != 1)
    return {};
  SmallVector<Attribute> operands;
  for (Value o : op->getOperands())
    operands.push_back(foldedValue(o, depth + 1)); // null when unknown (Size, Shape fold anyway)
  SmallVector<OpFoldResult> results;
  if (failed(op->fold(operands, results)) || results.size() != 1)
    return {};
  if (auto a = dyn_cast<Attribute>(results[0]))
    return a;
  return foldedValue(cast<Value>(results[0]), depth + 1);
}

LogicalResult importIf(Node &n, SmallVectorImpl<Value> &out) {
  auto &im = n.im;
  const GraphProto *thenG = graphAttr(n, "then_branch"), *elseG = graphAttr(n, "else_branch");
  if (!thenG || !elseG)
    return failure();
  // A condition known at import time: only the chosen branch is imported
  // (the other may not even be valid for these shapes, as in the expanded
  // AffineGrid function), inline.
  if (auto c = dyn_cast_or_null<DenseElementsAttr>(foldedValue(n.inputs[0]));
      c && c.getElementType().isInteger(1) && c.getNumElements() == 1) {
    bool taken = c.getValues<bool>()[0];
    const GraphProto *g = taken ? thenG : elseG;
    if (!g->input.empty())
      return emitError(n.loc) << (taken ? "then_branch" : "else_branch") << " declares "
                              << g->input.size() << " input(s); If branches take none";
    if (failed(im.importSubgraph(*g, im.b.getInsertionBlock(), {}, out,
                                 taken ? "then_branch" : "else_branch")))
      return failure();
    if (out.size() < n.proto.output.size())
      return emitError(n.loc) << "the node has " << n.proto.output.size()
                              << " outputs but its branch yields " << out.size();
    return success();
  }
  if (thenG->output.size() != elseG->output.size())
    return emitError(n.loc) << "then_branch has " << thenG->output.size()
                            << " output(s) but else_branch has " << elseG->output.size();
  if (thenG->output.size() < n.proto.output.size())
    return emitError(n.loc) << "the node has " << n.proto.output.size()
                            << " outputs but its branches yield " << thenG->output.size();
  auto cond = dyn_cast<TensorType>(n.inputs[0].getType());
  if (!cond || !cond.getElementType().isInteger(1))
    return emitError(n.loc) << "the condition must be a bool tensor, got " << n.inputs[0].getType();
  OwnedBlock thenB, elseB;
  SmallVector<Value> thenOut, elseOut;
  for (auto [g, blk, outs, what] : {std::make_tuple(thenG, thenB.block, &thenOut, "then_branch"),
                                    std::make_tuple(elseG, elseB.block, &elseOut, "else_branch")}) {
    if (!g->input.empty())
      return emitError(n.loc) << what << " declares " << g->input.size()
                              << " input(s); If branches take none";
    if (failed(im.importSubgraph(*g, blk, {}, *outs, what)))
      return failure();
    OpBuilder::InsertionGuard guard(im.b);
    im.b.setInsertionPointToEnd(blk);
    im.b.create<YieldOp>(n.loc, *outs);
  }
  SmallVector<Type> types;
  for (auto [i, t, e] : llvm::enumerate(ValueRange(thenOut).getTypes(), ValueRange(elseOut).getTypes())) {
    Type j = joinTensorTypes(t, e);
    if (!j)
      return emitError(n.loc) << "output " << i << ": then_branch yields " << t
                              << " but else_branch yields " << e << " (element types must agree)";
    types.push_back(j);
  }
  auto op = im.b.create<IfOp>(n.loc, types, n.inputs[0]);
  op.getThenRegion().push_back(thenB.release());
  op.getElseRegion().push_back(elseB.release());
  out.append(op->result_begin(), op->result_end());
  return success();
}

/// Imports `g` as a loop body whose block arguments are (iteration, cond,
/// carried with `carriedTypes`), the values the body's inputs see being made
/// by `bindInputs` from the block arguments (Scan gathers slices there).
/// Widens carried types until what the body yields fits them, then creates
/// the kiln.loop.
using BindFn = std::function<LogicalResult(Block *, SmallVectorImpl<Value> &)>;
FailureOr<LoopOp> buildLoop(Node &n, const GraphProto &g, Value maxTrip, Value cond,
                            ValueRange inits, const BindFn &bindInputs, StringRef what,
                            bool bodyYieldsCond = true) {
  auto &im = n.im;
  auto &b = im.b;
  SmallVector<Type> carried(inits.getTypes());
  for (int round = 0; round < 8; ++round) {
    OwnedBlock blk;
    blk.block->addArgument(scalarOf(b.getI64Type()), n.loc);
    blk.block->addArgument(scalarOf(b.getI1Type()), n.loc);
    for (Type t : carried)
      blk.block->addArgument(t, n.loc);
    SmallVector<Value> inputs;
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToEnd(blk.block);
      if (failed(bindInputs(blk.block, inputs)))
        return failure();
    }
    SmallVector<Value> outs;
    if (failed(im.importSubgraph(g, blk.block, inputs, outs, what)))
      return failure();
    if (!bodyYieldsCond) // Scan: the condition stays true
      outs.insert(outs.begin(), blk.block->getArgument(1));
    if (outs.size() < 1 + carried.size())
      return emitError(n.loc) << what << " has " << outs.size() << " output(s); it must yield "
                              << (1 + carried.size()) << " (condition and " << carried.size()
                              << " carried value(s)) before its scan outputs";
    auto condT = dyn_cast<TensorType>(outs[0].getType());
    if (!condT || !condT.getElementType().isInteger(1))
      return emitError(n.loc) << what << "'s first output must be the bool condition, got "
                              << outs[0].getType();
    bool stable = true;
    for (size_t k = 0; k < carried.size(); ++k) {
      Type y = outs[1 + k].getType();
      if (areCompatibleResultTypes(TypeRange{y}, TypeRange{carried[k]}))
        continue;
      Type j = joinTensorTypes(carried[k], y);
      if (!j)
        return emitError(n.loc) << "loop-carried value " << k << " starts as " << carried[k]
                                << " but " << what << " yields " << y
                                << " (element type and rank must stay the same)";
      carried[k] = j;
      stable = false;
    }
    if (!stable)
      continue; // import the body again with the wider argument types
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToEnd(blk.block);
      b.create<YieldOp>(n.loc, outs);
    }
    SmallVector<Type> types(carried);
    for (size_t k = 1 + carried.size(); k < outs.size(); ++k) {
      auto t = dyn_cast<RankedTensorType>(outs[k].getType());
      if (!t)
        return emitError(n.loc) << what << " scan output " << (k - 1 - carried.size())
                                << " has unknown rank";
      SmallVector<int64_t> shape{ShapedType::kDynamic};
      shape.append(t.getShape().begin(), t.getShape().end());
      types.push_back(RankedTensorType::get(shape, t.getElementType()));
    }
    auto op = b.create<LoopOp>(n.loc, types, maxTrip, cond, inits);
    op.getBody().push_back(blk.release());
    return op;
  }
  return emitError(n.loc) << "the types of the loop-carried values do not settle";
}

LogicalResult importLoop(Node &n, SmallVectorImpl<Value> &out) {
  const GraphProto *g = graphAttr(n, "body");
  if (!g)
    return failure();
  Value maxTrip = n.input(0), cond = n.input(1);
  SmallVector<Value> inits;
  for (size_t i = 2; i < n.inputs.size(); ++i) {
    if (!n.inputs[i])
      return emitError(n.loc) << "loop-carried input " << (i - 2) << " is omitted";
    inits.push_back(n.inputs[i]);
  }
  if (maxTrip) {
    auto t = dyn_cast<TensorType>(maxTrip.getType());
    if (!t || !t.getElementType().isInteger(64))
      return emitError(n.loc) << "the trip count M must be int64, got " << maxTrip.getType();
  }
  if (cond) {
    auto t = dyn_cast<TensorType>(cond.getType());
    if (!t || !t.getElementType().isInteger(1))
      return emitError(n.loc) << "the condition must be bool, got " << cond.getType();
  }
  if (g->input.size() != 2 + inits.size())
    return emitError(n.loc) << "the body has " << g->input.size() << " input(s); a Loop with "
                            << inits.size() << " carried value(s) needs " << (2 + inits.size())
                            << " (iteration, condition, carried values)";
  auto op = buildLoop(n, *g, maxTrip, cond, inits,
                      [](Block *blk, SmallVectorImpl<Value> &in) {
                        in.append(blk->args_begin(), blk->args_end());
                        return success();
                      },
                      "body");
  if (failed(op))
    return failure();
  out.append((*op)->result_begin(), (*op)->result_end());
  return success();
}

LogicalResult importScan(Node &n, SmallVectorImpl<Value> &out) {
  auto &im = n.im;
  auto &b = im.b;
  if (n.opset < 9)
    return emitError(n.loc) << "Scan-8 (with a batch axis and sequence_lens) is not supported; "
                               "re-export the model with opset 9 or newer";
  const GraphProto *g = graphAttr(n, "body");
  if (!g)
    return failure();
  auto *numAttr = n.attr("num_scan_inputs");
  if (!numAttr)
    return emitError(n.loc) << "has no num_scan_inputs attribute";
  int64_t m = numAttr->i;
  int64_t total = int64_t(n.inputs.size());
  if (m < 1 || m > total)
    return emitError(n.loc) << "num_scan_inputs is " << m << " but the node has " << total
                            << " input(s)";
  int64_t nState = total - m;
  for (int64_t i = 0; i < total; ++i)
    if (!n.inputs[i])
      return emitError(n.loc) << "input " << i << " is omitted";
  SmallVector<Value> states(n.inputs.begin(), n.inputs.begin() + nState);
  SmallVector<Value> scans(n.inputs.begin() + nState, n.inputs.end());
  if ((int64_t)g->input.size() != total)
    return emitError(n.loc) << "the body has " << g->input.size() << " input(s) but the node has "
                            << total << " (state and scan inputs)";
  int64_t nOut = (int64_t)g->output.size() - nState;
  if (nOut < 0)
    return emitError(n.loc) << "the body has " << g->output.size()
                            << " output(s), fewer than the " << nState << " state values";
  auto listAttr = [&](StringRef name, int64_t count) -> FailureOr<SmallVector<int64_t>> {
    auto v = n.getInts(name);
    if (!v)
      return SmallVector<int64_t>(count, 0);
    if ((int64_t)v->size() != count)
      return emitError(n.loc) << name << " has " << v->size() << " entries, expected " << count;
    return *v;
  };
  auto inAxes = listAttr("scan_input_axes", m), inDirs = listAttr("scan_input_directions", m);
  auto outAxes = listAttr("scan_output_axes", nOut), outDirs = listAttr("scan_output_directions", nOut);
  if (failed(inAxes) || failed(inDirs) || failed(outAxes) || failed(outDirs))
    return failure();
  for (int64_t i = 0; i < m; ++i) {
    auto t = dyn_cast<RankedTensorType>(scans[i].getType());
    if (!t)
      return emitError(n.loc) << "scan input " << i << " has unknown rank";
    int64_t &a = (*inAxes)[i];
    if (a < -t.getRank() || a >= t.getRank())
      return emitError(n.loc) << "scan_input_axes[" << i << "] = " << a << " is out of range for rank "
                              << t.getRank();
    if (a < 0)
      a += t.getRank();
  }
  // The scan length: the first scan input's size along its axis, as a scalar.
  Value len1 = im.create1<ShapeOp>(n.loc, scans[0],
                                   {b.getNamedAttr("start", b.getI64IntegerAttr((*inAxes)[0])),
                                    b.getNamedAttr("end", b.getI64IntegerAttr((*inAxes)[0] + 1))});
  if (!len1)
    return failure();
  Value len = im.create1<ReshapeOp>(n.loc, {len1, im.constI64(n.loc, {})});
  if (!len)
    return failure();
  auto scalarI64 = [&](int64_t v) {
    auto type = scalarOf(b.getI64Type());
    return b.create<ConstantOp>(n.loc, type, DenseElementsAttr::get(type, v)).getResult();
  };
  Value lastIndex;
  for (int64_t d : *inDirs)
    if (d)
      lastIndex = lastIndex ? lastIndex : im.create1<SubOp>(n.loc, {len, scalarI64(1)});
  auto bind = [&](Block *blk, SmallVectorImpl<Value> &in) -> LogicalResult {
    for (int64_t k = 0; k < nState; ++k)
      in.push_back(blk->getArgument(2 + k));
    Value iter = blk->getArgument(0);
    for (int64_t i = 0; i < m; ++i) {
      Value idx = iter;
      if ((*inDirs)[i] && !(idx = im.create1<SubOp>(n.loc, {lastIndex, iter})))
        return failure();
      Value slice = im.create1<GatherOp>(n.loc, {scans[i], idx},
                                         {b.getNamedAttr("axis", b.getI64IntegerAttr((*inAxes)[i]))});
      if (!slice)
        return failure();
      in.push_back(slice);
    }
    return success();
  };
  auto op = buildLoop(n, *g, len, Value(), states, bind, "body", /*bodyYieldsCond=*/false);
  if (failed(op))
    return failure();
  for (int64_t k = 0; k < nState; ++k)
    out.push_back((*op)->getResult(k));
  for (int64_t j = 0; j < nOut; ++j) {
    Value v = (*op)->getResult(nState + j);
    if ((*outDirs)[j]) { // reverse the stacked values: gather range(len-1, -1, -1)
      Value idx = im.create1<RangeOp>(n.loc, {lastIndex ? lastIndex : im.create1<SubOp>(n.loc, {len, scalarI64(1)}),
                                              scalarI64(-1), scalarI64(-1)});
      if (!idx || !(v = im.create1<GatherOp>(n.loc, {v, idx}, {b.getNamedAttr("axis", b.getI64IntegerAttr(0))})))
        return failure();
    }
    int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
    int64_t a = (*outAxes)[j];
    if (a < -rank || a >= rank)
      return emitError(n.loc) << "scan_output_axes[" << j << "] = " << a
                              << " is out of range for rank " << rank;
    if (a < 0)
      a += rank;
    if (a != 0) { // move the stacking dim 0 to position a
      SmallVector<int64_t> perm;
      for (int64_t d = 1; d <= a; ++d)
        perm.push_back(d);
      perm.push_back(0);
      for (int64_t d = a + 1; d < rank; ++d)
        perm.push_back(d);
      if (!(v = im.create1<TransposeOp>(n.loc, v, {b.getNamedAttr("perm", b.getDenseI64ArrayAttr(perm))})))
        return failure();
    }
    out.push_back(v);
  }
  return success();
}

} // namespace

void registerControlFlowOps(OpTable &t) {
  t["If"] = importIf;
  t["Loop"] = importLoop;
  t["Scan"] = importScan;
}

} // namespace kiln::onnx::detail
