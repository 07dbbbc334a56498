//===- AtenOps.cpp - aten and prim ops of TorchScript to kiln IR ----------===//
//
// Calls in serialized TorchScript carry no overload names and omit trailing
// arguments equal to their schema default. Each handler below binds its
// arguments against the op's schema (names and defaults as in PyTorch's
// native_functions.yaml), chooses the overload from the argument kinds
// (tensor, int, float, str, list) and either computes a compile-time value
// or emits kiln ops.
//
//===----------------------------------------------------------------------===//
#include "ScriptEvalImpl.h"

#include "kiln/ir/KilnDialect.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

using namespace mlir;

namespace kiln::torch::script {
namespace {

// --- schemas ------------------------------------------------------------------

struct Schema {
  std::vector<std::string> names;
  std::vector<std::optional<Val>> defaults;
};

Val parseDefault(const std::string &s) {
  if (s == "None")
    return Val::none();
  if (s == "True" || s == "False")
    return Val::boolean(s == "True");
  if (s.size() >= 2 && s.front() == '"')
    return Val::str(s.substr(1, s.size() - 2));
  if (s.size() >= 2 && s.front() == '[') {
    ValVec xs;
    std::string body = s.substr(1, s.size() - 2);
    size_t p = 0;
    while (p < body.size()) {
      size_t c = body.find(';', p);
      std::string item = body.substr(p, c == std::string::npos ? std::string::npos : c - p);
      if (!item.empty())
        xs.push_back(parseDefault(item));
      if (c == std::string::npos)
        break;
      p = c + 1;
    }
    return Val::list(std::move(xs));
  }
  if (s.find_first_of(".e") != std::string::npos && s != "inf")
    return Val::real(std::stod(s));
  return Val::integer(std::stoll(s));
}

/// "input, weight, bias=None, stride=[1;1]" (list items separated by ';').
const Schema &schema(const char *text) {
  static std::unordered_map<const char *, Schema> cache;
  auto it = cache.find(text);
  if (it != cache.end())
    return it->second;
  Schema s;
  std::string t(text);
  size_t p = 0;
  while (p < t.size()) {
    size_t c = t.find(',', p);
    std::string item = t.substr(p, c == std::string::npos ? std::string::npos : c - p);
    while (!item.empty() && item.front() == ' ')
      item.erase(item.begin());
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      s.names.push_back(item);
      s.defaults.push_back(std::nullopt);
    } else {
      s.names.push_back(item.substr(0, eq));
      s.defaults.push_back(parseDefault(item.substr(eq + 1)));
    }
    if (c == std::string::npos)
      break;
    p = c + 1;
  }
  return cache.emplace(text, std::move(s)).first->second;
}

struct Args {
  Impl &im;
  std::string op;
  ValVec v;
  const Schema *s = nullptr;

