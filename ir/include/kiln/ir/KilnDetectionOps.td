//===- KilnDetectionOps.td - RoiAlign, MaxUnpool, AffineGrid ---*- tablegen -*-===//
//
// Region and grid ops of ONNX vision models. Sizes given by run-time
// operands (MaxUnpool's output_shape, AffineGrid's size) are `?` unless
// constant. Inference: ir/ops/Detection.cpp; kernels:
// backends/reference/kernels/Detection.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_DETECTION_OPS_TD
#define KILN_IR_DETECTION_OPS_TD

def Kiln_RoiAlignOp : Kiln_Op<"roi_align"> {
  let summary = "Bilinearly sampled average or max over each ROI's bins (ONNX RoiAlign)";
  let description = [{
    input [N, C, H, W], rois [R, 4] as (x1, y1, x2, y2) in input coordinates
    times spatial_scale, batch_indices [R]. The result is [R, C,
    output_height, output_width]. `coordinate_transformation_mode`
    half_pixel shifts by -0.5 (output_half_pixel: no shift, ROIs at least
    1x1); `sampling_ratio` 0 samples ceil(roi size / bins) points per bin.
    max mode takes the largest weighted corner value, as onnxruntime.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$rois,
                       Kiln_IndexTensor:$batch_indices,
                       DefaultValuedStrAttr<StrAttr, "avg">:$mode,
                       DefaultValuedStrAttr<StrAttr, "half_pixel">:$coordinate_transformation_mode,
                       DefaultValuedAttr<I64Attr, "1">:$output_height,
                       DefaultValuedAttr<I64Attr, "1">:$output_width,
                       DefaultValuedAttr<I64Attr, "0">:$sampling_ratio,
                       DefaultValuedAttr<F64Attr, "1.0">:$spatial_scale);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_MaxUnpoolOp : Kiln_Op<"max_unpool"> {
  let summary = "Scatters pooled values back to the positions max_pool's indices name; zeros elsewhere";
  let description = [{
    `indices` are flat positions in the whole result (as max_pool's second
    output). The result shape is the 1-D `output_shape` operand when it is
    not empty, else N, C and (in - 1) * stride + kernel - pad_begin - pad_end
    per spatial dim.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_IndexTensor:$indices,
                       Kiln_IndexTensor:$output_shape,
                       DenseI64ArrayAttr:$kernel_shape,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_AffineGridOp : Kiln_Op<"affine_grid"> {
  let summary = "Sampling grid [N, (D,) H, W, 2|3] of theta applied to normalized coordinates";
  let description = [{
    theta is [N, 2, 3] (2-D) or [N, 3, 4] (3-D); `size` is the 1-D operand
    [N, C, H, W] or [N, C, D, H, W]. Coordinates span [-1, 1] over the
    element centers (align_corners) or edges.
  }];
  let arguments = (ins Kiln_FloatTensor:$theta, Kiln_IndexTensor:$size,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_DeformConvOp : Kiln_Op<"deform_conv"> {
  let summary = "2-D convolution sampling its input at learned offsets (ONNX DeformConv)";
  let description = [{
    input [N, C, H, W], weight [oC, C / group, kH, kW], offset
    [N, offset_group * 2 * kH * kW, oH, oW] as (dy, dx) per kernel element,
    then bias [oC] and mask [N, offset_group * kH * kW, oH, oW], each an
    empty tensor when omitted (zero bias, mask of ones). Samples are
    bilinear with zeros outside the input.
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$weight,
                       Kiln_FloatTensor:$offset, Kiln_FloatTensor:$bias, Kiln_FloatTensor:$mask,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group,
                       DefaultValuedAttr<I64Attr, "1">:$offset_group,
                       OptionalAttr<DenseI64ArrayAttr>:$pads,
                       OptionalAttr<DenseI64ArrayAttr>:$strides);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

#endif // KILN_IR_DETECTION_OPS_TD
