//===- KilnSignalOps.td - DFT, STFT, determinant, col2im -------*- tablegen -*-===//
//
// Signal processing and related ops of ONNX: DFT, STFT, Det and Col2Im.
// Complex tensors are real tensors with a trailing dim of 2 (real, imag);
// a trailing dim of 1 is a real signal. Sizes taken from run-time operands
// (DFT's dft_length and axis, STFT's frame_step and frame_length, Col2Im's
// image_shape) are `?` unless those operands are constants; the reference
// kernels read the values. Inference: ir/ops/Signal.cpp; kernels:
// backends/reference/kernels/Signal.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_SIGNAL_OPS_TD
#define KILN_IR_SIGNAL_OPS_TD

def Kiln_DFTOp : Kiln_Op<"dft"> {
  let summary = "Discrete Fourier transform along one axis (ONNX DFT-20)";
  let description = [{
    `input` is [..., 1] (real) or [..., 2] (complex). `dft_length` is a
    scalar integer operand, or an empty tensor for the size of the axis
    (zero-padded or truncated to it). `axis` is a scalar integer operand in
    [-r, -2] or [0, r-2] of the input's rank r. `onesided` keeps the
    n/2+1 non-redundant frequencies of a forward transform; with `inverse`
    it reads such a half spectrum and returns the real signal of length
    dft_length (default 2 (m - 1)). `inverse` divides by the length.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_IndexTensor:$dft_length,
                       Kiln_IndexTensor:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$inverse,
                       DefaultValuedAttr<BoolAttr, "false">:$onesided);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_STFTOp : Kiln_Op<"stft"> {
  let summary = "Short-time Fourier transform of [batch, length, 1|2] signals (ONNX STFT)";
  let description = [{
    `frame_step` is a scalar operand; `window` a 1-D float operand and
    `frame_length` a scalar operand, each an empty tensor when omitted (at
    least one of them is given; frame_length defaults to the window's
    length). The result is [batch, frames, bins, 2] with frames =
    1 + (length - frame_length) / frame_step and bins = frame_length / 2 + 1
    when `onesided`, else frame_length.
  }];
  let arguments = (ins Kiln_FloatTensor:$signal, Kiln_IndexTensor:$frame_step,
                       Kiln_FloatTensor:$window, Kiln_IndexTensor:$frame_length,
                       DefaultValuedAttr<BoolAttr, "true">:$onesided);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_DetOp : Kiln_Op<"det"> {
  let summary = "Determinant of the square matrices in the last two dims";
  let arguments = (ins Kiln_FloatTensor:$input);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_Col2ImOp : Kiln_Op<"col2im"> {
  let summary = "Sums sliding blocks [N, C*prod(block), L] back into an image [N, C, image...]";
  let description = [{
    The inverse of im2col (ONNX Col2Im): `image_shape` and `block_shape`
    are 1-D integer operands with one entry per spatial dim; `dilations`,
    `strides` (default 1) and `pads` ([begin..., end...], default 0) have
    the same meaning as for a convolution.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_IndexTensor:$image_shape,
                       Kiln_IndexTensor:$block_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_MelWeightMatrixOp : Kiln_Op<"mel_weight_matrix"> {
  let summary = "Triangular mel filter bank [dft_length / 2 + 1, num_mel_bins] (ONNX MelWeightMatrix)";
  let description = [{
    Scalar operands num_mel_bins, dft_length, sample_rate (integers),
    lower_edge_hertz and upper_edge_hertz (floats); the result has element
    type `to`. The band edges are num_mel_bins + 2 points evenly spaced in
    mel (2595 log10(1 + f / 700)), mapped to DFT bins as
    floor((dft_length + 1) f / sample_rate), computed in f32 as ONNX's
    reference.
  }];
  let arguments = (ins Kiln_IndexTensor:$num_mel_bins, Kiln_IndexTensor:$dft_length,
                       Kiln_IndexTensor:$sample_rate, Kiln_FloatTensor:$lower_edge_hertz,
                       Kiln_FloatTensor:$upper_edge_hertz, TypeAttr:$to);
  let results = (outs Kiln_NumericTensor:$output);
  let assemblyFormat = KilnFormat;
}

#endif // KILN_IR_SIGNAL_OPS_TD
