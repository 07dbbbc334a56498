//===- Kernels.cpp - interface, registry and validation ------------------===//
#include "Internal.h"

namespace kiln::ref {

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F32: case DType::I32: case DType::U32: return 4;
  case DType::F64: case DType::I64: case DType::U64: return 8;
  case DType::F16: case DType::BF16: case DType::I16: case DType::U16: return 2;
  case DType::I8: case DType::U8: case DType::Bool: return 1;
  }
  return 0;
}

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "f32";
  case DType::F64: return "f64";
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::I8: return "i8";
  case DType::U8: return "ui8";
  case DType::I16: return "i16";
  case DType::U16: return "ui16";
  case DType::I32: return "i32";
  case DType::U32: return "ui32";
  case DType::I64: return "i64";
  case DType::U64: return "ui64";
  case DType::Bool: return "bool";
  }
  return "?";
}

int64_t Tensor::numElements() const { return numel(shape); }
size_t Tensor::byteSize() const { return (size_t)numElements() * dtypeSize(dtype); }

Attr Attr::makeInt(int64_t v) { Attr a; a.kind = Int; a.i = v; return a; }
Attr Attr::makeFloat(double v) { Attr a; a.kind = Float; a.f = v; return a; }
Attr Attr::makeString(std::string v) { Attr a; a.kind = String; a.s = std::move(v); return a; }
Attr Attr::makeInts(std::vector<int64_t> v) { Attr a; a.kind = Ints; a.ints = std::move(v); return a; }
Attr Attr::makeFloats(std::vector<double> v) { Attr a; a.kind = Floats; a.floats = std::move(v); return a; }
Attr Attr::makeType(DType t) { Attr a; a.kind = Type; a.type = t; return a; }
Attr Attr::makeValue(DType t, double v) {
  Attr a;
  a.type = t;
  if (isFloatType(t)) { a.kind = Float; a.f = v; }
  else { a.kind = Int; a.i = (int64_t)v; a.f = v; }
  return a;
}

bool Attr::fromScalarTensor(DType t, const void *data, Attr &out) {
  if (!data)
    return false;
  double v = 0;
  switch (t) {
  case DType::F32: v = *static_cast<const float *>(data); break;
  case DType::F64: v = *static_cast<const double *>(data); break;
  case DType::I64: v = double(*static_cast<const int64_t *>(data)); break;
  case DType::I32: v = *static_cast<const int32_t *>(data); break;
  case DType::I8: v = *static_cast<const int8_t *>(data); break;
  case DType::U8: case DType::Bool: v = *static_cast<const uint8_t *>(data); break;
  default: return false;
  }
  out = makeValue(t, v);
  return true;
}

const Attr *Attrs::find(const std::string &name) const {
  auto it = items.find(name);
  return it == items.end() ? nullptr : &it->second;
}
int64_t Attrs::getInt(const std::string &name, int64_t def) const {
  const Attr *a = find(name);
  if (!a) return def;
  if (a->kind == Attr::Int) return a->i;
  if (a->kind == Attr::Float) {
    // A float where an integer is expected (a hostile artifact can say so):
    // saturate instead of converting out of range; the op's checks then
    // refuse the value. NaN reads as the default.
    if (!(a->f == a->f)) return def;
    if (a->f >= 9.2e18) return INT64_MAX;
    if (a->f <= -9.2e18) return INT64_MIN;
    return (int64_t)a->f;
  }
  return def;
}
double Attrs::getFloat(const std::string &name, double def) const {
  const Attr *a = find(name);
  if (!a) return def;
  if (a->kind == Attr::Float) return a->f;
  if (a->kind == Attr::Int) return (double)a->i;
  return def;
}
std::string Attrs::getString(const std::string &name, const std::string &def) const {
  const Attr *a = find(name);
  return a && a->kind == Attr::String ? a->s : def;
}
std::optional<std::vector<int64_t>> Attrs::getInts(const std::string &name) const {
  const Attr *a = find(name);
  if (!a) return std::nullopt;
  if (a->kind == Attr::Ints) return a->ints;
  if (a->kind == Attr::Int) return std::vector<int64_t>{a->i};
  return std::nullopt;
}
std::optional<std::vector<double>> Attrs::getFloats(const std::string &name) const {
  const Attr *a = find(name);
  if (!a) return std::nullopt;
  if (a->kind == Attr::Floats) return a->floats;
  if (a->kind == Attr::Ints) return std::vector<double>(a->ints.begin(), a->ints.end());
  if (a->kind == Attr::Float) return std::vector<double>{a->f};
  return std::nullopt;
}
std::optional<DType> Attrs::getType(const std::string &name) const {
  const Attr *a = find(name);
  if (!a || a->kind != Attr::Type) return std::nullopt;
  return a->type;
}

std::string shapeStr(const Shape &s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "x" : "") + std::to_string(s[i]);
  return r + "]";
}
std::string joinInts(const std::vector<int64_t> &v) {
  std::string r = "[";
  for (size_t i = 0; i < v.size(); ++i) r += (i ? ", " : "") + std::to_string(v[i]);
  return r + "]";
}
bool broadcastShapes(const Shape &a, const Shape &b, Shape &out) {
  size_t r = std::max(a.size(), b.size());
  Shape o(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x != y && x != 1 && y != 1) return false;
    o[i] = x == 1 ? y : x;
  }
  out = o;
  return true;
}

