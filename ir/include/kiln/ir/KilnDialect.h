//===- KilnDialect.h - the kiln dialect and its ops -------------*- C++ -*-===//
//
// Include this to use kiln ops. It pulls in MLIR's IR headers: keep it out
// of files that do not build or inspect IR.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_KILNDIALECT_H
#define KILN_IR_KILNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace kiln {
/// Inferred and declared result types agree when element types are equal and
/// shapes are compatible (a `?` matches any size; an unranked tensor any shape).
bool areCompatibleResultTypes(mlir::TypeRange inferred, mlir::TypeRange declared);
} // namespace kiln

#include "kiln/ir/KilnDialect.h.inc"

#define GET_OP_CLASSES
#include "kiln/ir/KilnOps.h.inc"

#endif // KILN_IR_KILNDIALECT_H
