//===- ScriptEval.cpp - evaluating TorchScript code into kiln IR ----------===//
#include "kiln/torch/ScriptEval.h"
#include "ScriptEvalImpl.h"

#include "kiln/ir/ConstantUtils.h"
#include "kiln/ir/ControlFlow.h"
#include "kiln/ir/KilnDialect.h"
#include "kiln/ir/Resources.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include <cmath>
#include <cstring>
#include <sstream>

using namespace mlir;

namespace kiln::torch::script {

std::string Val::kindName() const {
  switch (k) {
  case K::None: return "None";
  case K::Bool: return "bool";
  case K::Int: return fromNumToTensor ? "int (as tensor)" : "int";
  case K::Float: return fromNumToTensor ? "float (as tensor)" : "float";
  case K::Str: return "str";
  case K::Tensor: return "Tensor";
  case K::List: return "list";
  case K::Tuple: return "tuple";
  case K::Dict: return "dict";
  case K::Object: return obj ? obj->cls : "object";
  case K::Func: return "function " + s;
  case K::Device: return "Device";
  case K::Uninit: return "uninitialized";
  }
  return "?";
}

// --- small helpers ------------------------------------------------------------

Type Impl::elementType(int dtype) {
  switch (dtype) {
  case 0: return b.getIntegerType(8, /*isSigned=*/false);
  case 1: return b.getIntegerType(8);
  case 2: return b.getIntegerType(16);
  case 3: return b.getIntegerType(32);
  case 4: return b.getIntegerType(64);
  case 5: return b.getF16Type();
  case 6: return b.getF32Type();
  case 7: return b.getF64Type();
  case 11: return b.getI1Type();
  case 15: return b.getBF16Type();
  default: return {};
  }
}

int Impl::dtypeOf(Type t) {
  if (t.isF16()) return 5;
  if (t.isF32()) return 6;
  if (t.isF64()) return 7;
  if (t.isBF16()) return 15;
  if (t.isInteger(1)) return 11;
  if (t.isUnsignedInteger(8)) return 0;
  if (t.isInteger(8)) return 1;
  if (t.isInteger(16)) return 2;
  if (t.isInteger(32)) return 3;
  if (t.isInteger(64)) return 4;
  return -1;
}

static size_t dtypeBytes(int dtype) {
  switch (dtype) {
  case 0: case 1: case 11: return 1;
  case 2: case 5: case 15: return 2;
  case 3: case 6: return 4;
  case 4: case 7: return 8;
  default: return 0;
  }
}

[[noreturn]] void Impl::error(const std::string &msg) {
  if (!cur.file)
    throw ScriptError(msg);
  fail(cur, msg);
}

Location Impl::loc() {
  if (cur.file)
    return FileLineColLoc::get(&ctx, *cur.file, cur.line, 0);
  return UnknownLoc::get(&ctx);
}

Operation *Impl::createOp(StringRef name, ValueRange operands, ArrayRef<NamedAttribute> attrs,
                          unsigned numResults) {
  OperationState state(loc(), name);
  state.addOperands(operands);
  state.addAttributes(attrs);
  state.addTypes(SmallVector<Type>(numResults, UnrankedTensorType::get(b.getF32Type())));
  Operation *op = b.create(state);
  SmallVector<Type> types;
  auto iface = dyn_cast<InferTypeOpInterface>(op);
  diag.clear();
  if (!iface || failed(iface.inferReturnTypes(&ctx, op->getLoc(), op->getOperands(),
                                              op->getAttrDictionary(), op->getPropertiesStorage(),
                                              op->getRegions(), types))) {
    op->erase();
    error(currentOp + ": " + (diag.empty() ? std::string("cannot build ") + name.str() : diag));
  }
  for (auto [r, t] : llvm::zip(op->getResults(), types))
    r.setType(t);
  return op;
}

Value Impl::constant(RankedTensorType type, Attribute value) {
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(entry);
  return b.create<ConstantOp>(loc(), type, llvm::cast<ElementsAttr>(value));
}

Value Impl::scalarConst(Type elt, double v, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, elt);
  Attribute a;
  if (isa<FloatType>(elt))
    a = DenseElementsAttr::get(type, FloatAttr::get(elt, v));
  else if (elt.isInteger(1))
    a = DenseElementsAttr::get(type, v != 0);
  else
    a = DenseElementsAttr::get(type, IntegerAttr::get(elt, (int64_t)v));
  return constant(type, a);
}

Value Impl::constI64(ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({(int64_t)values.size()}, b.getI64Type());
  return constant(type, DenseElementsAttr::get(type, values));
}

RankedTensorType Impl::rankedType(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t)
    error(currentOp + ": operand of unknown rank");
  return t;
}

int64_t Impl::rank(Value v) { return rankedType(v).getRank(); }

std::vector<int64_t> Impl::staticShape(Value v) {
  auto t = rankedType(v);
  for (int64_t k = 0; k < t.getRank(); ++k)
    if (t.isDynamicDim(k))
      error(currentOp + ": needs the static shape of a tensor whose dim " + std::to_string(k) +
            " is dynamic (give the input shapes with --input-shape)");
  return std::vector<int64_t>(t.getShape().begin(), t.getShape().end());
}

int64_t Impl::normDim(int64_t d, int64_t r) {
  int64_t n = d < 0 ? d + r : d;
  if (n < 0 || n >= std::max<int64_t>(r, 1))
    error(currentOp + ": dim " + std::to_string(d) + " is out of range for rank " + std::to_string(r));
  return n;
}

