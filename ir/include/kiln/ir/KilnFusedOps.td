//===- KilnFusedOps.td - fused ops made by kiln's passes ----*- tablegen -*-===//
//
// No frontend produces these: the fusion pass (passes/Fusion.cpp) rewrites
// chains of primitive ops into them, and each backend maps one to a single
// kernel (oneDNN primitive with post-ops on the cpu plugin). The reference
// kernels define their semantics (backends/reference/kernels/Fused.cpp).
//
// `activation` is one of: none, relu, leaky_relu (alpha = slope), clip
// (alpha = min, beta = max), sigmoid, tanh, hard_swish, silu, gelu (erf),
// gelu_tanh.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_FUSED_OPS_TD
#define KILN_IR_FUSED_OPS_TD

defvar KilnActivationAttrs = (ins DefaultValuedStrAttr<StrAttr, "none">:$activation,
                                  DefaultValuedAttr<F32Attr, "0.0">:$alpha,
                                  DefaultValuedAttr<F32Attr, "0.0">:$beta);

def Kiln_FusedConvOp : Kiln_Op<"fused_conv"> {
  let summary = "activation(conv(input, weight) + bias [+ residual]), one kernel";
  let description = [{
    The convolution of `kiln.conv` (same attributes) with its bias [M],
    then an optional `residual` of the result's shape added, then the
    activation.
  }];
  let arguments = !con((ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weight,
                            Kiln_FloatTensor:$bias, Optional<Kiln_FloatTensor>:$residual),
                       KilnConvAttrs, KilnActivationAttrs);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasVerifier = 1;
}

def Kiln_FusedMatMulOp : Kiln_Op<"fused_matmul"> {
  let summary = "activation(lhs @ rhs' + bias), rhs' = rhs^T when trans_b, one kernel";
  let description = [{
    numpy matmul of `lhs` [..., K] (rank >= 2) with a 2-D `rhs` [K, N]
    ([N, K] when `trans_b`, as kiln.linear and gemm's transB), then `bias`
    broadcast to the result [..., N] (usually [N]), then the activation.
  }];
  let arguments = !con((ins Kiln_FloatTensor:$lhs, Kiln_FloatTensor:$rhs, Kiln_FloatTensor:$bias,
                            DefaultValuedAttr<BoolAttr, "false">:$trans_b),
                       KilnActivationAttrs);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasVerifier = 1;
}

def Kiln_RMSNormOp : Kiln_Op<"rms_norm"> {
  let summary = "x / sqrt(mean(x^2 over dims [axis, rank)) + epsilon) * scale";
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F32Attr, "1e-5">:$epsilon);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
  let hasVerifier = 1;
}

def Kiln_AttentionOp : Kiln_Op<"attention"> {
  let summary = "softmax(q k^T * scale + mask) v (scaled dot-product attention, multi-head)";
  let description = [{
    Without `num_heads` (0): q [..., S, D], k [..., S2, D], v [..., S2, Dv]
    with equal batch dims; the result is [..., S, Dv].
    With `num_heads` = H: q [B, S, H*D], k [B, S2, H*D], v [B, S2, H*Dv]
    hold the heads side by side (as a projection writes them); each head
    attends separately and the result is [B, S, H*Dv] (the heads' outputs
    side by side again). The optional additive `mask` broadcasts to the
    scores [..., S, S2] (with heads: [B, H, S, S2]).
  }];
  let arguments = (ins Kiln_FloatTensor:$q, Kiln_FloatTensor:$k, Kiln_FloatTensor:$v,
                       Optional<Kiln_FloatTensor>:$mask,
                       DefaultValuedAttr<F32Attr, "1.0">:$scale,
                       DefaultValuedAttr<I64Attr, "0">:$num_heads);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

#endif // KILN_IR_FUSED_OPS_TD