Status OpCtx::readInts(size_t i, const char *name, std::vector<int64_t> &out) const {
  const Tensor *t = input(i);
  if (!t) return fail(name, " is missing");
  if (t->dtype != DType::I64 && t->dtype != DType::I32)
    return fail(name, " must be an i32 or i64 tensor, got ", dtypeName(t->dtype));
  if (t->shape.size() > 1) return fail(name, " must be 1-D, got shape ", shapeStr(t->shape));
  int64_t n = t->numElements();
  if (n > 0 && !t->data) return fail("the value of ", name, " is needed but its data is not given");
  out.resize((size_t)n);
  for (int64_t k = 0; k < n; ++k)
    out[k] = t->dtype == DType::I64 ? ptr<int64_t>(*t)[k] : ptr<int32_t>(*t)[k];
  return Status::success();
}

Status requireFloat(const OpCtx &c, size_t i, const char *what) {
  const Tensor *t = c.input(i);
  if (t && !isFloatType(t->dtype))
    return c.fail(what, " must be a float tensor (f16, bf16, f32, f64), got ", dtypeName(t->dtype));
  return Status::success();
}
Status requireNumeric(const OpCtx &c, size_t i, const char *what) {
  const Tensor *t = c.input(i);
  if (t && !isNumericType(t->dtype))
    return c.fail(what, " must be a numeric tensor, got ", dtypeName(t->dtype));
  return Status::success();
}
Status requireBool(const OpCtx &c, size_t i, const char *what) {
  const Tensor *t = c.input(i);
  if (t && t->dtype != DType::Bool)
    return c.fail(what, " must be a bool tensor, got ", dtypeName(t->dtype));
  return Status::success();
}
Status requireSameType(const OpCtx &c, size_t i, size_t j, const char *what) {
  const Tensor *a = c.input(i), *b = c.input(j);
  if (a && b && a->dtype != b->dtype)
    return c.fail(what, " element types differ: ", dtypeName(a->dtype), " vs ", dtypeName(b->dtype));
  return Status::success();
}

namespace {

const Registry &registry() {
  static const Registry r = [] {
    Registry reg;
    registerElementwise(reg);
    registerReductions(reg);
    registerMovement(reg);
    registerNN(reg);
    registerFused(reg);
    registerIndexing(reg);
    registerRecurrent(reg);
    registerSignal(reg);
    registerDetection(reg);
    registerMath(reg);
    registerNorm(reg);
    return reg;
  }();
  return r;
}

Status checkInputs(const OpCtx &c, const OpDef &def, bool needData) {
  int n = (int)c.in.size();
  if (n < def.minInputs || (def.maxInputs >= 0 && n > def.maxInputs)) {
    if (def.maxInputs < 0) return c.fail("expects at least ", def.minInputs, " inputs, got ", n);
    if (def.minInputs == def.maxInputs)
      return c.fail("expects ", def.minInputs, " inputs, got ", n);
    return c.fail("expects ", def.minInputs, " to ", def.maxInputs, " inputs, got ", n);
  }
  for (int i = 0; i < n; ++i) {
    const Tensor *t = c.in[i];
    if (!t) {
      if (i < def.minInputs) return c.fail("input ", i, " is required but absent");
      continue;
    }
    if (!isKnownType(t->dtype)) return c.fail("input ", i, " has an unknown element type ", (int)t->dtype);
    for (int64_t d : t->shape)
      if (d < 0) return c.fail("input ", i, " has a negative dim in shape ", shapeStr(t->shape));
    if (needData && !t->data && t->numElements() > 0)
      return c.fail("input ", i, " has no data");
  }
  return Status::success();
}

} // namespace

Status inferShapes(const std::string &op, const Attrs &attrs,
                   const std::vector<const Tensor *> &inputs,
                   std::vector<std::vector<int64_t>> &outShapes, std::vector<DType> &outTypes) {
  outShapes.clear();
  outTypes.clear();
  const Registry &r = registry();
  auto it = r.find(op);
  if (it == r.end()) return Status::error("kiln." + op + ": not supported by the reference backend");
  OpCtx c{op, attrs, inputs};
  Status s = checkInputs(c, it->second, false);
  if (!s) return s;
  s = it->second.infer(c, outShapes, outTypes);
  if (!s) {
    outShapes.clear();
    outTypes.clear();
  }
  return s;
}

Status run(const std::string &op, const Attrs &attrs, const std::vector<const Tensor *> &inputs,
           std::vector<Tensor> &outputs) {
  const Registry &r = registry();
  auto it = r.find(op);
  if (it == r.end()) return Status::error("kiln." + op + ": not supported by the reference backend");
  OpCtx c{op, attrs, inputs};
  Status s = checkInputs(c, it->second, true);
  if (!s) return s;
  std::vector<Shape> shapes;
  std::vector<DType> types;
  s = it->second.infer(c, shapes, types);
  if (!s) return s;
  if (outputs.size() != shapes.size())
    return c.fail("expects ", shapes.size(), " outputs, got ", outputs.size());
  for (size_t i = 0; i < shapes.size(); ++i) {
    if (outputs[i].shape != shapes[i] || outputs[i].dtype != types[i])
      return c.fail("output ", i, " is ", shapeStr(outputs[i].shape), " ", dtypeName(outputs[i].dtype),
                    " but should be ", shapeStr(shapes[i]), " ", dtypeName(types[i]));
    if (!outputs[i].data && outputs[i].numElements() > 0) return c.fail("output ", i, " has no data");
  }
  return it->second.run(c, outputs);
}

bool isSupported(const std::string &op) { return registry().count(op) != 0; }

std::vector<std::string> supportedOps() {
  std::vector<std::string> r;
  for (auto &kv : registry()) r.push_back(kv.first);
  return r;
}

} // namespace kiln::ref