Value Impl::materialize(TensorData &d) {
  if (d.materialized)
    return d.materialized;
  Type elt = elementType(d.dtype);
  size_t item = dtypeBytes(d.dtype);
  if (!elt || !item)
    error("tensor '" + d.name + "' has dtype " + std::to_string(d.dtype) +
          ", which kiln does not support");
  if (d.strides.size() != d.shape.size())
    error("tensor '" + d.name + "' has " + std::to_string(d.shape.size()) + " sizes but " +
          std::to_string(d.strides.size()) + " strides");
  int64_t numel = 1;
  uint64_t maxIndex = d.offset < 0 ? (error("tensor '" + d.name + "' has a negative storage offset"), 0)
                                   : (uint64_t)d.offset;
  bool contiguous = true;
  int64_t expect = 1;
  for (int64_t k = (int64_t)d.shape.size() - 1; k >= 0; --k) {
    if (d.shape[k] < 0 || d.strides[k] < 0)
      error("tensor '" + d.name + "' has a negative size or stride");
    uint64_t reach = 0;
    if (d.shape[k] == 0)
      numel = 0;
    else if (__builtin_mul_overflow(numel, d.shape[k], &numel) ||
             __builtin_mul_overflow((uint64_t)(d.shape[k] - 1), (uint64_t)d.strides[k], &reach) ||
             __builtin_add_overflow(maxIndex, reach, &maxIndex))
      error("tensor '" + d.name + "' has sizes and strides too large to address");
    if (d.shape[k] != 1 && d.strides[k] != expect)
      contiguous = false;
    expect *= d.shape[k];
  }
  uint64_t lastByte = 0;
  if (numel > 0 && (__builtin_mul_overflow(maxIndex + 1, (uint64_t)item, &lastByte) ||
                    lastByte > d.storageBytes))
    error("tensor '" + d.name + "' reaches past the end of its storage (" +
          std::to_string(d.storageBytes) + " bytes)");
  auto type = RankedTensorType::get(d.shape, elt);
  Attribute value;
  size_t bytes = (size_t)numel * item;
  if (contiguous && numel > 0 && bytes >= 64 && d.owner) {
    value = makeMappedResource(type, d.name, d.storage + (size_t)d.offset * item, bytes, d.owner);
  } else {
    std::vector<char> buf(bytes);
    if (numel > 0) {
      std::vector<int64_t> idx(d.shape.size(), 0);
      for (int64_t n = 0; n < numel; ++n) {
        int64_t src = d.offset;
        for (size_t k = 0; k < idx.size(); ++k)
          src += idx[k] * d.strides[k];
        std::memcpy(buf.data() + n * item, d.storage + src * item, item);
        for (int64_t k = (int64_t)idx.size() - 1; k >= 0; --k) {
          if (++idx[k] < d.shape[k])
            break;
          idx[k] = 0;
        }
      }
    }
    value = makeOwnedResource(type, d.name, ArrayRef<char>(buf.data(), buf.size()));
    if (auto c = readConstant(value, 1 << 12))
      value = makeConstant(type, *c);
  }
  d.materialized = constant(type, value);
  return d.materialized;
}

std::optional<ConstTensor> Impl::constValue(const Val &v) {
  if (v.k != Val::K::Tensor)
    return std::nullopt;
  if (v.data) {
    Value m = materialize(*v.data);
    if (auto c = m.getDefiningOp<ConstantOp>())
      return readConstant(c.getValue(), 1 << 16);
    return std::nullopt;
  }
  if (auto c = v.t.getDefiningOp<ConstantOp>())
    return readConstant(c.getValue(), 1 << 16);
  return std::nullopt;
}

std::optional<Val> Impl::asNumber(const Val &v) {
  if (v.isNumber())
    return v;
  if (v.k == Val::K::Tensor && v.data) {
    int64_t numel = 1;
    for (int64_t s : v.data->shape)
      numel *= s;
    if (numel != 1)
      return std::nullopt;
    auto c = constValue(v);
    if (!c)
      return std::nullopt;
    Val r = c->isFloat ? Val::real(c->f[0]) : Val::integer(c->i[0]);
    if (c->elementType.isInteger(1))
      r = Val::boolean(c->i[0] != 0);
    r.fromNumToTensor = true;
    return r;
  }
  return std::nullopt;
}

Value Impl::tensor(const Val &v, const char *what) {
  if (v.k == Val::K::Tensor) {
    if (v.t)
      return v.t;
    if (v.data)
      return materialize(*v.data);
  }
  if (v.isNumber() && v.fromNumToTensor) {
    if (v.k == Val::K::Float)
      return scalarConst(b.getF64Type(), v.f);
    if (v.k == Val::K::Bool)
      return scalarConst(b.getI1Type(), v.i);
    return scalarConst(b.getI64Type(), (double)v.i);
  }
  error(currentOp + ": expected a tensor for " + what + ", got " + v.kindName());
}

bool Impl::isTensor(const Val &v) { return v.k == Val::K::Tensor; }

Value Impl::cast(Value v, Type elt) {
  auto t = rankedType(v);
  if (t.getElementType() == elt)
    return v;
  return createOp(CastOp::getOperationName(), {v}, {b.getNamedAttr("to", TypeAttr::get(elt))})
      ->getResult(0);
}

/// PyTorch's type promotion for a binary op with at least one tensor.
std::pair<Value, Value> Impl::promote(const Val &a, const Val &c) {
  bool ta = isTensor(a), tc = isTensor(c);
  auto scalarFor = [&](Type elt, const Val &s) -> std::pair<Value, Type> {
    if (s.k == Val::K::Float && !isa<FloatType>(elt))
      return {scalarConst(b.getF32Type(), s.f), b.getF32Type()};
    if (elt.isInteger(1) && s.k != Val::K::Bool)
      return {scalarConst(s.k == Val::K::Float ? (Type)b.getF32Type() : (Type)b.getI64Type(), s.num()),
              s.k == Val::K::Float ? (Type)b.getF32Type() : (Type)b.getI64Type()};
    return {scalarConst(elt, s.num()), elt};
  };
  if (ta && !tc) {
    if (!c.isNumber())
      error(currentOp + ": expected a tensor or a number, got " + c.kindName());
    Value x = tensor(a);
    auto [s, elt] = scalarFor(rankedType(x).getElementType(), c);
    return {cast(x, elt), s};
  }
  if (!ta && tc) {
    if (!a.isNumber())
      error(currentOp + ": expected a tensor or a number, got " + a.kindName());
    Value y = tensor(c);
    auto [s, elt] = scalarFor(rankedType(y).getElementType(), a);
    return {s, cast(y, elt)};
  }
  Value x = tensor(a), y = tensor(c);
  Type ex = rankedType(x).getElementType(), ey = rankedType(y).getElementType();
  if (ex == ey)
    return {x, y};
  bool fx = isa<FloatType>(ex), fy = isa<FloatType>(ey);
  int64_t rx = rank(x), ry = rank(y);
  // A 0-d tensor of the same category does not promote the other operand.
  if (fx == fy && !ex.isInteger(1) && !ey.isInteger(1)) {
    if (rx == 0 && ry > 0)
      return {cast(x, ey), y};
    if (ry == 0 && rx > 0)
      return {x, cast(y, ex)};
  }
  Type target;
  if (fx && !fy)
    target = ex;
  else if (fy && !fx)
    target = ey;
  else if (fx && fy)
    target = ex.getIntOrFloatBitWidth() >= ey.getIntOrFloatBitWidth() ? ex : ey;
  else if (ex.isInteger(1))
    target = ey;
  else if (ey.isInteger(1))
    target = ex;
  else
    target = ex.getIntOrFloatBitWidth() >= ey.getIntOrFloatBitWidth() ? ex : ey;
  return {cast(x, target), cast(y, target)};
}

Value Impl::binary(StringRef opName, const Val &a, const Val &c) {
  auto [x, y] = promote(a, c);
  return createOp(opName, {x, y})->getResult(0);
}

// --- module tables ------------------------------------------------------------

Evaluator::Evaluator(MLIRContext &ctx, std::string archive) : impl(std::make_unique<Impl>(ctx)) {
  impl->archive = std::move(archive);
  ctx.loadDialect<KilnDialect, func::FuncDialect>();
}

Evaluator::~Evaluator() = default;

