//===- Recurrent.cpp - rnn, gru, lstm (ONNX semantics) --------------------===//
//
// One loop for the three layers (ir/include/kiln/ir/KilnRecurrentOps.td);
// arithmetic in double. Steps past a batch entry's sequence length leave
// zeros in Y and do not change its state (Y_h/Y_c hold the last valid step).
//
//===----------------------------------------------------------------------===//
#include "Internal.h"

#include <cctype>

namespace kiln::ref {
namespace {

enum class Cell { RNN, GRU, LSTM };
Cell cellOf(const std::string &op) { return op == "rnn" ? Cell::RNN : op == "gru" ? Cell::GRU : Cell::LSTM; }
int gatesOf(Cell c) { return c == Cell::RNN ? 1 : c == Cell::GRU ? 3 : 4; }
int numFuncs(Cell c) { return c == Cell::RNN ? 1 : c == Cell::GRU ? 2 : 3; }

bool absent(const Tensor *t) { return !t || (t->shape.size() == 1 && t->shape[0] == 0); }

struct Act {
  std::string name; // lower case
  double alpha = 0, beta = 0;
  double operator()(double x) const {
    if (name == "sigmoid") return 1 / (1 + std::exp(-x));
    if (name == "tanh") return std::tanh(x);
    if (name == "relu") return std::max(x, 0.0);
    if (name == "affine") return alpha * x + beta;
    if (name == "leakyrelu") return x >= 0 ? x : alpha * x;
    if (name == "thresholdedrelu") return x > alpha ? x : 0;
    if (name == "scaledtanh") return alpha * std::tanh(beta * x);
    if (name == "hardsigmoid") return std::clamp(alpha * x + beta, 0.0, 1.0);
    if (name == "elu") return x >= 0 ? x : alpha * (std::exp(x) - 1);
    if (name == "softsign") return x / (1 + std::abs(x));
    if (name == "softplus") return std::log1p(std::exp(x));
    return x;
  }
};

/// Default alpha/beta and whether the function takes them.
bool actDefaults(const std::string &n, double &alpha, double &beta, bool &hasAlpha, bool &hasBeta) {
  hasAlpha = hasBeta = false;
  alpha = beta = 0;
  if (n == "sigmoid" || n == "tanh" || n == "relu" || n == "softsign" || n == "softplus") return true;
  if (n == "affine") { alpha = 1; beta = 0; hasAlpha = hasBeta = true; return true; }
  if (n == "leakyrelu") { alpha = 0.01; hasAlpha = true; return true; }
  if (n == "thresholdedrelu") { alpha = 1; hasAlpha = true; return true; }
  if (n == "scaledtanh") { alpha = 1; beta = 1; hasAlpha = hasBeta = true; return true; }
  if (n == "hardsigmoid") { alpha = 0.2; beta = 0.5; hasAlpha = hasBeta = true; return true; }
  if (n == "elu") { alpha = 1; hasAlpha = true; return true; }
  return false;
}

Status activations(const OpCtx &c, Cell cell, int dirs, std::vector<Act> &out) {
  std::string list = c.attrs.getString("activations", "");
  std::vector<std::string> names;
  size_t start = 0;
  while (!list.empty() && start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string n = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    for (char &ch : n) ch = (char)std::tolower((unsigned char)ch);
    names.push_back(n);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  size_t want = (size_t)(numFuncs(cell) * dirs);
  if (names.empty()) {
    static const char *rnn[] = {"tanh"}, *gru[] = {"sigmoid", "tanh"}, *lstm[] = {"sigmoid", "tanh", "tanh"};
    const char **d = cell == Cell::RNN ? rnn : cell == Cell::GRU ? gru : lstm;
    for (int k = 0; k < dirs; ++k)
      for (int f = 0; f < numFuncs(cell); ++f) names.push_back(d[f]);
  } else if (names.size() == (size_t)numFuncs(cell) && dirs == 2) {
    for (int f = 0; f < numFuncs(cell); ++f) names.push_back(names[f]); // the same for both directions
  }
  if (names.size() != want)
    return c.fail("activations lists ", names.size(), " functions, expected ", want);
  auto alphas = c.attrs.getFloats("activation_alpha").value_or(std::vector<double>{});
  auto betas = c.attrs.getFloats("activation_beta").value_or(std::vector<double>{});
  size_t ai = 0, bi = 0;
  out.clear();
  for (auto &n : names) {
    Act a{n};
    bool ha, hb;
    if (!actDefaults(n, a.alpha, a.beta, ha, hb)) return c.fail("unsupported activation '", n, "'");
    if (ha && ai < alphas.size()) a.alpha = alphas[ai++];
    if (hb && bi < betas.size()) a.beta = betas[bi++];
    out.push_back(a);
  }
  return Status::success();
}

struct Geometry {
  Cell cell;
  int64_t seq, batch, in, hidden, dirs, layout;
};

Status geometry(const OpCtx &c, Geometry &g) {
  g.cell = cellOf(c.op);
  std::string dir = c.attrs.getString("direction", "forward");
  if (dir != "forward" && dir != "reverse" && dir != "bidirectional")
    return c.fail("direction must be forward, reverse or bidirectional, got '", dir, "'");
  g.dirs = dir == "bidirectional" ? 2 : 1;
  g.hidden = c.attrs.getInt("hidden_size", 0);
  g.layout = c.attrs.getInt("layout", 0);
  if (g.hidden < 1) return c.fail("hidden_size must be positive, got ", g.hidden);
  if (g.layout != 0 && g.layout != 1) return c.fail("layout must be 0 or 1, got ", g.layout);
  for (size_t i = 0; i < c.in.size(); ++i)
    if (i != 4 && c.in[i] && !absent(c.in[i]))
      if (Status st = requireFloat(c, i, "every input but sequence_lens"); !st) return st;
  const Shape &x = c.in[0]->shape;
  if (x.size() != 3) return c.fail("X must have rank 3, got shape ", shapeStr(x));
  g.seq = x[g.layout ? 1 : 0];
  g.batch = x[g.layout ? 0 : 1];
  g.in = x[2];
  int64_t G = gatesOf(g.cell), H = g.hidden;
  auto check = [&](size_t i, const char *what, Shape want, bool optional) -> Status {
    const Tensor *t = c.input(i);
    if (optional && absent(t)) return Status::success();
    if (!t || t->shape != want) return c.fail(what, " must have shape ", shapeStr(want), ", got ", t ? shapeStr(t->shape) : "none");
    if (i != 4 && t->dtype != c.in[0]->dtype) return c.fail(what, " must have the element type of X");
    return Status::success();
  };
  Shape state = g.layout ? Shape{g.batch, g.dirs, H} : Shape{g.dirs, g.batch, H};
  if (Status st = check(1, "W", {g.dirs, G * H, g.in}, false); !st) return st;
  if (Status st = check(2, "R", {g.dirs, G * H, H}, false); !st) return st;
  if (Status st = check(3, "B", {g.dirs, 2 * G * H}, true); !st) return st;
  if (Status st = check(4, "sequence_lens", {g.batch}, true); !st) return st;
  if (c.input(4) && !absent(c.in[4]) && c.in[4]->dtype != DType::I32 && c.in[4]->dtype != DType::I64)
    return c.fail("sequence_lens must be i32 or i64, got ", dtypeName(c.in[4]->dtype));
  if (Status st = check(5, "initial_h", state, true); !st) return st;
  if (g.cell == Cell::LSTM) {
    if (Status st = check(6, "initial_c", state, true); !st) return st;
    if (Status st = check(7, "P", {g.dirs, 3 * H}, true); !st) return st;
  }
  if (c.attrs.getFloat("clip", 0) < 0) return c.fail("clip must be non-negative");
  return Status::success();
}

Status inferRecurrent(const OpCtx &c, std::vector<Shape> &s, std::vector<DType> &t) {
  Geometry g;
  if (Status st = geometry(c, g); !st) return st;
  std::vector<Act> acts;
  if (Status st = activations(c, g.cell, (int)g.dirs, acts); !st) return st;
  DType dt = c.in[0]->dtype;
  s.push_back(g.layout ? Shape{g.batch, g.seq, g.dirs, g.hidden} : Shape{g.seq, g.dirs, g.batch, g.hidden});
  t.push_back(dt);
  int states = g.cell == Cell::LSTM ? 2 : 1;
  for (int k = 0; k < states; ++k) {
    s.push_back(g.layout ? Shape{g.batch, g.dirs, g.hidden} : Shape{g.dirs, g.batch, g.hidden});
    t.push_back(dt);
  }
  return Status::success();
}

std::vector<double> loadDouble(const Tensor *t) {
  std::vector<double> v;
  if (absent(t)) return v;
  dispatchFloat(t->dtype, [&](auto tag) {
    using T = decltype(tag);
    v = loadAs<T, double>(*t);
    return Status::success();
  });
  return v;
}

Status runRecurrent(const OpCtx &c, std::vector<Tensor> &o) {
  Geometry g;
  if (Status st = geometry(c, g); !st) return st;
  std::vector<Act> acts;
  if (Status st = activations(c, g.cell, (int)g.dirs, acts); !st) return st;
  const int64_t S = g.seq, Bn = g.batch, I = g.in, H = g.hidden, D = g.dirs, G = gatesOf(g.cell);
  const bool lay = g.layout != 0, reverseOnly = c.attrs.getString("direction", "forward") == "reverse";
  const double clip = c.attrs.getFloat("clip", 0);
  const bool lbr = c.attrs.getInt("linear_before_reset", 0) != 0, coupled = c.attrs.getInt("input_forget", 0) != 0;
  std::vector<double> X = loadDouble(c.in[0]), W = loadDouble(c.in[1]), R = loadDouble(c.in[2]),
                      Bv = loadDouble(c.input(3)), H0 = loadDouble(c.input(5)),
                      C0 = g.cell == Cell::LSTM ? loadDouble(c.input(6)) : std::vector<double>{},
                      P = g.cell == Cell::LSTM ? loadDouble(c.input(7)) : std::vector<double>{};
  std::vector<int64_t> lens((size_t)Bn, S);
  if (!absent(c.input(4)))
    for (int64_t b = 0; b < Bn; ++b) {
      const Tensor &l = *c.in[4];
      lens[b] = l.dtype == DType::I64 ? ptr<int64_t>(l)[b] : ptr<int32_t>(l)[b];
      if (lens[b] < 0 || lens[b] > S) return c.fail("sequence_lens[", b, "] = ", lens[b], " is outside [0, ", S, "]");
    }
  std::vector<double> Y((size_t)(S * D * Bn * H), 0.0), Yh((size_t)(D * Bn * H)), Yc((size_t)(D * Bn * H));
  auto xAt = [&](int64_t t, int64_t b, int64_t i) { return X[(lay ? (b * S + t) : (t * Bn + b)) * I + i]; };
  auto stateIdx = [&](int64_t d, int64_t b, int64_t j) { return (lay ? (b * D + d) : (d * Bn + b)) * H + j; };
  auto yIdx = [&](int64_t t, int64_t d, int64_t b, int64_t j) {
    return (lay ? ((b * S + t) * D + d) : ((t * D + d) * Bn + b)) * H + j;
  };
  auto clipped = [&](double v) { return clip > 0 ? std::clamp(v, -clip, clip) : v; };
  std::vector<double> gx((size_t)(G * H)), gh((size_t)(G * H)), h((size_t)H), cs((size_t)H), hn((size_t)H);
  for (int64_t d = 0; d < D; ++d) {
    bool backward = reverseOnly || d == 1;
    const double *w = &W[d * G * H * I], *r = &R[d * G * H * H];
    const double *wb = Bv.empty() ? nullptr : &Bv[d * 2 * G * H], *rb = wb ? wb + G * H : nullptr;
    const double *p = P.empty() ? nullptr : &P[d * 3 * H];
    const Act *f = &acts[(size_t)(d * numFuncs(g.cell))];
    for (int64_t b = 0; b < Bn; ++b) {
      for (int64_t j = 0; j < H; ++j) {
        h[j] = H0.empty() ? 0 : H0[stateIdx(d, b, j)];
        cs[j] = C0.empty() ? 0 : C0[stateIdx(d, b, j)];
      }
      for (int64_t step = 0; step < lens[b]; ++step) {
        int64_t t = backward ? lens[b] - 1 - step : step;
        // gx = x Wᵀ + Wb, gh = h Rᵀ + Rb, per gate row.
        for (int64_t k = 0; k < G * H; ++k) {
          double sx = wb ? wb[k] : 0, sh = rb ? rb[k] : 0;
          for (int64_t i = 0; i < I; ++i) sx += xAt(t, b, i) * w[k * I + i];
          for (int64_t i = 0; i < H; ++i) sh += h[i] * r[k * H + i];
          gx[k] = sx;
          gh[k] = sh;
        }
        if (g.cell == Cell::RNN) {
          for (int64_t j = 0; j < H; ++j) hn[j] = f[0](clipped(gx[j] + gh[j]));
        } else if (g.cell == Cell::GRU) { // gates z, r, h
          for (int64_t j = 0; j < H; ++j) {
            double z = f[0](clipped(gx[j] + gh[j]));
            double rr = f[0](clipped(gx[H + j] + gh[H + j]));
            double pre;
            if (lbr) {
              pre = gx[2 * H + j] + rr * gh[2 * H + j];
            } else { // (r ⊙ h) Rhᵀ + Rbh
              double sh = rb ? rb[2 * H + j] : 0;
              for (int64_t i = 0; i < H; ++i) {
                double ri = f[0](clipped(gx[H + i] + gh[H + i]));
                sh += ri * h[i] * r[(2 * H + j) * H + i];
              }
              pre = gx[2 * H + j] + sh;
            }
            double hh = f[1](clipped(pre));
            hn[j] = (1 - z) * hh + z * h[j];
          }
        } else { // LSTM gates i, o, f, c
          for (int64_t j = 0; j < H; ++j) {
            double pi = p ? p[j] : 0, po = p ? p[H + j] : 0, pf = p ? p[2 * H + j] : 0;
            double ig = f[0](clipped(gx[j] + gh[j] + pi * cs[j]));
            double fg = coupled ? 1 - ig : f[0](clipped(gx[2 * H + j] + gh[2 * H + j] + pf * cs[j]));
            double cg = f[1](clipped(gx[3 * H + j] + gh[3 * H + j]));
            double cn = fg * cs[j] + ig * cg;
            double og = f[0](clipped(gx[H + j] + gh[H + j] + po * cn));
            cs[j] = cn;
            hn[j] = og * f[2](cn);
          }
        }
        h = hn;
        for (int64_t j = 0; j < H; ++j) Y[yIdx(t, d, b, j)] = h[j];
      }
      for (int64_t j = 0; j < H; ++j) {
        Yh[stateIdx(d, b, j)] = h[j];
        Yc[stateIdx(d, b, j)] = cs[j];
      }
    }
  }
  return dispatchFloat(c.in[0]->dtype, [&](auto tag) {
    using T = decltype(tag);
    storeFrom<T, double>(Y, o[0]);
    storeFrom<T, double>(Yh, o[1]);
    if (g.cell == Cell::LSTM) storeFrom<T, double>(Yc, o[2]);
    return Status::success();
  });
}

} // namespace

void registerRecurrent(Registry &reg) {
  reg["rnn"] = OpDef{6, 6, inferRecurrent, runRecurrent};
  reg["gru"] = OpDef{6, 6, inferRecurrent, runRecurrent};
  reg["lstm"] = OpDef{8, 8, inferRecurrent, runRecurrent};
}

} // namespace kiln::ref