  const Val &operator[](size_t i) const { return v[i]; }
  bool none(size_t i) const { return v[i].k == Val::K::None; }
  int64_t i(size_t k) const {
    auto n = im.asNumber(v[k]);
    if (!n || n->k == Val::K::Float)
      im.error(op + ": argument '" + s->names[k] + "' must be an int, got " + v[k].kindName());
    return n->i;
  }
  double f(size_t k) const {
    auto n = im.asNumber(v[k]);
    if (!n)
      im.error(op + ": argument '" + s->names[k] + "' must be a number, got " + v[k].kindName());
    return n->num();
  }
  bool b(size_t k) const {
    auto n = im.asNumber(v[k]);
    if (!n)
      im.error(op + ": argument '" + s->names[k] + "' must be a bool, got " + v[k].kindName());
    return n->num() != 0;
  }
  const std::string &str(size_t k) const {
    if (v[k].k != Val::K::Str)
      im.error(op + ": argument '" + s->names[k] + "' must be a str, got " + v[k].kindName());
    return v[k].s;
  }
  std::vector<int64_t> ints(size_t k) const {
    const Val &x = v[k];
    if (auto n = im.asNumber(x); n && n->k != Val::K::Float)
      return {n->i};
    if (x.k != Val::K::List && x.k != Val::K::Tuple)
      im.error(op + ": argument '" + s->names[k] + "' must be a list of ints, got " + x.kindName());
    std::vector<int64_t> r;
    for (auto &e : *x.items) {
      auto n = im.asNumber(e);
      if (!n || n->k == Val::K::Float)
        im.error(op + ": argument '" + s->names[k] + "' must be a list of ints, found " + e.kindName());
      r.push_back(n->i);
    }
    return r;
  }
  Value t(size_t k) const { return im.tensor(v[k], ("argument '" + s->names[k] + "'").c_str()); }
  bool isT(size_t k) const { return v[k].k == Val::K::Tensor; }
};

Args bind(Impl &im, const std::string &op, const char *text, const ValVec &pos, const KwArgs &kw) {
  const Schema &s = schema(text);
  Args a{im, op, {}, &s};
  if (pos.size() > s.names.size())
    im.error(op + " takes at most " + std::to_string(s.names.size()) + " arguments, " +
             std::to_string(pos.size()) + " given");
  a.v.resize(s.names.size());
  std::vector<bool> set(s.names.size(), false);
  for (size_t k = 0; k < pos.size(); ++k)
    a.v[k] = pos[k], set[k] = true;
  for (auto &[n, val] : kw) {
    auto it = std::find(s.names.begin(), s.names.end(), n);
    if (it == s.names.end())
      im.error(op + " has no argument '" + n + "'");
    a.v[it - s.names.begin()] = val;
    set[it - s.names.begin()] = true;
  }
  for (size_t k = 0; k < s.names.size(); ++k)
    if (!set[k]) {
      if (!s.defaults[k])
        im.error(op + " is missing argument '" + s.names[k] + "'");
      a.v[k] = *s.defaults[k];
    }
  return a;
}

std::vector<int64_t> expandTo(std::vector<int64_t> v, size_t n) {
  if (v.size() == 1 && n > 1)
    v.assign(n, v[0]);
  return v;
}

NamedAttribute ia(Impl &im, const char *n, ArrayRef<int64_t> v) {
  return im.b.getNamedAttr(n, im.b.getDenseI64ArrayAttr(v));
}
NamedAttribute i1a(Impl &im, const char *n, int64_t v) {
  return im.b.getNamedAttr(n, im.b.getI64IntegerAttr(v));
}
NamedAttribute fa(Impl &im, const char *n, double v) {
  return im.b.getNamedAttr(n, im.b.getF32FloatAttr((float)v));
}
NamedAttribute ba(Impl &im, const char *n, bool v) {
  return im.b.getNamedAttr(n, im.b.getBoolAttr(v));
}

Val T(Value v) { return Val::tensor(v); }

/// Compile-time arithmetic on numbers (int and float, Python semantics).
Val numeric(Impl &im, const std::string &op, const Val &a, const Val &c) {
  bool flt = a.k == Val::K::Float || c.k == Val::K::Float;
  Val r;
  auto ints = [&](int64_t x) { return Val::integer(x); };
  if (op == "add")
    r = flt ? Val::real(a.num() + c.num()) : ints(a.i + c.i);
  else if (op == "sub")
    r = flt ? Val::real(a.num() - c.num()) : ints(a.i - c.i);
  else if (op == "mul")
    r = flt ? Val::real(a.num() * c.num()) : ints(a.i * c.i);
  else if (op == "div") {
    if (c.num() == 0)
      im.error("division by zero in compile-time arithmetic");
    r = Val::real(a.num() / c.num());
  } else if (op == "floordiv") {
    if (c.num() == 0)
      im.error("division by zero in compile-time arithmetic");
    if (flt)
      r = Val::real(std::floor(a.num() / c.num()));
    else {
      int64_t q = a.i / c.i;
      if ((a.i % c.i != 0) && ((a.i < 0) != (c.i < 0)))
        --q;
      r = ints(q);
    }
  } else if (op == "remainder") {
    if (c.num() == 0)
      im.error("modulo by zero in compile-time arithmetic");
    if (flt) {
      double m = std::fmod(a.num(), c.num());
      if (m != 0 && ((m < 0) != (c.num() < 0)))
        m += c.num();
      r = Val::real(m);
    } else {
      int64_t m = a.i % c.i;
      if (m != 0 && ((m < 0) != (c.i < 0)))
        m += c.i;
      r = ints(m);
    }
  } else if (op == "pow")
    r = flt || c.i < 0 ? Val::real(std::pow(a.num(), c.num())) : ints((int64_t)std::llround(std::pow(a.num(), c.num())));
  else if (op == "min")
    r = flt ? Val::real(std::min(a.num(), c.num())) : ints(std::min(a.i, c.i));
  else if (op == "max")
    r = flt ? Val::real(std::max(a.num(), c.num())) : ints(std::max(a.i, c.i));
  else
    im.error("unsupported compile-time arithmetic " + op);
  r.fromNumToTensor = a.fromNumToTensor || c.fromNumToTensor;
  return r;
}

std::optional<bool> compare(Impl &im, const std::string &op, const Val &a, const Val &c) {
  auto na = im.asNumber(a), nc = im.asNumber(c);
  if (na && nc) {
    double x = na->num(), y = nc->num();
    if (op == "eq") return x == y;
    if (op == "ne") return x != y;
    if (op == "lt") return x < y;
    if (op == "gt") return x > y;
    if (op == "le") return x <= y;
    if (op == "ge") return x >= y;
  }
  if (a.k == Val::K::Str && c.k == Val::K::Str) {
    int r = a.s.compare(c.s);
    if (op == "eq") return r == 0;
    if (op == "ne") return r != 0;
    if (op == "lt") return r < 0;
    if (op == "gt") return r > 0;
    if (op == "le") return r <= 0;
    if (op == "ge") return r >= 0;
  }
  if ((op == "eq" || op == "ne") && !im.isTensor(a) && !im.isTensor(c)) {
    bool same = im.sameValue(a, c);
    return op == "eq" ? same : !same;
  }
  return std::nullopt;
}

bool isTensorArg(Impl &im, const Val &v) {
  // Archive scalars and NumToTensor values compute at compile time when
  // every operand is known; IR values never do.
  return v.k == Val::K::Tensor && (v.t || !im.asNumber(v));
}

Value reshapeTo(Impl &im, Value x, ArrayRef<int64_t> shape) {
  bool zero = std::find(shape.begin(), shape.end(), 0) != shape.end();
  return im.op1(ReshapeOp::getOperationName(), {x, im.constI64(shape)},
                {ba(im, "allowzero", zero)});
}

Value fullLike(Impl &im, ArrayRef<int64_t> shape, Type elt, double value) {
  auto type = RankedTensorType::get(shape, elt);
  Attribute a;
  if (isa<FloatType>(elt))
    a = DenseElementsAttr::get(type, FloatAttr::get(elt, value));
  else if (elt.isInteger(1))
    a = DenseElementsAttr::get(type, value != 0);
  else
    a = DenseElementsAttr::get(type, IntegerAttr::get(elt, (int64_t)value));
  return im.constant(type, a);
}

Type dtypeArg(Impl &im, const Val &v, Type dflt) {
  if (v.k == Val::K::None)
    return dflt;
  auto n = im.asNumber(v);
  if (!n || n->k == Val::K::Float)
    im.error(im.currentOp + ": dtype must be an int (ScalarType), got " + v.kindName());
  Type t = im.elementType((int)n->i);
  if (!t)
    im.error(im.currentOp + ": dtype " + std::to_string(n->i) + " is not supported by kiln");
  return t;
}

using Handler = std::function<Val(Impl &, const std::string &, const ValVec &, const KwArgs &)>;

Val reduce(Impl &im, StringRef opName, const Args &a, size_t dimIdx, size_t keepIdx, size_t dtypeIdx) {
  Value x = a.t(0);
  if (dtypeIdx != (size_t)-1 && !a.none(dtypeIdx))
    x = im.cast(x, dtypeArg(im, a[dtypeIdx], {}));
  int64_t r = im.rank(x);
  SmallVector<NamedAttribute> attrs{ba(im, "keepdims", keepIdx != (size_t)-1 && a.b(keepIdx))};
  if (dimIdx != (size_t)-1 && !a.none(dimIdx)) {
    std::vector<int64_t> dims = a.ints(dimIdx);
    if (!dims.empty()) {
      for (auto &d : dims)
        d = im.normDim(d, r);
      attrs.push_back(ia(im, "axes", dims));
    }
  }
  return T(im.op1(opName, {x}, attrs));
}

const std::unordered_map<std::string, Handler> &atenTable() {
  static const std::unordered_map<std::string, Handler> table = [] {
    std::unordered_map<std::string, Handler> t;

    // --- elementwise unary --------------------------------------------------
    auto unary = [&](const char *name, StringRef opName) {
      t[name] = [opName, name](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
        if (p.size() == 1 && kw.empty() && !isTensorArg(im, p[0])) {
          auto n = im.asNumber(p[0]);
          if (n) {
            std::string s = name;
            double x = n->num();
            if (s == "neg")
              return n->k == Val::K::Float ? Val::real(-x) : Val::integer(-n->i);
            if (s == "sqrt")
              return Val::real(std::sqrt(x));
            if (s == "exp")
              return Val::real(std::exp(x));
            if (s == "log")
              return Val::real(std::log(x));
            if (s == "abs")
              return n->k == Val::K::Float ? Val::real(std::fabs(x)) : Val::integer(std::llabs(n->i));
            if (s == "floor")
              return Val::integer((int64_t)std::floor(x));
            if (s == "ceil")
              return Val::integer((int64_t)std::ceil(x));
          }
        }
        Args a = bind(im, op, "input", p, kw);
        Value x = a.t(0);
        Type elt = im.rankedType(x).getElementType();
        if (!isa<FloatType>(elt) && opName != ReluOp::getOperationName() &&
            opName != NegOp::getOperationName() && opName != AbsOp::getOperationName())
          x = im.cast(x, im.b.getF32Type());
        return T(im.op1(opName, {x}));
      };
    };
    unary("relu", ReluOp::getOperationName());
    unary("sigmoid", SigmoidOp::getOperationName());
    unary("tanh", TanhOp::getOperationName());
    unary("exp", ExpOp::getOperationName());
    unary("log", LogOp::getOperationName());
    unary("sqrt", SqrtOp::getOperationName());
    unary("neg", NegOp::getOperationName());
    unary("abs", AbsOp::getOperationName());
    unary("erf", ErfOp::getOperationName());
    unary("sin", SinOp::getOperationName());
    unary("cos", CosOp::getOperationName());
    unary("floor", FloorOp::getOperationName());
    unary("ceil", CeilOp::getOperationName());
    unary("reciprocal", ReciprocalOp::getOperationName());
    unary("silu", SiluOp::getOperationName());
    unary("mish", MishOp::getOperationName());
    unary("hardswish", HardSwishOp::getOperationName());
    t["rsqrt"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input", p, kw);
      return T(im.op1(ReciprocalOp::getOperationName(), {im.op1(SqrtOp::getOperationName(), {a.t(0)})}));
    };
    t["hardsigmoid"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input", p, kw);
      return T(im.op1(HardSigmoidOp::getOperationName(), {a.t(0)},
                      {fa(im, "alpha", 1.0 / 6.0), fa(im, "beta", 0.5)}));
    };
    t["gelu"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, approximate=\"none\"", p, kw);
      return T(im.op1(GeluOp::getOperationName(), {a.t(0)},
                      {im.b.getNamedAttr("approximate", im.b.getStringAttr(a.str(1)))}));
    };
    t["leaky_relu"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, negative_slope=0.01", p, kw);
      return T(im.op1(LeakyReluOp::getOperationName(), {a.t(0)}, {fa(im, "alpha", a.f(1))}));
    };
    t["elu"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, alpha=1, scale=1, input_scale=1", p, kw);
      if (a.f(2) != 1 || a.f(3) != 1)
        im.error(op + " with scale or input_scale other than 1 is not supported");
      return T(im.op1(EluOp::getOperationName(), {a.t(0)}, {fa(im, "alpha", a.f(1))}));
    };
    t["softplus"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, beta=1, threshold=20", p, kw);
      if (a.f(1) != 1)
        im.error(op + " with beta other than 1 is not supported");
      return T(im.op1(SoftplusOp::getOperationName(), {a.t(0)}));
    };
    t["hardtanh"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, min_val=-1., max_val=1.", p, kw);
      return T(im.op1(ClipOp::getOperationName(), {a.t(0)},
                      {im.b.getNamedAttr("min", im.b.getF64FloatAttr(a.f(1))),
                       im.b.getNamedAttr("max", im.b.getF64FloatAttr(a.f(2)))}));
    };
    t["relu6"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input", p, kw);
      return T(im.op1(ClipOp::getOperationName(), {a.t(0)},
                      {im.b.getNamedAttr("min", im.b.getF64FloatAttr(0)),
                       im.b.getNamedAttr("max", im.b.getF64FloatAttr(6))}));
    };
    t["clamp"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, min=None, max=None", p, kw);
      SmallVector<NamedAttribute> attrs;
      if (!a.none(1))
        attrs.push_back(im.b.getNamedAttr("min", im.b.getF64FloatAttr(a.f(1))));
      if (!a.none(2))
        attrs.push_back(im.b.getNamedAttr("max", im.b.getF64FloatAttr(a.f(2))));
      return T(im.op1(ClipOp::getOperationName(), {a.t(0)}, attrs));
    };
    t["softmax"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, dim, dtype=None", p, kw);
      Value x = a.t(0);
      if (!a.none(2))
        x = im.cast(x, dtypeArg(im, a[2], {}));
      return T(im.op1(SoftmaxOp::getOperationName(), {x}, {i1a(im, "axis", im.normDim(a.i(1), im.rank(x)))}));
    };
    t["log_softmax"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, dim, dtype=None", p, kw);
      Value x = a.t(0);
      if (!a.none(2))
        x = im.cast(x, dtypeArg(im, a[2], {}));
      return T(im.op1(LogSoftmaxOp::getOperationName(), {x}, {i1a(im, "axis", im.normDim(a.i(1), im.rank(x)))}));
    };
    auto identity = [](const char *sch) {
      return [sch](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
        Args a = bind(im, op, sch, p, kw);
        a.t(0);
        return a[0];
      };
    };
    // Inference: dropout is the identity (whatever `train` says: a frozen
    // graph is an inference graph).
    t["dropout"] = identity("input, p, train");
    t["feature_dropout"] = identity("input, p, train");
    t["alpha_dropout"] = identity("input, p, train");
    t["contiguous"] = identity("input, memory_format=0");
    t["clone"] = identity("input, memory_format=None");
    t["detach"] = identity("input");

    // --- binary arithmetic --------------------------------------------------
    auto arith = [&](const char *name, StringRef opName) {
      t[name] = [opName, name](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
        std::string n = name;
        bool hasAlpha = n == "add" || n == "sub" || n == "rsub";
        Args a = bind(im, op, hasAlpha ? "self, other, alpha=1" : n == "div" ? "self, other, rounding_mode=None" : "self, other", p, kw);
        Val x = a[0], y = a[1];
        if (n == "rsub")
          std::swap(x, y);
        // str and list overloads
        if (n == "add" && x.k == Val::K::Str && y.k == Val::K::Str)
          return Val::str(x.s + y.s);
        if (n == "add" && x.k == Val::K::List && y.k == Val::K::List) {
          ValVec xs = *x.items;
          xs.insert(xs.end(), y.items->begin(), y.items->end());
          return Val::list(std::move(xs));
        }
        if (n == "mul" && x.k == Val::K::List && y.k == Val::K::Int) {
          ValVec xs;
          for (int64_t k = 0; k < y.i; ++k)
            xs.insert(xs.end(), x.items->begin(), x.items->end());
          return Val::list(std::move(xs));
        }
        if (hasAlpha && !a.none(2) && a.f(2) != 1) {
          if (isTensorArg(im, y))
            y = T(im.binary(MulOp::getOperationName(), y, a[2]));
          else
            y = numeric(im, "mul", *im.asNumber(y), *im.asNumber(a[2]));
        }
        if (!isTensorArg(im, x) && !isTensorArg(im, y)) {
          auto nx = im.asNumber(x), ny = im.asNumber(y);
          if (!nx || !ny)
            im.error(op + " of " + x.kindName() + " and " + y.kindName() + " is not supported");
          std::string which = n == "rsub" ? "sub" : n;
          if (n == "div" && !a.none(2)) {
            const std::string &mode = a.str(2);
            Val q = numeric(im, "div", *nx, *ny);
            double v = mode == "trunc" ? std::trunc(q.f) : std::floor(q.f);
            Val r = (nx->k == Val::K::Float || ny->k == Val::K::Float) ? Val::real(v) : Val::integer((int64_t)v);
            r.fromNumToTensor = q.fromNumToTensor;
            return r;
          }
          if (n == "div" && im.formatVersion < 4 && nx->k == Val::K::Int && ny->k == Val::K::Int &&
              (nx->fromNumToTensor || ny->fromNumToTensor)) {
            if (ny->i == 0)
              im.error("division by zero in compile-time arithmetic");
            Val r = Val::integer(nx->i / ny->i);
            r.fromNumToTensor = true;
            return r;
          }
          return numeric(im, which, *nx, *ny);
        }
        if (n == "div") {
          // True division: integer tensors divide as float (file format >= 4).
          auto [l, r] = im.promote(x, y);
          Type elt = im.rankedType(l).getElementType();
          std::string mode = a.none(2) ? "" : a.str(2);
          if (!isa<FloatType>(elt) && mode.empty() && im.formatVersion >= 4) {
            l = im.cast(l, im.b.getF32Type());
            r = im.cast(r, im.b.getF32Type());
          }
          Value q = im.op1(DivOp::getOperationName(), {l, r});
          if (mode == "floor" && isa<FloatType>(elt))
            q = im.op1(FloorOp::getOperationName(), {q});
          else if (mode == "floor")
            im.error(op + " with rounding_mode='floor' on integer tensors is not supported");
          else if (mode == "trunc" && isa<FloatType>(elt))
            im.error(op + " with rounding_mode='trunc' on float tensors is not supported");
          return T(q);
        }
        return T(im.binary(opName, x, y));
      };
    };
    arith("add", AddOp::getOperationName());
    arith("sub", SubOp::getOperationName());
    arith("rsub", SubOp::getOperationName());
    arith("mul", MulOp::getOperationName());
    arith("div", DivOp::getOperationName());
    arith("pow", PowOp::getOperationName());
    arith("true_divide", DivOp::getOperationName());
    arith("floordiv", DivOp::getOperationName());
    t["floordiv"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      auto x = im.asNumber(a[0]), y = im.asNumber(a[1]);
      if (!x || !y || a[0].t || a[1].t)
        im.error(op + " on tensors is not supported");
      return numeric(im, "floordiv", *x, *y);
    };
    t["remainder"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      if (isTensorArg(im, a[0]) || isTensorArg(im, a[1]))
        return T(im.binary(ModOp::getOperationName(), a[0], a[1]));
      auto x = im.asNumber(a[0]), y = im.asNumber(a[1]);
      if (!x || !y)
        im.error(op + " of " + a[0].kindName() + " and " + a[1].kindName());
      return numeric(im, "remainder", *x, *y);
    };
    auto cmp = [&](const char *name, StringRef opName, bool negate) {
      t[name] = [opName, name, negate](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
        Args a = bind(im, op, "self, other", p, kw);
        if (!isTensorArg(im, a[0]) && !isTensorArg(im, a[1])) {
          auto r = compare(im, name, a[0], a[1]);
          if (!r)
            im.error(op + " of " + a[0].kindName() + " and " + a[1].kindName() + " is not supported");
          return Val::boolean(*r);
        }
        Value v = im.binary(opName, a[0], a[1]);
        if (negate)
          v = im.op1(NotOp::getOperationName(), {v});
        return T(v);
      };
    };
    cmp("eq", EqualOp::getOperationName(), false);
    cmp("ne", EqualOp::getOperationName(), true);
    cmp("lt", LessOp::getOperationName(), false);
    cmp("le", LessOrEqualOp::getOperationName(), false);
    cmp("gt", GreaterOp::getOperationName(), false);
    cmp("ge", GreaterOrEqualOp::getOperationName(), false);
    t["maximum"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      return T(im.binary(MaxOp::getOperationName(), a[0], a[1]));
    };
    t["minimum"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      return T(im.binary(MinOp::getOperationName(), a[0], a[1]));
    };
    t["logical_or"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      return T(im.op1(OrOp::getOperationName(), {im.cast(a.t(0), im.b.getI1Type()), im.cast(a.t(1), im.b.getI1Type())}));
    };
    t["logical_and"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      return T(im.op1(AndOp::getOperationName(), {im.cast(a.t(0), im.b.getI1Type()), im.cast(a.t(1), im.b.getI1Type())}));
    };
    t["logical_not"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      return T(im.op1(NotOp::getOperationName(), {im.cast(a.t(0), im.b.getI1Type())}));
    };
    t["where"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "condition, self, other", p, kw);
      Value c = im.cast(a.t(0), im.b.getI1Type());
      auto [x, y] = im.promote(a[1], a[2]);
      return T(im.op1(WhereOp::getOperationName(), {c, x, y}));
    };
    t["masked_fill"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, mask, value", p, kw);
      Value x = a.t(0);
      Value m = im.cast(a.t(1), im.b.getI1Type());
      Type elt = im.rankedType(x).getElementType();
      Value v = a.isT(2) ? im.cast(a.t(2), elt) : im.scalarConst(elt, a.f(2));
      return T(im.op1(WhereOp::getOperationName(), {m, v, x}));
    };

