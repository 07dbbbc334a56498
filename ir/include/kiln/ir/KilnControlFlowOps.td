//===- KilnControlFlowOps.td - If, Loop and their terminator -*- tablegen -*-===//
//
// Control flow with regions, as ONNX If/Loop/Scan (Scan imports as a loop).
// Regions see the values defined above them (implicit capture, as scf.if):
// the ops are not IsolatedFromAbove. The exporter makes the captured values
// explicit operands of the artifact node, and the runtime executes these ops
// on the host (docs/architecture.md, "Control flow").
//
// Effects are those of the ops inside (RecursiveMemoryEffects): with only
// kiln's pure ops inside, an unused if/loop is dead code; a kiln.custom inside
// keeps it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_CONTROL_FLOW_OPS_TD
#define KILN_IR_CONTROL_FLOW_OPS_TD

class Kiln_RegionOp<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, !listconcat(traits, [RecursiveMemoryEffects,
        RecursivelySpeculatable, DeclareOpInterfaceMethods<InferTypeOpInterface>])> {
  let extraClassDeclaration = KilnCompatibleReturnTypes;
}

def Kiln_IfOp : Kiln_RegionOp<"if", [NoRegionArguments]> {
  let summary = "Runs one of two single-block regions, chosen by a boolean at run time";
  let description = [{
    `cond` is an i1 scalar or a one-element tensor. `then` and `else` take no
    arguments and end in `kiln.yield` with the same number of values; each
    result's type is the join of the two yielded types (a dim that differs
    becomes `?`, different ranks an unranked tensor; the element types must
    agree).

    ```mlir
    %r = kiln.if %c : tensor<i1> -> tensor<?xf32> {
      kiln.yield %a : tensor<2xf32>
    } else {
      kiln.yield %b : tensor<3xf32>
    }
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$cond);
  let results = (outs Variadic<Kiln_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$then_region, SizedRegion<1>:$else_region);
  let assemblyFormat = [{
    $cond `:` type($cond) (`->` type($outputs)^)? $then_region `else` $else_region attr-dict
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = KilnCompatibleReturnTypes # [{
    ::kiln::YieldOp thenYield();
    ::kiln::YieldOp elseYield();
  }];
}

def Kiln_LoopOp : Kiln_RegionOp<"loop", [AttrSizedOperandSegments]> {
  let summary = "ONNX Loop: iterate a body with loop-carried values and scan outputs";
  let description = [{
    Runs `body` while the iteration number is below `max_trip_count` (when
    given) and the condition is true (`cond` before the first iteration,
    then the body's first yielded value; when given). Both absent is an
    infinite loop, as in ONNX.

    The body's block arguments are (iteration: tensor<i64>, cond: tensor<i1>,
    carried...). It yields (cond: i1 scalar, carried..., scan outputs...).
    Results: the final carried values (the initial ones after zero
    iterations), then each scan output's per-iteration values stacked along a
    new leading dim (`?`; empty after zero iterations).

    A carried value's block argument type is compatible with its initial
    value and with what the body yields for it (a dim that changes between
    iterations is `?`).
  }];
  let arguments = (ins Optional<Kiln_I64Tensor>:$max_trip_count,
                       Optional<Kiln_BoolTensor>:$cond,
                       Variadic<Kiln_Tensor>:$inits);
  let results = (outs Variadic<Kiln_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    (`max` $max_trip_count^ `:` type($max_trip_count))?
    (`cond` $cond^ `:` type($cond))?
    (`inits` `(` $inits^ `:` type($inits) `)`)?
    (`->` type($outputs)^)? $body attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = KilnCompatibleReturnTypes # [{
    ::kiln::YieldOp bodyYield();
    /// Number of scan outputs (results after the carried values).
    unsigned getNumScanOutputs() { return getNumResults() - getInits().size(); }
  }];
}

// The terminator of kiln.if/kiln.loop regions. It declares no memory effects
// (so an if/loop of pure ops is pure) but is not speculatable: passes that
// erase "pure ops without users" leave it alone.
def Kiln_YieldOp : Op<Kiln_Dialect, "yield", [NoMemoryEffect, Terminator,
                                               ParentOneOf<["IfOp", "LoopOp"]>]> {
  let summary = "Yields the values of a kiln.if or kiln.loop region";
  let arguments = (ins Variadic<AnyTensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // KILN_IR_CONTROL_FLOW_OPS_TD
