//===- KilnBase.td - the kiln dialect and its type constraints -*- tablegen -*-===//
//
// kiln's graph IR: value-semantic tensor ops at the level of ONNX and aten,
// imported by the frontends, rewritten by the passes, partitioned across the
// backend plugins. Graphs are `func.func` bodies; tensors are builtin ranked
// tensors whose dynamic dimensions are `?`.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_BASE_TD
#define KILN_IR_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "kiln's graph IR for neural network inference";
  let description = [{
    Tensor operations with numpy/ONNX semantics (broadcasting, NCHW layouts,
    negative axes counted from the back). Every op verifies its operands and
    attributes with a message that names what is wrong, infers its result
    type (dynamic dimensions included), and folds when its inputs are
    constants. Large constants are held in `DenseResourceElementsAttr`
    blobs that point at memory-mapped model files.
  }];
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    void registerOps();
  }];
}

//===----------------------------------------------------------------------===//
// Element types and tensor constraints.
//===----------------------------------------------------------------------===//

def Kiln_Float : AnyTypeOf<[F16, BF16, F32, F64]>;
def Kiln_SignedInt : AnyTypeOf<[I8, I16, I32, I64]>;
def Kiln_UnsignedInt : AnyTypeOf<[UI8, UI16, UI32, UI64]>;
def Kiln_Bool : I<1>;
def Kiln_Numeric : AnyTypeOf<[Kiln_Float, Kiln_SignedInt, Kiln_UnsignedInt]>;
def Kiln_Element : AnyTypeOf<[Kiln_Numeric, Kiln_Bool]>;

def Kiln_Tensor : TensorOf<[Kiln_Element]>;
def Kiln_FloatTensor : TensorOf<[Kiln_Float]>;
def Kiln_NumericTensor : TensorOf<[Kiln_Numeric]>;
def Kiln_BoolTensor : TensorOf<[Kiln_Bool]>;
def Kiln_IndexTensor : TensorOf<[I32, I64]>;
def Kiln_I64Tensor : TensorOf<[I64]>;

//===----------------------------------------------------------------------===//
// Op base classes.
//===----------------------------------------------------------------------===//

// Shared by every op: result types inferred from operands and attributes may
// be refined by the producer (a static dim where inference says `?`), so the
// inferred and declared types need only be compatible.
defvar KilnCompatibleReturnTypes = [{
  static bool isCompatibleReturnTypes(::mlir::TypeRange l, ::mlir::TypeRange r) {
    return ::kiln::areCompatibleResultTypes(l, r);
  }
}];

class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<InferTypeOpInterface>])> {
  let extraClassDeclaration = KilnCompatibleReturnTypes;
}

#endif // KILN_IR_BASE_TD