    // --- matrix products ------------------------------------------------------
    t["linear"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, weight, bias=None", p, kw);
      SmallVector<Value> ops{a.t(0), a.t(1)};
      if (!a.none(2))
        ops.push_back(a.t(2));
      return T(im.op1(LinearOp::getOperationName(), ops));
    };
    auto matmul = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      auto [x, y] = im.promote(a[0], a[1]);
      return T(im.op1(MatMulOp::getOperationName(), {x, y}));
    };
    t["matmul"] = matmul;
    t["bmm"] = matmul;
    t["mm"] = matmul;
    t["addmm"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, mat1, mat2, beta=1, alpha=1", p, kw);
      return T(im.op1(GemmOp::getOperationName(), {a.t(1), a.t(2), a.t(0)},
                      {fa(im, "alpha", a.f(4)), fa(im, "beta", a.f(3))}));
    };
    t["baddbmm"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, batch1, batch2, beta=1, alpha=1", p, kw);
      Value m = im.op1(MatMulOp::getOperationName(), {a.t(1), a.t(2)});
      if (a.f(4) != 1)
        m = im.binary(MulOp::getOperationName(), T(m), Val::real(a.f(4)));
      Val c = a[0];
      if (a.f(3) == 0)
        return T(m);
      if (a.f(3) != 1)
        c = T(im.binary(MulOp::getOperationName(), c, Val::real(a.f(3))));
      return T(im.binary(AddOp::getOperationName(), T(m), c));
    };

    // --- convolution, normalization, pooling ------------------------------
    auto conv = [](Impl &im, Value x, Value w, std::optional<Value> bias, std::vector<int64_t> stride,
                   std::vector<int64_t> padding, std::vector<int64_t> dilation, int64_t groups,
                   bool transposed, std::vector<int64_t> outputPadding, const std::string &autoPad) {
      size_t sp = std::max<int64_t>(im.rank(x) - 2, 1);
      stride = expandTo(stride, sp);
      dilation = expandTo(dilation, sp);
      SmallVector<NamedAttribute> attrs{ia(im, "strides", stride), ia(im, "dilations", dilation),
                                        i1a(im, "group", groups)};
      if (!autoPad.empty()) {
        attrs.push_back(im.b.getNamedAttr("auto_pad", im.b.getStringAttr(autoPad)));
      } else {
        padding = expandTo(padding, sp);
        std::vector<int64_t> pads = padding;
        pads.insert(pads.end(), padding.begin(), padding.end());
        attrs.push_back(ia(im, "pads", pads));
      }
      SmallVector<Value> ops{x, w};
      if (bias)
        ops.push_back(*bias);
      if (transposed) {
        attrs.push_back(ia(im, "output_padding", expandTo(outputPadding, sp)));
        return T(im.op1(ConvTransposeOp::getOperationName(), ops, attrs));
      }
      return T(im.op1(ConvOp::getOperationName(), ops, attrs));
    };
    t["_convolution"] = [conv](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op,
                    "input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, "
                    "benchmark=False, deterministic=False, cudnn_enabled=True, allow_tf32=True",
                    p, kw);
      std::optional<Value> bias;
      if (!a.none(2))
        bias = a.t(2);
      return conv(im, a.t(0), a.t(1), bias, a.ints(3), a.ints(4), a.ints(5), a.i(8), a.b(6), a.ints(7), "");
    };
    auto convN = [conv](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, weight, bias=None, stride=[1], padding=[0], dilation=[1], groups=1", p, kw);
      std::optional<Value> bias;
      if (!a.none(2))
        bias = a.t(2);
      std::string autoPad;
      std::vector<int64_t> pad{0};
      if (a[4].k == Val::K::Str) {
        if (a[4].s == "same")
          autoPad = "SAME_UPPER";
        else if (a[4].s != "valid")
          im.error(op + ": padding '" + a[4].s + "' is not supported");
      } else {
        pad = a.ints(4);
      }
      return conv(im, a.t(0), a.t(1), bias, a.ints(3), pad, a.ints(5), a.i(6), false, {0}, autoPad);
    };
    t["conv1d"] = convN;
    t["conv2d"] = convN;
    t["conv3d"] = convN;
    auto convT = [conv](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, weight, bias=None, stride=[1], padding=[0], output_padding=[0], groups=1, dilation=[1]", p, kw);
      std::optional<Value> bias;
      if (!a.none(2))
        bias = a.t(2);
      return conv(im, a.t(0), a.t(1), bias, a.ints(3), a.ints(4), a.ints(7), a.i(6), true, a.ints(5), "");
    };
    t["conv_transpose1d"] = convT;
    t["conv_transpose2d"] = convT;
    t["batch_norm"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled", p, kw);
      if (a.b(5))
        im.error(op + " in training mode is not supported (call .eval() before saving)");
      if (a.none(3) || a.none(4))
        im.error(op + " without running statistics is not supported");
      Value x = a.t(0), mean = a.t(3), var = a.t(4);
      Type elt = im.rankedType(mean).getElementType();
      int64_t c = im.rankedType(mean).getDimSize(0);
      Value w = a.none(1) ? fullLike(im, {c}, elt, 1.0) : a.t(1);
      Value bias = a.none(2) ? fullLike(im, {c}, elt, 0.0) : a.t(2);
      return T(im.op1(BatchNormOp::getOperationName(), {x, w, bias, mean, var}, {fa(im, "epsilon", a.f(7))}));
    };
    t["layer_norm"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True", p, kw);
      Value x = a.t(0);
      std::vector<int64_t> ns = a.ints(1);
      Type elt = im.rankedType(x).getElementType();
      Value w = a.none(2) ? fullLike(im, ns, elt, 1.0) : a.t(2);
      SmallVector<Value> ops{x, w};
      if (!a.none(3))
        ops.push_back(a.t(3));
      return T(im.op1(LayerNormOp::getOperationName(), ops,
                      {i1a(im, "axis", -(int64_t)ns.size()), fa(im, "epsilon", a.f(4))}));
    };
    auto pool = [](bool isMax) {
      return [isMax](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
        Args a = bind(im, op,
                      isMax ? "input, kernel_size, stride=[], padding=[0], dilation=[1], ceil_mode=False"
                            : "input, kernel_size, stride=[], padding=[0], ceil_mode=False, count_include_pad=True, divisor_override=None",
                      p, kw);
        Value x = a.t(0);
        size_t sp = std::max<int64_t>(im.rank(x) - 2, 1);
        std::vector<int64_t> k = expandTo(a.ints(1), sp);
        std::vector<int64_t> s = a.ints(2);
        s = s.empty() ? k : expandTo(s, sp);
        std::vector<int64_t> pad = expandTo(a.ints(3), sp);
        std::vector<int64_t> pads = pad;
        pads.insert(pads.end(), pad.begin(), pad.end());
        SmallVector<NamedAttribute> attrs{ia(im, "kernel_shape", k), ia(im, "strides", s), ia(im, "pads", pads)};
        if (isMax) {
          attrs.push_back(ia(im, "dilations", expandTo(a.ints(4), sp)));
          attrs.push_back(ba(im, "ceil_mode", a.b(5)));
          return T(im.op1(MaxPoolOp::getOperationName(), {x}, attrs));
        }
        if (!a.none(6))
          im.error(op + " with divisor_override is not supported");
        attrs.push_back(ba(im, "ceil_mode", a.b(4)));
        attrs.push_back(ba(im, "count_include_pad", a.b(5)));
        return T(im.op1(AveragePoolOp::getOperationName(), {x}, attrs));
      };
    };
    t["max_pool1d"] = pool(true);
    t["max_pool2d"] = pool(true);
    t["max_pool3d"] = pool(true);
    t["avg_pool1d"] = pool(false);
    t["avg_pool2d"] = pool(false);
    t["avg_pool3d"] = pool(false);
    auto adaptive = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, output_size", p, kw);
      Value x = a.t(0);
      int64_t r = im.rank(x);
      std::vector<int64_t> out = expandTo(a.ints(1), std::max<int64_t>(r - 2, 1));
      if (std::all_of(out.begin(), out.end(), [](int64_t v) { return v == 1; }))
        return T(im.op1(GlobalAveragePoolOp::getOperationName(), {x}));
      std::vector<int64_t> shape = im.staticShape(x);
      std::vector<int64_t> k;
      for (size_t d = 0; d < out.size(); ++d) {
        int64_t in = shape[r - out.size() + d];
        if (out[d] <= 0 || in % out[d] != 0)
          im.error(op + ": output size " + std::to_string(out[d]) + " does not divide input size " +
                   std::to_string(in) + " (only evenly dividing adaptive pooling is supported)");
        k.push_back(in / out[d]);
      }
      return T(im.op1(AveragePoolOp::getOperationName(), {x}, {ia(im, "kernel_shape", k), ia(im, "strides", k)}));
    };
    t["adaptive_avg_pool1d"] = adaptive;
    t["adaptive_avg_pool2d"] = adaptive;
    t["adaptive_avg_pool3d"] = adaptive;

    // --- fused transformer encoder layer (the fast path of
    //     nn.TransformerEncoderLayer in eval mode without autograd) -------
    t["_transformer_encoder_layer_fwd"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op,
                    "src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight, proj_bias, use_gelu, "
                    "norm_first, eps, norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2, ffn_weight_1, "
                    "ffn_bias_1, ffn_weight_2, ffn_bias_2, mask=None, mask_type=None",
                    p, kw);
      if (!a.none(18))
        im.error(op + " with an attention mask is not supported");
      Value src = a.t(0);
      std::vector<int64_t> shape = im.staticShape(src);
      if (shape.size() != 3)
        im.error(op + ": expected a 3-d (batch, sequence, embedding) input");
      int64_t B = shape[0], L = shape[1], E = a.i(1), H = a.i(2);
      if (H <= 0 || E % H != 0 || shape[2] != E)
        im.error(op + ": embed_dim " + std::to_string(E) + " and num_heads " + std::to_string(H) +
                 " do not fit the input");
      int64_t D = E / H;
      double eps = a.f(9);
      auto ln = [&](Value x, size_t w, size_t b) {
        return im.op1(LayerNormOp::getOperationName(), {x, a.t(w), a.t(b)},
                      {i1a(im, "axis", -1), fa(im, "epsilon", eps)});
      };
      auto linear = [&](Value x, size_t w, size_t b) {
        return im.op1(LinearOp::getOperationName(), {x, a.t(w), a.t(b)});
      };
      auto attention = [&](Value x) {
        Value qkv = linear(x, 3, 4); // [B, L, 3E]
        Operation *split = im.createOp(SplitOp::getOperationName(), {qkv},
                                       {i1a(im, "axis", 2), ia(im, "split", {E, E, E}), i1a(im, "num_outputs", 3)}, 3);
        auto heads = [&](Value v) { // [B, L, E] -> [B, H, L, D]
          Value r = reshapeTo(im, v, {B, L, H, D});
          return im.op1(TransposeOp::getOperationName(), {r}, {ia(im, "perm", {0, 2, 1, 3})});
        };
        Value q = heads(split->getResult(0)), k = heads(split->getResult(1)), v = heads(split->getResult(2));
        Value kt = im.op1(TransposeOp::getOperationName(), {k}, {ia(im, "perm", {0, 1, 3, 2})});
        Value scores = im.op1(MatMulOp::getOperationName(), {q, kt});
        Type elt = im.rankedType(scores).getElementType();
        scores = im.op1(MulOp::getOperationName(), {scores, im.scalarConst(elt, 1.0 / std::sqrt((double)D))});
        Value probs = im.op1(SoftmaxOp::getOperationName(), {scores}, {i1a(im, "axis", 3)});
        Value ctx = im.op1(MatMulOp::getOperationName(), {probs, v}); // [B, H, L, D]
        ctx = im.op1(TransposeOp::getOperationName(), {ctx}, {ia(im, "perm", {0, 2, 1, 3})});
        return linear(reshapeTo(im, ctx, {B, L, E}), 5, 6);
      };
      auto ffn = [&](Value x) {
        Value h = linear(x, 14, 15);
        h = a.b(7) ? im.op1(GeluOp::getOperationName(), {h}) : im.op1(ReluOp::getOperationName(), {h});
        return linear(h, 16, 17);
      };
      auto add = [&](Value x, Value y) { return im.op1(AddOp::getOperationName(), {x, y}); };
      Value x = src;
      if (a.b(8)) {
        x = add(x, attention(ln(x, 10, 11)));
        x = add(x, ffn(ln(x, 12, 13)));
      } else {
        x = ln(add(x, attention(x)), 10, 11);
        x = ln(add(x, ffn(x)), 12, 13);
      }
      return T(x);
    };

    // --- nn.MultiheadAttention's fast path (eval mode without autograd) -----------
    t["_native_multi_head_attention"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op,
                    "query, key, value, embed_dim, num_head, qkv_weight, qkv_bias, proj_weight, proj_bias, "
                    "mask=None, need_weights=True, average_attn_weights=True, mask_type=None",
                    p, kw);
      if (!a.none(9))
        im.error(op + " with an attention mask is not supported");
      Value q0 = a.t(0), k0 = a.t(1), v0 = a.t(2);
      std::vector<int64_t> qs = im.staticShape(q0), ks = im.staticShape(k0);
      if (qs.size() != 3 || ks.size() != 3)
        im.error(op + ": expected 3-d (batch, sequence, embedding) query, key and value");
      int64_t B = qs[0], L = qs[1], S = ks[1], E = a.i(3), H = a.i(4);
      if (H <= 0 || E % H != 0 || qs[2] != E)
        im.error(op + ": embed_dim " + std::to_string(E) + " and num_head " + std::to_string(H) +
                 " do not fit the input");
      int64_t D = E / H;
      Value w = a.t(5), bias = a.t(6);
      // Rows [k*E, (k+1)*E) of the packed projection: q, k, v.
      auto rows = [&](Value x, int64_t k) {
        return im.op1(SliceOp::getOperationName(),
                      {x, im.constI64({k * E}), im.constI64({(k + 1) * E}), im.constI64({0}), im.constI64({1})});
      };
      auto heads = [&](Value x, int64_t len) { // [B, len, E] -> [B, H, len, D]
        Value r = reshapeTo(im, x, {B, len, H, D});
        return im.op1(TransposeOp::getOperationName(), {r}, {ia(im, "perm", {0, 2, 1, 3})});
      };
      auto proj = [&](Value x, int64_t k) {
        return im.op1(LinearOp::getOperationName(), {x, rows(w, k), rows(bias, k)});
      };
      Value q = heads(proj(q0, 0), L), k = heads(proj(k0, 1), S), v = heads(proj(v0, 2), S);
      Value kt = im.op1(TransposeOp::getOperationName(), {k}, {ia(im, "perm", {0, 1, 3, 2})});
      Value scores = im.op1(MatMulOp::getOperationName(), {q, kt});
      Type elt = im.rankedType(scores).getElementType();
      scores = im.op1(MulOp::getOperationName(), {scores, im.scalarConst(elt, 1.0 / std::sqrt((double)D))});
      Value probs = im.op1(SoftmaxOp::getOperationName(), {scores}, {i1a(im, "axis", 3)}); // [B, H, L, S]
      Value ctx = im.op1(MatMulOp::getOperationName(), {probs, v});
      ctx = im.op1(TransposeOp::getOperationName(), {ctx}, {ia(im, "perm", {0, 2, 1, 3})});
      Value out = im.op1(LinearOp::getOperationName(), {reshapeTo(im, ctx, {B, L, E}), a.t(7), a.t(8)});
      Val weights = Val::none();
      if (a.b(10))
        weights = a.b(11) ? T(im.op1(ReduceMeanOp::getOperationName(), {probs},
                                     {ia(im, "axes", {1}), ba(im, "keepdims", false)}))
                          : T(probs);
      return Val::tuple({T(out), weights});
    };

    // --- reductions -------------------------------------------------------------
    t["mean"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim=None, keepdim=False, dtype=None", p, kw);
      if (a[1].k == Val::K::Int || a[1].k == Val::K::List || a[1].k == Val::K::Tuple || a.none(1))
        return reduce(im, ReduceMeanOp::getOperationName(), a, 1, 2, 3);
      im.error(op + ": unsupported dim argument " + a[1].kindName());
    };
    t["sum"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      if (p.size() == 1 && p[0].k == Val::K::List) { // sum(List[int])
        Val acc = Val::integer(0);
        for (auto &v : *p[0].items) {
          auto n = im.asNumber(v);
          if (!n)
            im.error(op + " of a list holding " + v.kindName());
          acc = numeric(im, "add", acc, *n);
        }
        return acc;
      }
      Args a = bind(im, op, "self, dim=None, keepdim=False, dtype=None", p, kw);
      return reduce(im, ReduceSumOp::getOperationName(), a, 1, 2, 3);
    };
    t["amax"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim=[], keepdim=False", p, kw);
      return reduce(im, ReduceMaxOp::getOperationName(), a, 1, 2, (size_t)-1);
    };
    t["amin"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim=[], keepdim=False", p, kw);
      return reduce(im, ReduceMinOp::getOperationName(), a, 1, 2, (size_t)-1);
    };

    // --- shapes and data movement ----------------------------------------------
    t["size"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim=None", p, kw);
      Value x = a.t(0);
      auto ty = im.rankedType(x);
      if (!a.none(1)) {
        int64_t d = im.normDim(a.i(1), ty.getRank());
        if (ty.isDynamicDim(d))
          im.error(op + ": dim " + std::to_string(d) +
                   " is dynamic; kiln evaluates shapes at compile time (give the input shapes with --input-shape)");
        return Val::integer(ty.getDimSize(d));
      }
      ValVec dims;
      for (int64_t d : im.staticShape(x))
        dims.push_back(Val::integer(d));
      return Val::list(std::move(dims));
    };
    t["dim"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      return Val::integer(im.rank(a.t(0)));
    };
    t["numel"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      int64_t n = 1;
      for (int64_t d : im.staticShape(a.t(0)))
        n *= d;
      return Val::integer(n);
    };
    t["is_floating_point"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      return Val::boolean(isa<FloatType>(im.rankedType(a.t(0)).getElementType()));
    };
    auto reshape = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, shape", p, kw);
      return T(reshapeTo(im, a.t(0), a.ints(1)));
    };
    t["view"] = reshape;
    t["reshape"] = reshape;
    t["flatten"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, start_dim=0, end_dim=-1", p, kw);
      Value x = a.t(0);
      int64_t r = im.rank(x);
      if (r == 0)
        return T(reshapeTo(im, x, {1}));
      int64_t s = im.normDim(a.i(1), r), e = im.normDim(a.i(2), r);
      if (s > e)
        im.error(op + ": start_dim comes after end_dim");
      if (s == e)
        return T(x);
      auto ty = im.rankedType(x);
      std::vector<int64_t> shape;
      for (int64_t d = 0; d < s; ++d)
        shape.push_back(ty.isDynamicDim(d) ? 0 : ty.getDimSize(d));
      shape.push_back(-1);
      for (int64_t d = e + 1; d < r; ++d) {
        if (ty.isDynamicDim(d))
          im.error(op + ": dim " + std::to_string(d) + " after the flattened range is dynamic");
        shape.push_back(ty.getDimSize(d));
      }
      return T(im.op1(ReshapeOp::getOperationName(), {x, im.constI64(shape)}, {ba(im, "allowzero", false)}));
    };
    t["permute"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dims", p, kw);
      Value x = a.t(0);
      std::vector<int64_t> perm = a.ints(1);
      for (auto &d : perm)
        d = im.normDim(d, im.rank(x));
      return T(im.op1(TransposeOp::getOperationName(), {x}, {ia(im, "perm", perm)}));
    };
    t["transpose"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim0, dim1", p, kw);
      Value x = a.t(0);
      int64_t r = im.rank(x);
      std::vector<int64_t> perm(r);
      for (int64_t k = 0; k < r; ++k)
        perm[k] = k;
      std::swap(perm[im.normDim(a.i(1), r)], perm[im.normDim(a.i(2), r)]);
      return T(im.op1(TransposeOp::getOperationName(), {x}, {ia(im, "perm", perm)}));
    };
    t["t"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      Value x = a.t(0);
      if (im.rank(x) < 2)
        return T(x);
      return T(im.op1(TransposeOp::getOperationName(), {x}, {ia(im, "perm", {1, 0})}));
    };
    t["unsqueeze"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim", p, kw);
      Value x = a.t(0);
      int64_t d = im.normDim(a.i(1), im.rank(x) + 1);
      return T(im.op1(UnsqueezeOp::getOperationName(), {x}, {ia(im, "axes", {d})}));
    };
    t["squeeze"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim=None", p, kw);
      Value x = a.t(0);
      if (a.none(1))
        return T(im.op1(SqueezeOp::getOperationName(), {x}));
      auto ty = im.rankedType(x);
      if (ty.getRank() == 0)
        return T(x);
      int64_t d = im.normDim(a.i(1), ty.getRank());
      if (ty.isDynamicDim(d))
        im.error(op + ": dim " + std::to_string(d) + " is dynamic");
      if (ty.getDimSize(d) != 1)
        return T(x);
      return T(im.op1(SqueezeOp::getOperationName(), {x}, {ia(im, "axes", {d})}));
    };
    auto splitInto = [](Impl &im, Value x, int64_t dim, std::vector<int64_t> sizes) {
      SmallVector<NamedAttribute> attrs{i1a(im, "axis", dim), ia(im, "split", sizes),
                                        i1a(im, "num_outputs", (int64_t)sizes.size())};
      Operation *o = im.createOp(SplitOp::getOperationName(), {x}, attrs, sizes.size());
      ValVec out;
      for (Value r : o->getResults())
        out.push_back(T(r));
      return Val::list(std::move(out));
    };
    t["chunk"] = [splitInto](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, chunks, dim=0", p, kw);
      Value x = a.t(0);
      int64_t d = im.normDim(a.i(2), im.rank(x));
      int64_t n = im.staticShape(x)[d], chunks = a.i(1);
      if (chunks <= 0)
        im.error(op + ": chunks must be positive");
      int64_t size = (n + chunks - 1) / chunks;
      std::vector<int64_t> sizes;
      for (int64_t left = n; left > 0; left -= size)
        sizes.push_back(std::min(size, left));
      if (sizes.empty())
        sizes.push_back(0);
      return splitInto(im, x, d, sizes);
    };
    t["split"] = [splitInto](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, split_size, dim=0", p, kw);
      if (a[0].k == Val::K::Str) { // str.split
        im.error(op + " on strings is not supported");
      }
      Value x = a.t(0);
      int64_t d = im.normDim(a.i(2), im.rank(x));
      int64_t n = im.staticShape(x)[d];
      std::vector<int64_t> sizes;
      if (a[1].k == Val::K::List || a[1].k == Val::K::Tuple)
        sizes = a.ints(1);
      else {
        int64_t size = a.i(1);
        if (size <= 0)
          im.error(op + ": split_size must be positive");
        for (int64_t left = n; left > 0; left -= size)
          sizes.push_back(std::min(size, left));
      }
      return splitInto(im, x, d, sizes);
    };
    t["cat"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "tensors, dim=0", p, kw);
      if (a[0].k != Val::K::List && a[0].k != Val::K::Tuple)
        im.error(op + ": expected a list of tensors");
      SmallVector<Value> xs;
      for (auto &v : *a[0].items)
        xs.push_back(im.tensor(v));
      if (xs.empty())
        im.error(op + " of an empty list");
      int64_t d = im.normDim(a.i(1), im.rank(xs[0]));
      return T(im.op1(ConcatOp::getOperationName(), xs, {i1a(im, "axis", d)}));
    };
    t["stack"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "tensors, dim=0", p, kw);
      if (a[0].k != Val::K::List && a[0].k != Val::K::Tuple)
        im.error(op + ": expected a list of tensors");
      SmallVector<Value> xs;
      for (auto &v : *a[0].items)
        xs.push_back(im.tensor(v));
      if (xs.empty())
        im.error(op + " of an empty list");
      int64_t d = im.normDim(a.i(1), im.rank(xs[0]) + 1);
      for (auto &x : xs)
        x = im.op1(UnsqueezeOp::getOperationName(), {x}, {ia(im, "axes", {d})});
      return T(im.op1(ConcatOp::getOperationName(), xs, {i1a(im, "axis", d)}));
    };
    t["expand"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, size, implicit=False", p, kw);
      std::vector<int64_t> s = a.ints(1);
      for (auto &d : s)
        if (d == -1)
          d = 1; // bidirectional broadcast keeps the input's size
      return T(im.op1(ExpandOp::getOperationName(), {a.t(0), im.constI64(s)}));
    };
    t["expand_as"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      return T(im.op1(ExpandOp::getOperationName(), {a.t(0), im.constI64(im.staticShape(a.t(1)))}));
    };
    t["repeat"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, repeats", p, kw);
      Value x = a.t(0);
      std::vector<int64_t> r = a.ints(1);
      int64_t rank = im.rank(x);
      if ((int64_t)r.size() < rank)
        im.error(op + ": fewer repeats than dims");
      if ((int64_t)r.size() > rank) {
        std::vector<int64_t> shape = im.staticShape(x);
        shape.insert(shape.begin(), r.size() - rank, 1);
        x = reshapeTo(im, x, shape);
      }
      return T(im.op1(TileOp::getOperationName(), {x, im.constI64(r)}));
    };
    t["select"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, dim, index", p, kw);
      Value x = a.t(0);
      int64_t d = im.normDim(a.i(1), im.rank(x));
      return T(im.op1(GatherOp::getOperationName(), {x, im.scalarConst(im.b.getI64Type(), (double)a.i(2))},
                      {i1a(im, "axis", d)}));
    };
    t["embedding"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False", p, kw);
      return T(im.op1(GatherOp::getOperationName(), {a.t(0), a.t(1)}, {i1a(im, "axis", 0)}));
    };
    t["slice"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      if (!p.empty() && (p[0].k == Val::K::List || p[0].k == Val::K::Str)) {
        Args a = bind(im, op, "l, start=None, end=None, step=1", p, kw);
        int64_t n = a[0].k == Val::K::Str ? (int64_t)a[0].s.size() : (int64_t)a[0].items->size();
        int64_t step = a.i(3);
        if (step != 1)
          im.error(op + " of a list with a step other than 1 is not supported");
        auto norm = [&](size_t k, int64_t d) {
          if (a.none(k))
            return d;
          int64_t v = a.i(k);
          v = v < 0 ? v + n : v;
          return std::clamp<int64_t>(v, 0, n);
        };
        int64_t lo = norm(1, 0), hi = norm(2, n);
        if (a[0].k == Val::K::Str)
          return Val::str(hi > lo ? a[0].s.substr(lo, hi - lo) : "");
        ValVec xs;
        for (int64_t k = lo; k < hi; ++k)
          xs.push_back((*a[0].items)[k]);
        return Val::list(std::move(xs));
      }
      Args a = bind(im, op, "self, dim=0, start=None, end=None, step=1", p, kw);
      Value x = a.t(0);
      int64_t d = im.normDim(a.i(1), im.rank(x));
      int64_t start = a.none(2) ? 0 : a.i(2);
      int64_t end = a.none(3) ? INT64_MAX : a.i(3);
      return T(im.op1(SliceOp::getOperationName(),
                      {x, im.constI64({start}), im.constI64({end}), im.constI64({d}), im.constI64({a.i(4)})}));
    };
    t["pad"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "input, pad, mode=\"constant\", value=None", p, kw);
      Value x = a.t(0);
      int64_t r = im.rank(x);
      std::vector<int64_t> pad = a.ints(1);
      if (pad.size() % 2 || (int64_t)pad.size() / 2 > r)
        im.error(op + ": pad list of length " + std::to_string(pad.size()) + " for rank " + std::to_string(r));
      std::vector<int64_t> pads(2 * r, 0);
      for (size_t k = 0; k < pad.size() / 2; ++k) {
        pads[r - 1 - k] = pad[2 * k];
        pads[2 * r - 1 - k] = pad[2 * k + 1];
      }
      std::string mode = a.str(2);
      if (mode == "replicate")
        mode = "edge";
      else if (mode == "circular")
        mode = "wrap";
      return T(im.op1(PadOp::getOperationName(), {x, im.constI64(pads)},
                      {im.b.getNamedAttr("mode", im.b.getStringAttr(mode)),
                       im.b.getNamedAttr("value", im.b.getF64FloatAttr(a.none(3) ? 0.0 : a.f(3)))}));
    };

    // --- creation and conversion -------------------------------------------------
    auto likeFill = [](double fill) {
      return [fill](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
        Args a = bind(im, op, "self, dtype=None, layout=None, device=None, pin_memory=None, memory_format=None", p, kw);
        Value x = a.t(0);
        Type elt = dtypeArg(im, a[1], im.rankedType(x).getElementType());
        auto ty = im.rankedType(x);
        if (ty.hasStaticShape())
          return T(fullLike(im, ty.getShape(), elt, fill));
        Value shape = im.op1(ShapeOp::getOperationName(), {x});
        auto one = RankedTensorType::get({1}, elt);
        Attribute v = isa<FloatType>(elt) ? DenseElementsAttr::get(one, FloatAttr::get(elt, fill))
                                          : DenseElementsAttr::get(one, IntegerAttr::get(elt, (int64_t)fill));
        return T(im.op1(ConstantOfShapeOp::getOperationName(), {shape}, {im.b.getNamedAttr("value", v)}));
      };
    };
    t["zeros_like"] = likeFill(0);
    t["ones_like"] = likeFill(1);
    auto fill = [](std::optional<double> fixed) {
      return [fixed](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
        Args a = bind(im, op,
                      fixed ? "size, dtype=None, layout=None, device=None, pin_memory=None"
                            : "size, fill_value, dtype=None, layout=None, device=None, pin_memory=None",
                      p, kw);
        size_t dt = fixed ? 1 : 2;
        Type dflt = im.b.getF32Type();
        double v = fixed ? *fixed : a.f(1);
        if (!fixed) {
          auto n = im.asNumber(a[1]);
          // full() infers its dtype from the fill value (file format >= 5).
          if (im.formatVersion >= 5 && n && n->k == Val::K::Int)
            dflt = im.b.getI64Type();
          else if (im.formatVersion >= 5 && n && n->k == Val::K::Bool)
            dflt = im.b.getI1Type();
        }
        return T(fullLike(im, a.ints(0), dtypeArg(im, a[dt], dflt), v));
      };
    };
    t["zeros"] = fill(0.0);
    t["ones"] = fill(1.0);
    t["full"] = fill(std::nullopt);
    t["tensor"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "data, dtype=None, device=None, requires_grad=False", p, kw);
      std::vector<int64_t> shape;
      std::vector<double> flat;
      bool anyFloat = false, allBool = true;
      std::function<void(const Val &, size_t)> walk = [&](const Val &v, size_t depth) {
        if (v.k == Val::K::List || v.k == Val::K::Tuple) {
          if (shape.size() <= depth)
            shape.push_back((int64_t)v.items->size());
          else if (shape[depth] != (int64_t)v.items->size())
            im.error(op + ": ragged nested list");
          for (auto &x : *v.items)
            walk(x, depth + 1);
          return;
        }
        auto n = im.asNumber(v);
        if (!n)
          im.error(op + ": list holds " + v.kindName());
        anyFloat |= n->k == Val::K::Float;
        allBool &= n->k == Val::K::Bool;
        flat.push_back(n->num());
      };
      walk(a[0], 0);
      Type elt = dtypeArg(im, a[1], anyFloat ? (Type)im.b.getF32Type()
                                             : allBool && !flat.empty() ? (Type)im.b.getI1Type()
                                                                        : (Type)im.b.getI64Type());
      auto type = RankedTensorType::get(shape, elt);
      ConstTensor c;
      c.shape.assign(shape.begin(), shape.end());
      c.elementType = elt;
      c.isFloat = isa<FloatType>(elt);
      for (double d : flat)
        c.isFloat ? c.f.push_back(d) : c.i.push_back((int64_t)d);
      return T(im.constant(type, makeConstant(type, c)));
    };
    t["linspace"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "start, end, steps=None, dtype=None, layout=None, device=None, pin_memory=None", p, kw);
      // Before file format 8, a missing steps meant 100.
      int64_t steps = a.none(2) ? (im.formatVersion < 8 ? 100 : (im.error(op + " is missing argument 'steps'"), 0))
                                : a.i(2);
      if (steps < 0 || steps > (1 << 24))
        im.error(op + ": steps " + std::to_string(steps) + " out of range");
      Type elt = dtypeArg(im, a[3], im.b.getF32Type());
      auto type = RankedTensorType::get({steps}, elt);
      ConstTensor c;
      c.shape = {steps};
      c.elementType = elt;
      c.isFloat = isa<FloatType>(elt);
      double s0 = a.f(0), s1 = a.f(1);
      for (int64_t k = 0; k < steps; ++k) {
        double v = steps == 1 ? s0 : s0 + (s1 - s0) * (double)k / (double)(steps - 1);
        c.isFloat ? c.f.push_back(v) : c.i.push_back((int64_t)v);
      }
      return T(im.constant(type, makeConstant(type, c)));
    };
    t["index"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, indices", p, kw);
      if (a[1].k != Val::K::List && a[1].k != Val::K::Tuple)
        im.error(op + ": expected a list of index tensors");
      Value x = a.t(0);
      const ValVec &idx = *a[1].items;
      // x[i0, i1, ...] with one index tensor and the leading dims None: a gather.
      int64_t axis = -1;
      for (size_t k = 0; k < idx.size(); ++k) {
        if (idx[k].k == Val::K::None)
          continue;
        if (axis >= 0)
          im.error(op + " with more than one index tensor is not supported");
        axis = (int64_t)k;
      }
      if (axis < 0)
        return T(x);
      Value i = im.tensor(idx[axis]);
      Type elt = im.rankedType(i).getElementType();
      if (elt.isInteger(1))
        im.error(op + " with a boolean mask is not supported");
      if (!elt.isInteger(32) && !elt.isInteger(64))
        i = im.cast(i, im.b.getI64Type());
      return T(im.op1(GatherOp::getOperationName(), {x, i}, {i1a(im, "axis", axis)}));
    };
    t["to"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      if (p.size() >= 2 && (p[1].k == Val::K::Device || p[1].k == Val::K::Str || p[1].k == Val::K::None)) {
        Args a = bind(im, op, "self, device, dtype=None, non_blocking=False, copy=False, memory_format=None", p, kw);
        Value x = a.t(0);
        return T(im.cast(x, dtypeArg(im, a[2], im.rankedType(x).getElementType())));
      }
      if (p.size() >= 2 && p[1].k == Val::K::Tensor && !im.asNumber(p[1])) {
        Args a = bind(im, op, "self, other, non_blocking=False, copy=False, memory_format=None", p, kw);
        return T(im.cast(a.t(0), im.rankedType(a.t(1)).getElementType()));
      }
      Args a = bind(im, op, "self, dtype=None, non_blocking=False, copy=False, memory_format=None", p, kw);
      Value x = a.t(0);
      return T(im.cast(x, dtypeArg(im, a[1], im.rankedType(x).getElementType())));
    };
    t["type_as"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      return T(im.cast(a.t(0), im.rankedType(a.t(1)).getElementType()));
    };
    t["device"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "type", p, kw);
      Val v;
      v.k = Val::K::Device;
      v.s = a.str(0);
      return v;
    };

    // --- TorchScript builtins on lists, strings, dicts, ints -----------------
    t["len"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      const Val &v = a[0];
      if (v.k == Val::K::List || v.k == Val::K::Tuple)
        return Val::integer((int64_t)v.items->size());
      if (v.k == Val::K::Dict)
        return Val::integer((int64_t)v.dict->size());
      if (v.k == Val::K::Str)
        return Val::integer((int64_t)v.s.size());
      if (v.k == Val::K::Tensor) {
        Value x = a.t(0);
        if (im.rank(x) == 0)
          im.error(op + " of a 0-d tensor");
        return Val::integer(im.staticShape(x)[0]);
      }
      im.error(op + " of " + v.kindName());
    };
    t["append"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, el", p, kw);
      if (a[0].k != Val::K::List)
        im.error(op + " on " + a[0].kindName());
      a[0].items->push_back(a[1]);
      return a[0];
    };
    t["__getitem__"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, idx", p, kw);
      return im.subscript(a[0], a[1], im.cur);
    };
    t["__contains__"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, key", p, kw);
      if (a[0].k == Val::K::List || a[0].k == Val::K::Tuple) {
        for (auto &x : *a[0].items)
          if (im.sameValue(x, a[1]))
            return Val::boolean(true);
        return Val::boolean(false);
      }
      if (a[0].k == Val::K::Dict) {
        for (auto &[k, v] : *a[0].dict)
          if (im.sameValue(k, a[1]))
            return Val::boolean(true);
        return Val::boolean(false);
      }
      if (a[0].k == Val::K::Str && a[1].k == Val::K::Str)
        return Val::boolean(a[0].s.find(a[1].s) != std::string::npos);
      im.error(op + " on " + a[0].kindName());
    };
    t["get"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, key, default_value=None", p, kw);
      if (a[0].k != Val::K::Dict)
        im.error(op + " on " + a[0].kindName());
      for (auto &[k, v] : *a[0].dict)
        if (im.sameValue(k, a[1]))
          return v;
      return a[2];
    };
    t["keys"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      if (a[0].k != Val::K::Dict)
        im.error(op + " on " + a[0].kindName());
      ValVec xs;
      for (auto &kv : *a[0].dict)
        xs.push_back(kv.first);
      return Val::list(std::move(xs));
    };
    t["values"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      if (a[0].k != Val::K::Dict)
        im.error(op + " on " + a[0].kindName());
      ValVec xs;
      for (auto &kv : *a[0].dict)
        xs.push_back(kv.second);
      return Val::list(std::move(xs));
    };
    t["format"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      if (p.empty() || p[0].k != Val::K::Str)
        im.error(op + " expects a format string");
      std::string out;
      const std::string &fmt = p[0].s;
      size_t next = 1;
      for (size_t k = 0; k < fmt.size(); ++k) {
        if (fmt.compare(k, 2, "{}") == 0) {
          out += next < p.size() ? im.toStr(p[next++]) : "{}";
          ++k;
        } else {
          out += fmt[k];
        }
      }
      return Val::str(out);
    };
    t["join"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, values", p, kw);
      if (a[1].k != Val::K::List)
        im.error(op + " expects a list of str");
      std::string out;
      for (size_t k = 0; k < a[1].items->size(); ++k) {
        const Val &s = (*a[1].items)[k];
        if (s.k != Val::K::Str)
          im.error(op + " expects a list of str");
        out += (k ? a.str(0) : "") + s.s;
      }
      return Val::str(out);
    };
    t["find"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, substr, start=0, end=-1", p, kw);
      size_t r = a.str(0).find(a.str(1), (size_t)std::max<int64_t>(0, a.i(2)));
      return Val::integer(r == std::string::npos ? -1 : (int64_t)r);
    };
    t["startswith"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, prefix, start=0, end=-1", p, kw);
      return Val::boolean(a.str(0).rfind(a.str(1), 0) == 0);
    };
    t["warn"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) { return Val::none(); };
    t["__is__"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, obj", p, kw);
      if (a[0].k == Val::K::None || a[1].k == Val::K::None)
        return Val::boolean(a[0].k == a[1].k);
      return Val::boolean(im.sameValue(a[0], a[1]));
    };
    t["__isnot__"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, obj", p, kw);
      if (a[0].k == Val::K::None || a[1].k == Val::K::None)
        return Val::boolean(a[0].k != a[1].k);
      return Val::boolean(!im.sameValue(a[0], a[1]));
    };
    t["__not__"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      if (isTensorArg(im, a[0]))
        return T(im.op1(NotOp::getOperationName(), {im.cast(a.t(0), im.b.getI1Type())}));
      return Val::boolean(!im.truth(a[0]));
    };
    t["__and__"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      if (isTensorArg(im, a[0]) || isTensorArg(im, a[1]))
        return T(im.op1(AndOp::getOperationName(), {im.cast(a.t(0), im.b.getI1Type()), im.cast(a.t(1), im.b.getI1Type())}));
      return Val::boolean(im.truth(a[0]) && im.truth(a[1]));
    };
    t["__or__"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self, other", p, kw);
      if (isTensorArg(im, a[0]) || isTensorArg(im, a[1]))
        return T(im.op1(OrOp::getOperationName(), {im.cast(a.t(0), im.b.getI1Type()), im.cast(a.t(1), im.b.getI1Type())}));
      return Val::boolean(im.truth(a[0]) || im.truth(a[1]));
    };
    t["is_grad_enabled"] = [](Impl &, const std::string &, const ValVec &, const KwArgs &) {
      return Val::boolean(false);
    };
    t["is_autocast_enabled"] = [](Impl &, const std::string &, const ValVec &, const KwArgs &) {
      return Val::boolean(false);
    };
    t["_get_tracing_state"] = [](Impl &, const std::string &, const ValVec &, const KwArgs &) {
      return Val::boolean(false);
    };
    t["all"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      if (a[0].k == Val::K::List) {
        for (auto &x : *a[0].items)
          if (!im.truth(x))
            return Val::boolean(false);
        return Val::boolean(true);
      }
      im.error(op + " of a tensor is not supported");
    };
    t["any"] = [](Impl &im, const std::string &op, const ValVec &p, const KwArgs &kw) {
      Args a = bind(im, op, "self", p, kw);
      if (a[0].k == Val::K::List) {
        for (auto &x : *a[0].items)
          if (im.truth(x))
            return Val::boolean(true);
        return Val::boolean(false);
      }
      im.error(op + " of a tensor is not supported");
    };
    return t;
  }();
  return table;
}

} // namespace

