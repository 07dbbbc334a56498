//===- ControlFlow.h - helpers for kiln.if / kiln.loop ----------*- C++ -*-===//
#ifndef KILN_IR_CONTROLFLOW_H
#define KILN_IR_CONTROLFLOW_H

#include "mlir/IR/BuiltinTypes.h"

namespace kiln {

/// The least precise tensor type both `a` and `b` are instances of: equal
/// dims stay, differing ones become `?`, an unranked side or different ranks
/// give an unranked result. Null when the element types differ.
mlir::Type joinTensorTypes(mlir::Type a, mlir::Type b);

} // namespace kiln

#endif // KILN_IR_CONTROLFLOW_H
