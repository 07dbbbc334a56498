//===- Compare.h - compare a result with a reference, element by element -===//
//
// The one rule kiln's tools use to check outputs against references
// (`kiln run --expect`, `kiln verify`, kiln-bench-model):
// |got - want| <= atol + rtol * |want| for every element, NaN matching NaN.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_COMPARE_H
#define KILN_RUNTIME_COMPARE_H

#include "kiln/runtime/Runtime.h"

#include <algorithm>
#include <cmath>

namespace kiln {

/// Element k of a numeric tensor as a double (NaN for element types not
/// listed here).
inline double elementAsDouble(const Tensor &t, int64_t k) {
  switch (t.dtype()) {
  case 1: return t.as<float>()[k];
  case 11: return t.as<double>()[k];
  case 7: return double(t.as<int64_t>()[k]);
  case 6: return t.as<int32_t>()[k];
  case 3: return t.as<int8_t>()[k];
  case 2: case 9: return t.as<uint8_t>()[k];
  default: return NAN;
  }
}

struct Difference {
  double maxAbsError = 0;
  int64_t mismatches = 0; // elements outside the tolerance
};

/// `got` against `want` (same number of elements), element by element.
inline Difference compareElements(const Tensor &got, const Tensor &want, double rtol, double atol) {
  Difference d;
  int64_t n = std::min(got.numElements(), want.numElements());
  for (int64_t k = 0; k < n; ++k) {
    double x = elementAsDouble(got, k), y = elementAsDouble(want, k);
    if (std::isnan(x) && std::isnan(y))
      continue;
    double err = std::fabs(x - y);
    d.maxAbsError = std::max(d.maxAbsError, err);
    if (!(err <= atol + rtol * std::fabs(y)))
      ++d.mismatches;
  }
  return d;
}

} // namespace kiln

#endif // KILN_RUNTIME_COMPARE_H
