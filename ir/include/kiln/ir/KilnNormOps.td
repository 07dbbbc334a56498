//===- KilnNormOps.td - local response normalization ------*- tablegen -*-===//
//
// Normalization ops beyond batch/layer/group/instance norm (KilnOps.td).
// Included from KilnOps.td (it uses KilnFormat from there). Inference,
// verifier and folder: ir/ops/Norm.cpp. Reference kernel:
// backends/reference/kernels/Norm.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_NORM_OPS_TD
#define KILN_IR_NORM_OPS_TD

def Kiln_LrnOp : Kiln_Op<"lrn", [SameOperandsAndResultElementType]> {
  let summary = "Local response normalization across channels (ONNX LRN)";
  let description = [{
    `input` is [N, C, D1, ..., Dk] (rank 2 or more). For every element,
    with the channel window [max(0, c - floor((size - 1) / 2)),
    min(C - 1, c + ceil((size - 1) / 2))] (asymmetric for an even size):

      square_sum[n, c, d...] = sum over the window of input[n, i, d...]^2
      output = input / (bias + alpha / size * square_sum) ^ beta

    `alpha` is divided by `size` as in ONNX. The result has the input's type.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, I64Attr:$size,
                       DefaultValuedAttr<F32Attr, "1.0e-4">:$alpha,
                       DefaultValuedAttr<F32Attr, "0.75">:$beta,
                       DefaultValuedAttr<F32Attr, "1.0">:$bias);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasFolder = 1;
  let hasVerifier = 1;
}

#endif // KILN_IR_NORM_OPS_TD