void Evaluator::addModule(std::unique_ptr<Module> m) {
  for (auto &c : m->classes)
    impl->classes[c->qualName] = c.get();
  for (auto &f : m->functions)
    impl->functions[m->prefix.empty() ? f->name : m->prefix + "." + f->name] = f.get();
  impl->modules.push_back(std::move(m));
}

void Evaluator::setConstants(ValVec constants) { impl->constants = std::move(constants); }

const ClassDef *Impl::classOf(const Object &o) {
  auto it = classes.find(o.cls);
  if (it == classes.end())
    error("no code for class " + o.cls + " in the archive");
  return it->second;
}

// --- statements ---------------------------------------------------------------

bool Impl::truth(const Val &v) {
  switch (v.k) {
  case Val::K::None: return false;
  case Val::K::Bool:
  case Val::K::Int: return v.i != 0;
  case Val::K::Float: return v.f != 0;
  case Val::K::Str: return !v.s.empty();
  case Val::K::List:
  case Val::K::Tuple: return !v.items->empty();
  case Val::K::Dict: return !v.dict->empty();
  case Val::K::Tensor: {
    auto n = asNumber(v);
    if (n)
      return truth(*n);
    error("the truth value of a tensor computed at run time is used where a compile-time value is needed");
  }
  default: return true;
  }
}

bool Impl::sameValue(const Val &a, const Val &c) {
  if (a.k != c.k)
    return false;
  switch (a.k) {
  case Val::K::None:
  case Val::K::Uninit: return true;
  case Val::K::Bool:
  case Val::K::Int: return a.i == c.i;
  case Val::K::Float: return a.f == c.f || (std::isnan(a.f) && std::isnan(c.f));
  case Val::K::Str:
  case Val::K::Func:
  case Val::K::Device: return a.s == c.s;
  case Val::K::Tensor: return a.t == c.t && a.data == c.data;
  case Val::K::Object: return a.obj == c.obj;
  case Val::K::List:
  case Val::K::Tuple:
    if (a.items == c.items)
      return true;
    if (a.items->size() != c.items->size())
      return false;
    for (size_t k = 0; k < a.items->size(); ++k)
      if (!sameValue((*a.items)[k], (*c.items)[k]))
        return false;
    return true;
  case Val::K::Dict: return a.dict == c.dict;
  }
  return false;
}

void Impl::assign(Frame &f, const Expr &target, const Val &v) {
  if (target.kind != Expr::Kind::Name)
    fail(target.loc, "cannot assign to " + target.str());
  f.env[target.s] = v;
}

bool Impl::exec(const Block &block, Frame &f) {
  for (const auto &sp : block) {
    const Stmt &s = *sp;
    cur = s.loc;
    if (++steps > opts.maxSteps)
      error("evaluation runs more than " + std::to_string(opts.maxSteps) +
            " statements (loops too long to unroll at compile time)");
    switch (s.kind) {
    case Stmt::Kind::Pass:
      break;
    case Stmt::Kind::Expr:
      eval(*s.value, f);
      break;
    case Stmt::Kind::Assign:
    case Stmt::Kind::AnnAssign: {
      Val v = eval(*s.value, f);
      cur = s.loc;
      if (!s.unpack) {
        if (s.kind == Stmt::Kind::AnnAssign && v.k == Val::K::Int && s.type->dottedName() == "float")
          v = Val::real((double)v.i);
        assign(f, *s.targets[0], v);
        break;
      }
      if (v.k != Val::K::Tuple && v.k != Val::K::List)
        error("cannot unpack " + v.kindName() + " into " + std::to_string(s.targets.size()) + " names");
      if (v.items->size() != s.targets.size())
        error("cannot unpack " + std::to_string(v.items->size()) + " values into " +
              std::to_string(s.targets.size()) + " names");
      ValVec items = *v.items;
      for (size_t k = 0; k < s.targets.size(); ++k)
        assign(f, *s.targets[k], items[k]);
      break;
    }
    case Stmt::Kind::SetAttr: {
      Val o = eval(*s.targets[0]->args[0], f);
      Val v = eval(*s.value, f);
      cur = s.loc;
      if (o.k != Val::K::Object)
        error("cannot set attribute '" + s.targets[0]->s + "' of " + o.kindName());
      if (Val *slot = o.obj->find(s.targets[0]->s))
        *slot = v;
      else
        o.obj->attrs.push_back({s.targets[0]->s, v});
      break;
    }
    case Stmt::Kind::Return:
      f.ret = s.value ? eval(*s.value, f) : Val::none();
      return true;
    case Stmt::Kind::If: {
      Val c = eval(*s.value, f);
      cur = s.loc;
      if (c.k == Val::K::Tensor && !asNumber(c)) {
        if (tensorIf(s, tensor(c), f))
          return true;
        break;
      }
      if (exec(truth(c) ? s.body : s.orelse, f))
        return true;
      break;
    }
    case Stmt::Kind::For: {
      const Expr &it = *s.value;
      int64_t start = 0, stop = 0, step = 1;
      ValVec items;
      bool overItems = false;
      if (it.kind == Expr::Kind::Call && it.args[0]->kind == Expr::Kind::Name &&
          it.args[0]->s == "range" && !f.env.count("range")) {
        std::vector<int64_t> r;
        for (size_t k = 1; k < it.args.size(); ++k) {
          Val v = eval(*it.args[k], f);
          auto n = asNumber(v);
          cur = s.loc;
          if (!n || n->k == Val::K::Float)
            error("for loop over range(" + v.kindName() +
                  "): the trip count must be known at compile time (a run-time trip count is not supported yet)");
          r.push_back(n->i);
        }
        if (r.empty() || r.size() > 3)
          error("range() takes 1 to 3 arguments");
        if (r.size() == 1)
          stop = r[0];
        else {
          start = r[0];
          stop = r[1];
          if (r.size() == 3)
            step = r[2];
        }
        if (step == 0)
          error("range() step must not be zero");
      } else {
        Val v = eval(it, f);
        cur = s.loc;
        if (v.k != Val::K::List && v.k != Val::K::Tuple)
          error("for loop over " + v.kindName() + " is not supported");
        items = *v.items;
        overItems = true;
      }
      int64_t count = 0;
      for (int64_t i = start; overItems ? count < (int64_t)items.size() : (step > 0 ? i < stop : i > stop);
           i += step) {
        if (++count > opts.maxLoopIterations)
          error("loop runs more than " + std::to_string(opts.maxLoopIterations) + " iterations");
        f.env[s.s] = overItems ? items[count - 1] : Val::integer(i);
        if (exec(s.body, f))
          return true;
      }
      break;
    }
    case Stmt::Kind::While: {
      int64_t count = 0;
      for (;;) {
        Val c = eval(*s.value, f);
        cur = s.loc;
        if (c.k == Val::K::Tensor && !asNumber(c)) {
          if (count > 0)
            error("while loop whose condition becomes a tensor value after " + std::to_string(count) +
                  " compile-time iteration(s) is not supported");
          if (tensorWhile(s, tensor(c), f))
            return true;
          break;
        }
        if (!truth(c))
          break;
        if (++count > opts.maxLoopIterations)
          error("while loop runs more than " + std::to_string(opts.maxLoopIterations) + " iterations");
        if (exec(s.body, f))
          return true;
      }
      break;
    }
    }
  }
  return false;
}