Val Impl::aten(const std::string &name, ValVec pos, KwArgs kw) {
  std::string n = name;
  currentOp = "torch." + name;
  const auto &table = atenTable();
  auto it = table.find(n);
  // In-place variants (relu_, add_, hardtanh_, ...) compute the same value:
  // the printed code always uses their result.
  if (it == table.end() && n.size() > 1 && n.back() == '_' && n.rfind("__", 0) != 0) {
    n.pop_back();
    it = table.find(n);
  }
  if (it == table.end())
    error("unsupported op torch." + name);
  return it->second(*this, currentOp, pos, kw);
}

Val Impl::prim(const std::string &name, ValVec pos, KwArgs kw) {
  currentOp = "ops.prim." + name;
  if (name == "RaiseException") {
    std::string msg = !pos.empty() && pos[0].k == Val::K::Str ? pos[0].s : "exception";
    std::string cls = pos.size() > 1 && pos[1].k == Val::K::Str ? pos[1].s + ": " : "";
    throw RaiseError(cur.str() + ": the model raises " + cls + msg);
  }
  if (name == "NumToTensor") {
    if (pos.size() != 1)
      error(currentOp + " takes one argument");
    auto n = asNumber(pos[0]);
    if (!n)
      error(currentOp + " of " + pos[0].kindName());
    Val r = *n;
    r.fromNumToTensor = true;
    return r;
  }
  if (name == "dtype") {
    if (pos.size() != 1)
      error(currentOp + " takes one argument");
    if (pos[0].k == Val::K::Tensor && pos[0].data && !pos[0].t)
      return Val::integer(pos[0].data->dtype);
    return Val::integer(dtypeOf(rankedType(tensor(pos[0])).getElementType()));
  }
  if (name == "device") {
    Val v;
    v.k = Val::K::Device;
    v.s = "cpu";
    return v;
  }
  if (name == "is_cuda" || name == "requires_grad" || name == "is_nested" || name == "is_sparse" ||
      name == "is_quantized" || name == "is_mkldnn" || name == "is_meta")
    return Val::boolean(false);
  if (name == "unchecked_unwrap_optional") {
    if (pos.size() != 1)
      error(currentOp + " takes one argument");
    return pos[0];
  }
  if (name == "min" || name == "max") {
    ValVec xs = pos;
    if (pos.size() == 1 && (pos[0].k == Val::K::List || pos[0].k == Val::K::Tuple))
      xs = *pos[0].items;
    if (xs.empty())
      error(currentOp + " of nothing");
    Val acc = xs[0];
    for (size_t k = 1; k < xs.size(); ++k) {
      auto a = asNumber(acc), c = asNumber(xs[k]);
      if (!a || !c)
        error(currentOp + " of non-numbers");
      acc = numeric(*this, name, *a, *c);
    }
    return acc;
  }
  error("unsupported op ops.prim." + name);
}

} // namespace kiln::torch::script
