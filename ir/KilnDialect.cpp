//===- KilnDialect.cpp - the kiln dialect ---------------------------------===//
#include "kiln/ir/KilnDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;

#include "kiln/ir/KilnDialect.cpp.inc"

#define GET_OP_CLASSES
#include "kiln/ir/KilnOps.cpp.inc"

namespace kiln {

void KilnDialect::initialize() { registerOps(); }

void KilnDialect::registerOps() {
  addOperations<
#define GET_OP_LIST
#include "kiln/ir/KilnOps.cpp.inc"
      >();
}

Operation *KilnDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getShapedType() != type)
    return nullptr;
  return builder.create<ConstantOp>(loc, type, elements);
}

} // namespace kiln