namespace {
/// A block not (yet) owned by a region; deleted unless released.
struct ScratchBlock {
  mlir::Block *block = new mlir::Block();
  ~ScratchBlock() {
    if (block) {
      block->dropAllDefinedValueUses();
      block->dropAllReferences();
      delete block;
    }
  }
  mlir::Block *release() { return std::exchange(block, nullptr); }
};

Type scalarTensor(Type elt) { return RankedTensorType::get({}, elt); }
} // namespace

/// The element type both branch values of a joined variable get: PyTorch's
/// promotion of the pair (worked out in a scratch block, whose ops are
/// dropped).
Type Impl::joinedElementType(const Val &x, const Val &y) {
  ScratchBlock scratch;
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToEnd(scratch.block);
  auto [px, py] = promote(x, y);
  return rankedType(px).getElementType();
}

Value Impl::asTensorOf(const Val &v, Type elt) {
  if (isTensor(v))
    return cast(tensor(v), elt);
  return scalarConst(elt, v.num());
}

bool Impl::tensorIf(const Stmt &s, Value cond, Frame &f) {
  SourceLoc where = s.loc;
  auto ct = rankedType(cond);
  if (!ct.getElementType().isInteger(1))
    cond = cast(cond, b.getI1Type());
  Frame a = f, c = f;
  std::optional<std::string> raisedA, raisedC;
  bool retA = false, retC = false;
  ScratchBlock thenB, elseB;
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(thenB.block);
    try {
      retA = exec(s.body, a);
    } catch (const RaiseError &e) {
      raisedA = e.what();
    }
    b.setInsertionPointToEnd(elseB.block);
    try {
      retC = exec(s.orelse, c);
    } catch (const RaiseError &e) {
      raisedC = e.what();
    }
  }
  cur = where;
  if (raisedA && raisedC)
    throw RaiseError(*raisedA);
  // A branch that raises is the path PyTorch would fail on: the compiled
  // graph follows the other one, whose ops move in front of the if.
  if (raisedA || raisedC) {
    mlir::Block *ok = raisedA ? elseB.block : thenB.block;
    b.getInsertionBlock()->getOperations().splice(b.getInsertionPoint(), ok->getOperations());
    f = raisedA ? c : a;
    return raisedA ? retC : retA;
  }
  if (retA || retC)
    error("'return' inside an if on a tensor value is not supported: assign the value and return "
          "it after the if");
  std::map<std::string, Val> merged = f.env;
  std::set<std::string> names;
  for (auto &[n, v] : a.env)
    names.insert(n);
  for (auto &[n, v] : c.env)
    names.insert(n);
  std::vector<std::string> joined;
  std::vector<Type> elts;
  for (const auto &n : names) {
    auto ia = a.env.find(n), ic = c.env.find(n);
    if (ia == a.env.end() || ic == c.env.end()) {
      // Defined in one branch only: TorchScript rejects a later use; kiln
      // leaves it undefined ("name is not defined" at the use).
      merged.erase(n);
      continue;
    }
    const Val &va = ia->second, &vc = ic->second;
    if (sameValue(va, vc)) {
      merged[n] = va;
      continue;
    }
    if (va.k == Val::K::Uninit || vc.k == Val::K::Uninit) {
      // Assigned on one path only (the printer's `uninitialized(T)` on the
      // other): the value exists only inside that branch.
      Val u;
      u.k = Val::K::Uninit;
      merged[n] = u;
      continue;
    }
    if ((isTensor(va) || va.isNumber()) && (isTensor(vc) || vc.isNumber()) &&
        (isTensor(va) || isTensor(vc))) {
      currentOp = "if on a tensor value ('" + n + "')";
      joined.push_back(n);
      elts.push_back(joinedElementType(va, vc));
      continue;
    }
    error("if on a tensor value gives '" + n + "' different compile-time values (" + va.kindName() +
          " / " + vc.kindName() + ") in its branches; only tensors (and numbers joined with them) can "
          "differ between the branches");
  }
  SmallVector<Value> thenOut, elseOut;
  {
    OpBuilder::InsertionGuard g(b);
    for (auto [blk, fr, outs] : {std::make_tuple(thenB.block, &a, &thenOut),
                                 std::make_tuple(elseB.block, &c, &elseOut)}) {
      b.setInsertionPointToEnd(blk);
      for (size_t k = 0; k < joined.size(); ++k)
        outs->push_back(asTensorOf(fr->env[joined[k]], elts[k]));
      b.create<YieldOp>(loc(), *outs);
    }
  }
  SmallVector<Type> types;
  for (size_t k = 0; k < joined.size(); ++k) {
    Type j = joinTensorTypes(thenOut[k].getType(), elseOut[k].getType());
    if (!j)
      error("if on a tensor value: '" + joined[k] + "' has different element types in its branches");
    types.push_back(j);
  }
  auto op = b.create<IfOp>(loc(), types, cond);
  op.getThenRegion().push_back(thenB.release());
  op.getElseRegion().push_back(elseB.release());
  for (size_t k = 0; k < joined.size(); ++k)
    merged[joined[k]] = Val::tensor(op->getResult(k));
  f.env = std::move(merged);
  return false;
}

/// `while` whose condition is a run-time tensor: a kiln.loop carrying every
/// variable the body changes (tensors, and numbers that become tensors).
bool Impl::tensorWhile(const Stmt &s, Value cond0, Frame &f) {
  SourceLoc where = s.loc;
  if (!rankedType(cond0).getElementType().isInteger(1))
    cond0 = cast(cond0, b.getI1Type());
  // Which variables does one iteration change? Run the body once in a
  // scratch block on the values before the loop.
  std::vector<std::string> carried;
  std::vector<Val> inits;
  {
    ScratchBlock probe;
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(probe.block);
    Frame p = f;
    bool ret;
    try {
      ret = exec(s.body, p);
    } catch (const RaiseError &e) {
      cur = where;
      error(std::string("while loop on a tensor value: its body raises (") + e.what() + ")");
    }
    cur = where;
    if (ret)
      error("'return' inside a while loop on a tensor value is not supported");
    for (auto &[n, v] : p.env) {
      auto it = f.env.find(n);
      if (it == f.env.end() || sameValue(it->second, v))
        continue; // new names are local to an iteration
      const Val &before = it->second;
      if ((isTensor(v) || v.isNumber()) && (isTensor(before) || before.isNumber())) {
        carried.push_back(n);
        inits.push_back(before);
        continue;
      }
      error("while loop on a tensor value changes '" + n + "', a compile-time " + before.kindName() +
            "; only tensors (and numbers, which become tensors) can change in it");
    }
  }
  SmallVector<Value> initVals;
  SmallVector<Type> types;
  for (size_t k = 0; k < carried.size(); ++k) {
    const Val &v = inits[k];
    Value t = isTensor(v) ? tensor(v)
                          : scalarConst(v.k == Val::K::Float ? (Type)b.getF32Type()
                                                             : v.k == Val::K::Bool ? (Type)b.getI1Type()
                                                                                   : (Type)b.getI64Type(),
                                        v.num());
    initVals.push_back(t);
    types.push_back(t.getType());
  }
  for (int round = 0; round < 8; ++round) {
    ScratchBlock body;
    Location l = loc();
    body.block->addArgument(scalarTensor(b.getI64Type()), l);
    body.block->addArgument(scalarTensor(b.getI1Type()), l);
    for (Type t : types)
      body.block->addArgument(t, l);
    Frame p = f;
    for (size_t k = 0; k < carried.size(); ++k)
      p.env[carried[k]] = Val::tensor(body.block->getArgument(2 + k));
    SmallVector<Value> outs;
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToEnd(body.block);
      try {
        exec(s.body, p);
      } catch (const RaiseError &e) {
        cur = where;
        error(std::string("while loop on a tensor value: its body raises (") + e.what() + ")");
      }
      Val c = eval(*s.value, p);
      cur = where;
      currentOp = "while loop condition";
      Value cv;
      if (isTensor(c))
        cv = cast(tensor(c), b.getI1Type());
      else if (c.isNumber() || c.k == Val::K::Bool)
        cv = scalarConst(b.getI1Type(), truth(c) ? 1 : 0);
      else
        error("while loop condition is " + c.kindName() + " after an iteration");
      outs.push_back(cv);
      for (size_t k = 0; k < carried.size(); ++k) {
        const Val &v = p.env[carried[k]];
        if (!isTensor(v) && !v.isNumber())
          error("while loop on a tensor value: '" + carried[k] + "' becomes " + v.kindName());
        outs.push_back(asTensorOf(v, getElementTypeOrSelf(types[k])));
      }
    }
    bool stable = true;
    for (size_t k = 0; k < carried.size(); ++k) {
      Type y = outs[1 + k].getType();
      if (y == types[k])
        continue;
      Type j = joinTensorTypes(types[k], y);
      if (!j)
        error("while loop on a tensor value: '" + carried[k] + "' changes its element type");
      if (j != types[k]) {
        types[k] = j;
        stable = false;
      }
    }
    if (!stable)
      continue;
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToEnd(body.block);
      b.create<YieldOp>(l, outs);
    }
    auto op = b.create<LoopOp>(l, TypeRange(types), Value(), cond0, ValueRange(initVals));
    op.getBody().push_back(body.release());
    for (size_t k = 0; k < carried.size(); ++k)
      f.env[carried[k]] = Val::tensor(op->getResult(k));
    return false;
  }
  error("while loop on a tensor value: the types of its loop-carried values do not settle");
}

// --- calls --------------------------------------------------------------------

Val Impl::callFunction(const FuncDef &fn, ValVec args, const std::vector<std::pair<std::string, Val>> &kwargs,
                       const SourceLoc &callSite) {
  if (++callDepth > opts.maxCallDepth)
    fail(callSite, "calls nested deeper than " + std::to_string(opts.maxCallDepth) + " (recursion?)");
  Frame f;
  if (args.size() > fn.params.size())
    fail(callSite, fn.name + "() takes " + std::to_string(fn.params.size()) + " arguments, " +
                       std::to_string(args.size()) + " given");
  for (size_t k = 0; k < fn.params.size(); ++k) {
    const Param &p = fn.params[k];
    if (k < args.size()) {
      f.env[p.name] = args[k];
      continue;
    }
    bool found = false;
    for (auto &[n, v] : kwargs)
      if (n == p.name) {
        f.env[p.name] = v;
        found = true;
      }
    if (found)
      continue;
    if (!p.deflt)
      fail(callSite, fn.name + "() is missing argument '" + p.name + "'");
    Frame empty;
    f.env[p.name] = eval(*p.deflt, empty);
  }
  for (auto &[n, v] : kwargs) {
    bool known = false;
    for (auto &p : fn.params)
      known |= p.name == n;
    if (!known)
      fail(callSite, fn.name + "() got an unexpected keyword argument '" + n + "'");
  }
  SourceLoc saved = cur;
  exec(fn.body, f);
  cur = saved;
  --callDepth;
  return f.ret;
}

Val Impl::callMethod(const Val &self, const std::string &name, ValVec args,
                     const std::vector<std::pair<std::string, Val>> &kwargs, const SourceLoc &site) {
  if (self.k != Val::K::Object)
    fail(site, "method " + name + "() called on " + self.kindName());
  const ClassDef *cls = classOf(*self.obj);
  const FuncDef *m = cls->method(name);
  if (!m) {
    if (name == "__len__" || name == "__getitem__")
      fail(site, "class " + cls->qualName + " has no method " + name + "()");
    fail(site, "class " + cls->qualName + " has no method " + name + "()");
  }
  args.insert(args.begin(), self);
  return callFunction(*m, std::move(args), kwargs, site);
}

Val Impl::getAttr(const Val &base, const std::string &name, const SourceLoc &at) {
  if (base.k == Val::K::Object) {
    if (Val *v = base.obj->find(name))
      return *v;
    auto it = classes.find(base.obj->cls);
    if (it != classes.end())
      for (auto &c : it->second->constants)
        if (c.name == name) {
          Frame empty;
          Val v = eval(*c.value, empty);
          if (c.type && c.type->dottedName() == "float" && v.k == Val::K::Int)
            v = Val::real((double)v.i);
          return v;
        }
    fail(at, "object of class " + base.obj->cls + " has no attribute '" + name + "'");
  }
  if (base.k == Val::K::Device && name == "type")
    return Val::str(base.s.substr(0, base.s.find(':')));
  fail(at, "cannot read attribute '" + name + "' of " + base.kindName());
}

Val Impl::typeCheck(const Val &v, const Expr &type) {
  std::string t = type.dottedName();
  if (type.kind == Expr::Kind::Tuple) {
    for (auto &e : type.args)
      if (truth(typeCheck(v, *e)))
        return Val::boolean(true);
    return Val::boolean(false);
  }
  if (type.kind == Expr::Kind::Subscript)
    t = type.args[0]->dottedName();
  bool r = false;
  if (t == "Tensor")
    r = v.k == Val::K::Tensor;
  else if (t == "int")
    r = v.k == Val::K::Int;
  else if (t == "float")
    r = v.k == Val::K::Float;
  else if (t == "bool")
    r = v.k == Val::K::Bool;
  else if (t == "str")
    r = v.k == Val::K::Str;
  else if (t == "List")
    r = v.k == Val::K::List;
  else if (t == "Tuple")
    r = v.k == Val::K::Tuple;
  else if (t == "Dict")
    r = v.k == Val::K::Dict;
  else if (t == "NoneType")
    r = v.k == Val::K::None;
  else if (t == "Optional")
    r = v.k == Val::K::None || truth(typeCheck(v, *type.args[1]));
  else if (v.k == Val::K::Object)
    r = v.obj->cls == t;
  return Val::boolean(r);
}

std::string Impl::toStr(const Val &v) {
  switch (v.k) {
  case Val::K::None: return "None";
  case Val::K::Bool: return v.i ? "True" : "False";
  case Val::K::Int: return std::to_string(v.i);
  case Val::K::Float: {
    std::ostringstream os;
    os.precision(12);
    os << v.f;
    std::string s = os.str();
    if (s.find_first_of(".eni") == std::string::npos)
      s += ".0";
    return s;
  }
  case Val::K::Str: return v.s;
  case Val::K::Device: return v.s;
  case Val::K::List:
  case Val::K::Tuple: {
    std::string r = v.k == Val::K::List ? "[" : "(";
    for (size_t k = 0; k < v.items->size(); ++k) {
      if (k)
        r += ", ";
      const Val &x = (*v.items)[k];
      r += x.k == Val::K::Str ? "'" + x.s + "'" : toStr(x);
    }
    if (v.k == Val::K::Tuple && v.items->size() == 1)
      r += ",";
    return r + (v.k == Val::K::List ? "]" : ")");
  }
  default: return "<" + v.kindName() + ">";
  }
}

Val Impl::eval(const Expr &e, Frame &f) {
  switch (e.kind) {
  case Expr::Kind::Int: return Val::integer(e.i);
  case Expr::Kind::Float: return Val::real(e.f);
  case Expr::Kind::Str: return Val::str(e.s);
  case Expr::Kind::Bool: return Val::boolean(e.i != 0);
  case Expr::Kind::None: return Val::none();
  case Expr::Kind::Name: {
    auto it = f.env.find(e.s);
    if (it != f.env.end())
      return it->second;
    if (functions.count(e.s))
      return Val::func(e.s);
    fail(e.loc, "name '" + e.s + "' is not defined");
  }
  case Expr::Kind::Neg: {
    Val v = eval(*e.args[0], f);
    if (v.k == Val::K::Int)
      return Val::integer(-v.i);
    if (v.k == Val::K::Float)
      return Val::real(-v.f);
    fail(e.loc, "unary minus on " + v.kindName());
  }
  case Expr::Kind::Tuple:
  case Expr::Kind::List: {
    ValVec xs;
    for (auto &a : e.args)
      xs.push_back(eval(*a, f));
    return e.kind == Expr::Kind::Tuple ? Val::tuple(std::move(xs)) : Val::list(std::move(xs));
  }
  case Expr::Kind::Dict: {
    Val d;
    d.k = Val::K::Dict;
    d.dict = std::make_shared<std::vector<std::pair<Val, Val>>>();
    for (size_t k = 0; k + 1 < e.args.size(); k += 2)
      d.dict->push_back({eval(*e.args[k], f), eval(*e.args[k + 1], f)});
    return d;
  }
  case Expr::Kind::Attr: {
    std::string dotted = e.dottedName();
    std::string head = dotted.substr(0, dotted.find('.'));
    if (!dotted.empty() && !f.env.count(head)) {
      if (head == "CONSTANTS") {
        if (e.s.size() < 2 || e.s[0] != 'c')
          fail(e.loc, "malformed constant reference " + dotted);
        char *end = nullptr;
        long long n = strtoll(e.s.c_str() + 1, &end, 10);
        if (*end || n < 0 || n >= (long long)constants.size())
          fail(e.loc, dotted + " is not in the archive's constants table (" +
                          std::to_string(constants.size()) + " entries)");
        return constants[n];
      }
      if (head == "torch" || head == "ops" || head == "__torch__" || head == "math")
        return Val::func(dotted);
    }
    Val base = eval(*e.args[0], f);
    return getAttr(base, e.s, e.loc);
  }
  case Expr::Kind::Subscript: {
    Val base = eval(*e.args[0], f);
    Val idx = eval(*e.args[1], f);
    cur.line = e.loc.line;
    return subscript(base, idx, e.loc);
  }
  case Expr::Kind::Slice: {
    Val base = eval(*e.args[0], f);
    if (base.k != Val::K::Tuple && base.k != Val::K::List && base.k != Val::K::Str)
      fail(e.loc, "slice of " + base.kindName());
    int64_t n = base.k == Val::K::Str ? (int64_t)base.s.size() : (int64_t)base.items->size();
    auto bound = [&](const ExprPtr &x, int64_t d) {
      if (!x)
        return d;
      Val v = eval(*x, f);
      if (v.k != Val::K::Int)
        fail(e.loc, "slice bound must be an int");
      int64_t i = v.i < 0 ? v.i + n : v.i;
      return std::clamp<int64_t>(i, 0, n);
    };
    int64_t lo = bound(e.args[1], 0), hi = bound(e.args[2], n);
    if (base.k == Val::K::Str)
      return Val::str(hi > lo ? base.s.substr(lo, hi - lo) : "");
    ValVec xs;
    for (int64_t k = lo; k < hi; ++k)
      xs.push_back((*base.items)[k]);
    return base.k == Val::K::Tuple ? Val::tuple(std::move(xs)) : Val::list(std::move(xs));
  }
  case Expr::Kind::Call:
    return call(e, f);
  }
  fail(e.loc, "cannot evaluate " + e.str());
}

Val Impl::subscript(const Val &base, const Val &idx, const SourceLoc &at) {
  if (base.k == Val::K::List || base.k == Val::K::Tuple || base.k == Val::K::Str) {
    auto n = asNumber(idx);
    if (!n || n->k != Val::K::Int)
      fail(at, "index of a " + base.kindName() + " must be an int, got " + idx.kindName());
    int64_t size = base.k == Val::K::Str ? (int64_t)base.s.size() : (int64_t)base.items->size();
    int64_t i = n->i < 0 ? n->i + size : n->i;
    if (i < 0 || i >= size)
      fail(at, "index " + std::to_string(n->i) + " out of range for a " + base.kindName() +
                   " of " + std::to_string(size) + " elements");
    if (base.k == Val::K::Str)
      return Val::str(base.s.substr(i, 1));
    return (*base.items)[i];
  }
  if (base.k == Val::K::Dict) {
    for (auto &[k, v] : *base.dict)
      if (sameValue(k, idx))
        return v;
    fail(at, "key " + toStr(idx) + " is not in the dict");
  }
  if (base.k == Val::K::Tensor) {
    currentOp = "tensor[index]";
    auto n = asNumber(idx);
    if (!n || n->k != Val::K::Int)
      fail(at, "tensor index must be a compile-time int");
    Value x = tensor(base);
    Value i = scalarConst(b.getI64Type(), (double)n->i);
    return Val::tensor(createOp(GatherOp::getOperationName(), {x, i},
                                {b.getNamedAttr("axis", b.getI64IntegerAttr(0))})
                           ->getResult(0));
  }
  fail(at, "cannot index " + base.kindName());
}

Val Impl::call(const Expr &e, Frame &f) {
  const Expr &callee = *e.args[0];
  ValVec pos;
  std::vector<std::pair<std::string, Val>> kw;
  auto evalArgs = [&](size_t from) {
    for (size_t k = 1 + from; k < 1 + e.numPositional; ++k)
      pos.push_back(eval(*e.args[k], f));
    for (size_t k = 0; k < e.kwNames.size(); ++k)
      kw.push_back({e.kwNames[k], eval(*e.args[1 + e.numPositional + k], f)});
  };
  // Special forms whose first argument is a type.
  if (callee.kind == Expr::Kind::Name && !f.env.count(callee.s)) {
    const std::string &n = callee.s;
    if (n == "annotate" || n == "unchecked_cast") {
      if (e.numPositional != 2)
        fail(e.loc, n + "() takes a type and a value");
      Val v = eval(*e.args[2], f);
      if (e.args[1]->dottedName() == "float" && v.k == Val::K::Int)
        v = Val::real((double)v.i);
      return v;
    }
    if (n == "uninitialized") {
      Val v;
      v.k = Val::K::Uninit;
      return v;
    }
    if (n == "isinstance") {
      if (e.numPositional != 2)
        fail(e.loc, "isinstance() takes a value and a type");
      return typeCheck(eval(*e.args[1], f), *e.args[2]);
    }
    if (n == "range")
      fail(e.loc, "range() outside a for loop is not supported");
  }
  SourceLoc site = e.loc;
  // Method calls: (obj).name(args)
  if (callee.kind == Expr::Kind::Attr) {
    std::string dotted = callee.dottedName();
    std::string head = dotted.substr(0, dotted.find('.'));
    bool path = !dotted.empty() && !f.env.count(head) &&
                (head == "torch" || head == "ops" || head == "__torch__" || head == "math");
    if (!path) {
      Val self = eval(*callee.args[0], f);
      evalArgs(0);
      cur = site;
      if (self.k == Val::K::Object)
        return callMethod(self, callee.s, std::move(pos), kw, site);
      fail(site, "method " + callee.s + "() on " + self.kindName() + " is not supported");
    }
  }
  if (callee.kind == Expr::Kind::Name && !f.env.count(callee.s) && !functions.count(callee.s)) {
    evalArgs(0);
    return callBuiltin(callee.s, std::move(pos), kw, site);
  }
  Val fn = eval(callee, f);
  evalArgs(0);
  cur = site;
  if (fn.k == Val::K::Func)
    return callNamed(fn.s, std::move(pos), kw, site);
  if (callee.kind == Expr::Kind::Name)
    return callBuiltin(callee.s, std::move(pos), kw, site);
  fail(site, "cannot call " + fn.kindName());
}

Val Impl::callNamed(const std::string &q, ValVec pos, std::vector<std::pair<std::string, Val>> kw,
                    const SourceLoc &site) {
  cur = site;
  if (q.rfind("torch.", 0) == 0)
    return aten(q.substr(6), std::move(pos), std::move(kw));
  if (q.rfind("ops.", 0) == 0) {
    std::string rest = q.substr(4);
    size_t dot = rest.find('.');
    std::string ns = rest.substr(0, dot), name = dot == std::string::npos ? "" : rest.substr(dot + 1);
    if (ns == "aten")
      return aten(name, std::move(pos), std::move(kw));
    if (ns == "prim")
      return prim(name, std::move(pos), std::move(kw));
    fail(site, "unsupported op " + q + " (namespace '" + ns + "')");
  }
  if (q.rfind("math.", 0) == 0)
    return aten(q.substr(5), std::move(pos), std::move(kw));
  auto fit = functions.find(q);
  if (fit != functions.end())
    return callFunction(*fit->second, std::move(pos), kw, site);
  auto cit = classes.find(q);
  if (cit != classes.end() && cit->second->base == "NamedTuple")
    return Val::tuple(std::move(pos));
  if (cit != classes.end())
    fail(site, "constructing objects of class " + q + " is not supported");
  fail(site, "unknown function " + q + " (not in the archive's code)");
}

Val Impl::callBuiltin(const std::string &n, ValVec pos, std::vector<std::pair<std::string, Val>> kw,
                      const SourceLoc &site) {
  cur = site;
  currentOp = n + "()";
  auto one = [&]() -> const Val & {
    if (pos.size() != 1)
      fail(site, n + "() takes one argument, " + std::to_string(pos.size()) + " given");
    return pos[0];
  };
  if (n == "int" || n == "float" || n == "bool") {
    const Val &v = one();
    auto num = asNumber(v);
    if (!num && v.k == Val::K::Str) {
      char *end = nullptr;
      if (n == "float") {
        double d = strtod(v.s.c_str(), &end);
        if (*end || v.s.empty())
          fail(site, "float() of '" + v.s + "'");
        return Val::real(d);
      }
      long long i = strtoll(v.s.c_str(), &end, 10);
      if (*end || v.s.empty())
        fail(site, "int() of '" + v.s + "'");
      return Val::integer(i);
    }
    if (!num) {
      if (v.k == Val::K::Tensor && n == "bool") {
        // bool(tensor) decided at run time: only an `if` can consume it.
        Value x = tensor(v);
        return Val::tensor(cast(x, b.getI1Type()));
      }
      fail(site, n + "() of " + v.kindName() +
                     (v.k == Val::K::Tensor ? " computed at run time: the value must be known at compile time" : ""));
    }
    if (n == "int")
      return Val::integer(num->k == Val::K::Float ? (int64_t)std::trunc(num->f) : num->i);
    if (n == "float")
      return Val::real(num->num());
    return Val::boolean(num->num() != 0);
  }
  if (n == "str")
    return Val::str(toStr(one()));
  if (n == "getattr") {
    if (pos.size() != 2 || pos[1].k != Val::K::Str)
      fail(site, "getattr() takes an object and an attribute name");
    return getAttr(pos[0], pos[1].s, site);
  }
  if (n == "len")
    return aten("len", std::move(pos), std::move(kw));
  if (n == "print")
    return Val::none();
  if (n == "min" || n == "max")
    return prim(n, std::move(pos), std::move(kw));
  fail(site, "unsupported builtin " + n + "()");
}

// --- building the function ------------------------------------------------------

ModuleOp Evaluator::build(const Val &root, const TorchScriptImportOptions &options) {
  Impl &im = *impl;
  im.opts = options;
  im.formatVersion = formatVersion;
  if (root.k != Val::K::Object)
    throw ScriptError("the archive's data.pkl does not hold a module object (got " + root.kindName() + ")");
  const ClassDef *cls = im.classOf(*root.obj);
  const FuncDef *fn = cls->method(options.method);
  if (!fn) {
    std::string have;
    for (auto &m : cls->methods)
      if (m->name.rfind("__", 0) != 0 && m->name[0] != '_')
        have += (have.empty() ? "" : ", ") + m->name;
    throw ScriptError("the root module (" + cls->qualName + ") has no method '" + options.method +
                      "' (it has: " + have + ")");
  }
  MLIRContext &ctx = im.ctx;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    if (!im.diag.empty())
      im.diag += "; ";
    im.diag += d.str();
    return success();
  });
  OpBuilder &b = im.b;
  auto module = ModuleOp::create(UnknownLoc::get(&ctx));
  try {
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> argTypes;
    SmallVector<Attribute> argAttrs;
    std::vector<size_t> argParam; // parameter index of each function argument
    im.cur = fn->loc;
    if (fn->params.empty())
      throw ScriptError(fn->loc.str() + ": method " + fn->name + " has no self parameter");
    std::set<std::string> used;
    auto isParam = [&](const std::string &n) {
      for (size_t k = 1; k < fn->params.size(); ++k)
        if (fn->params[k].name == n)
          return true;
      return false;
    };
    for (auto &[n, s] : options.inputShapes)
      if (!isParam(n)) {
        std::string names;
        for (size_t k = 1; k < fn->params.size(); ++k)
          names += (names.empty() ? "" : ", ") + fn->params[k].name;
        throw ScriptError("--input-shape names '" + n + "', which is not an input of " + fn->name +
                          " (inputs: " + names + ")");
      }
    for (auto &[n, t] : options.inputTypes)
      if (!isParam(n))
        throw ScriptError("--input-type names '" + n + "', which is not an input of " + fn->name);
    auto inputElementType = [&](const std::string &name) -> Type {
      auto it = options.inputTypes.find(name);
      if (it == options.inputTypes.end() || it->second == "f32")
        return b.getF32Type();
      static const std::map<std::string, int> codes = {
          {"u8", 0}, {"i8", 1}, {"i16", 2}, {"i32", 3}, {"i64", 4}, {"f16", 5},
          {"f64", 7}, {"bool", 11}, {"bf16", 15}};
      auto c = codes.find(it->second);
      if (c == codes.end())
        throw ScriptError("--input-type " + name + "=" + it->second +
                          ": unknown element type (f32, f16, bf16, f64, i8, i16, i32, i64, u8, bool)");
      return im.elementType(c->second);
    };
    for (size_t k = 1; k < fn->params.size(); ++k) {
      const Param &p = fn->params[k];
      std::string t = p.type ? p.type->str() : "Tensor";
      bool isTensor = t == "Tensor" || t == "Optional[Tensor]";
      if (!isTensor) {
        if (p.deflt)
          continue;
        fail(fn->loc, "input '" + p.name + "' of " + fn->name + " has type " + t +
                          " and no default: only tensor inputs can be graph inputs");
      }
      auto s = options.inputShapes.find(p.name);
      if (s == options.inputShapes.end() && p.deflt)
        continue; // an optional tensor input (mask=None): its default
      if (s == options.inputShapes.end())
        fail(fn->loc, "input '" + p.name + "' of " + fn->name +
                          " has no shape in the archive: give it with --input-shape " + p.name +
                          "=D0xD1x...");
      used.insert(p.name);
      argTypes.push_back(RankedTensorType::get(s->second, inputElementType(p.name)));
      argAttrs.push_back(b.getDictionaryAttr({b.getNamedAttr("kiln.name", b.getStringAttr(p.name))}));
      argParam.push_back(k);
    }
    auto func = b.create<func::FuncOp>(FileLineColLoc::get(&ctx, *fn->loc.file, fn->loc.line, 0),
                                       options.functionName, b.getFunctionType(argTypes, {}));
    func.setAllArgAttrs(argAttrs);
    im.entry = func.addEntryBlock();
    b.setInsertionPointToStart(im.entry);
    ValVec args{root};
    {
      size_t a = 0;
      for (size_t k = 1; k < fn->params.size(); ++k) {
        if (a < argParam.size() && argParam[a] == k) {
          args.push_back(Val::tensor(im.entry->getArgument(a)));
          ++a;
        } else {
          Frame empty;
          args.push_back(im.eval(*fn->params[k].deflt, empty));
        }
      }
    }
    // Forward pre-hooks and hooks run around forward, as Module.__call__ does.
    if (options.method == "forward")
      for (auto &h : cls->forwardPreHooks) {
        const FuncDef *hook = cls->method(h);
        if (!hook)
          fail(cls->loc, "forward pre-hook " + h + " is not a method of " + cls->qualName);
        ValVec in(args.begin() + 1, args.end());
        Val r = im.callFunction(*hook, {root, Val::tuple(in)}, {}, hook->loc);
        if (r.k == Val::K::Tuple && r.items->size() == in.size())
          for (size_t k = 0; k < in.size(); ++k)
            args[1 + k] = (*r.items)[k];
        else if (r.k != Val::K::None)
          args.resize(2), args[1] = r;
      }
    ValVec hookInputs(args.begin() + 1, args.end());
    Val result = im.callFunction(*fn, args, {}, fn->loc);
    if (options.method == "forward")
      for (auto &h : cls->forwardHooks) {
        const FuncDef *hook = cls->method(h);
        if (!hook)
          fail(cls->loc, "forward hook " + h + " is not a method of " + cls->qualName);
        Val r = im.callFunction(*hook, {root, Val::tuple(hookInputs), result}, {}, hook->loc);
        if (r.k != Val::K::None)
          result = r;
      }
    im.cur = fn->loc;
    im.currentOp = "return";
    // Results: tensors, and compile-time numbers as constant tensors.
    std::vector<Value> results;
    std::function<void(const Val &)> flatten = [&](const Val &v) {
      if (v.k == Val::K::Tuple || v.k == Val::K::List) {
        for (auto &x : *v.items)
          flatten(x);
      } else if (v.k == Val::K::Tensor) {
        results.push_back(im.tensor(v));
      } else if (v.k == Val::K::Int) {
        results.push_back(im.scalarConst(b.getI64Type(), (double)v.i));
      } else if (v.k == Val::K::Float) {
        results.push_back(im.scalarConst(b.getF32Type(), v.f));
      } else if (v.k == Val::K::Bool) {
        results.push_back(im.scalarConst(b.getI1Type(), (double)v.i));
      } else {
        fail(fn->loc, fn->name + " returns " + v.kindName() + ", which cannot be a graph output");
      }
    };
    flatten(result);
    if (results.empty())
      fail(fn->loc, fn->name + " returns no tensor");
    SmallVector<Attribute> resultAttrs;
    for (size_t k = 0; k < results.size(); ++k)
      resultAttrs.push_back(b.getDictionaryAttr({b.getNamedAttr(
          "kiln.name", b.getStringAttr(results.size() == 1 ? std::string("output")
                                                            : "output_" + std::to_string(k)))}));
    b.setInsertionPointToEnd(im.entry);
    b.create<func::ReturnOp>(UnknownLoc::get(&ctx), results);
    func.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
    func.setAllResultAttrs(resultAttrs);
    im.diag.clear();
    if (failed(verify(module)))
      throw ScriptError("the imported graph does not verify: " + im.diag);
  } catch (...) {
    module->erase();
    throw;
  }
  return module;
}

} // namespace kiln::torch::script
