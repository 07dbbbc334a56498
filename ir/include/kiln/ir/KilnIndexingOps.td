//===- KilnIndexingOps.td - scatter/gather, sorting, selection -*- tablegen -*-===//
//
// Index-driven data movement (ONNX ScatterND, ScatterElements, GatherND,
// OneHot, ReverseSequence, GridSample), sorting and selection (TopK, Unique)
// and ops whose result size depends on the input values (NonZero, Compress,
// Unique): their result types carry `?` for those dims, and the reference
// kernels compute the sizes from the data at run time. Type inference and
// checks: ir/ops/Indexing.cpp; kernels: backends/reference/kernels/Indexing.cpp.
// Compile-time evaluation goes through the constant-folding pass (reference
// kernels), which folds only results whose type is static.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_INDEXING_OPS_TD
#define KILN_IR_INDEXING_OPS_TD

def Kiln_ScatterNDOp : Kiln_Op<"scatter_nd"> {
  let summary = "Copy of data with the slices addressed by indices replaced (or combined) by updates";
  let description = [{
    `indices` has shape [..., k] with k <= rank(data); `updates` has shape
    indices.shape[:-1] + data.shape[k:]. `reduction` is none (later updates
    of a duplicated index win), add, mul, max or min. Negative indices count
    from the back; an index out of range is a run-time error.
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices, Kiln_Tensor:$updates,
                       DefaultValuedStrAttr<StrAttr, "none">:$reduction);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_ScatterElementsOp : Kiln_Op<"scatter_elements"> {
  let summary = "out = data; out[i... with i_axis = indices[i...]] (op)= updates[i...]";
  let description = [{
    `indices` and `updates` have the same shape and the rank of `data`.
    `reduction` is none, add, mul, max or min (applied in index order).
    Negative indices count from the back; out of range is a run-time error.
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices, Kiln_Tensor:$updates,
                       DefaultValuedAttr<I64Attr, "0">:$axis,
                       DefaultValuedStrAttr<StrAttr, "none">:$reduction);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_GatherNDOp : Kiln_Op<"gather_nd"> {
  let summary = "Slices of data addressed by the index tuples in the last dim of indices";
  let description = [{
    The first `batch_dims` dims of data and indices are batch dims (equal
    sizes). With indices of shape [..., k], the result has shape
    indices.shape[:-1] + data.shape[batch_dims + k:].
  }];
  let arguments = (ins Kiln_Tensor:$data, Kiln_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_TopKOp : Kiln_Op<"top_k"> {
  let summary = "The k largest (or smallest) elements along axis and their indices";
  let description = [{
    `k` is a run-time scalar (one-element) i64 operand. Equal values keep the
    lower index first. `sorted` = false still returns them sorted (allowed by
    ONNX: the order is then unspecified).
  }];
  let arguments = (ins Kiln_NumericTensor:$input, Kiln_I64Tensor:$k,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest,
                       DefaultValuedAttr<BoolAttr, "true">:$sorted);
  let results = (outs Kiln_NumericTensor:$values, Kiln_I64Tensor:$indices);
  let assemblyFormat = KilnFormat;
}

def Kiln_OneHotOp : Kiln_Op<"one_hot"> {
  let summary = "values[1] where the new axis equals indices, values[0] elsewhere";
  let description = [{
    `depth` is a run-time scalar (any numeric type, truncated to an integer);
    `values` holds [off, on]. The result has the rank of indices plus one,
    with a dim of size depth inserted at `axis` (in [-r-1, r]). Negative
    indices count from depth; indices outside [-depth, depth) give rows of
    off values (ONNX).
  }];
  let arguments = (ins Kiln_NumericTensor:$indices, Kiln_NumericTensor:$depth,
                       Kiln_Tensor:$values, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_NonZeroOp : Kiln_Op<"non_zero"> {
  let summary = "Indices of the nonzero elements, one column per element (row-major order)";
  let description = [{
    The result is i64 of shape [rank, n] (a 0-D input counts as rank 1), n
    known only at run time.
  }];
  let arguments = (ins Kiln_Tensor:$input);
  let results = (outs Kiln_I64Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_CompressOp : Kiln_Op<"compress"> {
  let summary = "The slices along axis (or elements of the flattened input) where condition is true";
  let description = [{
    `condition` is a 1-D bool tensor; it may be shorter than the selected
    dim (missing entries count as false). Without `axis` the input is
    flattened and the result is 1-D.
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_BoolTensor:$condition,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_UniqueOp : Kiln_Op<"unique"> {
  let summary = "Unique elements (or slices along axis), first-occurrence indices, inverse indices, counts";
  let description = [{
    Without `axis` the input is flattened. `sorted` orders the unique
    values ascending (slices lexicographically); otherwise they keep the
    order of their first occurrence. Results: Y, indices (first occurrence),
    inverse_indices (for each input element or slice, its position in Y),
    counts; all i64 except Y.
  }];
  let arguments = (ins Kiln_Tensor:$input, DefaultValuedAttr<BoolAttr, "true">:$sorted,
                       OptionalAttr<I64Attr>:$axis);
  let results = (outs Kiln_Tensor:$output, Kiln_I64Tensor:$indices,
                      Kiln_I64Tensor:$inverse_indices, Kiln_I64Tensor:$counts);
  let assemblyFormat = KilnFormat;
}

def Kiln_ReverseSequenceOp : Kiln_Op<"reverse_sequence"> {
  let summary = "Reverses the first sequence_lens[b] elements along time_axis of each batch b";
  let arguments = (ins Kiln_Tensor:$input, Kiln_IndexTensor:$sequence_lens,
                       DefaultValuedAttr<I64Attr, "1">:$batch_axis,
                       DefaultValuedAttr<I64Attr, "0">:$time_axis);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_GridSampleOp : Kiln_Op<"grid_sample"> {
  let summary = "Samples input [N, C, D1..Dr] at the normalized grid [N, H1..Hr, r] locations";
  let description = [{
    `mode` is linear, nearest or cubic (ONNX GridSample-20 names; opset 16's
    bilinear and bicubic are imported as linear and cubic; cubic is 2-D
    only); `padding_mode` zeros, border or reflection; `align_corners` maps
    -1 and 1 to the centers (true) or the outer edges (false) of the corner
    elements. The result is [N, C, H1..Hr].
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$grid,
                       DefaultValuedStrAttr<StrAttr, "linear">:$mode,
                       DefaultValuedStrAttr<StrAttr, "zeros">:$padding_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$align_corners);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_NonMaxSuppressionOp : Kiln_Op<"non_max_suppression"> {
  let summary = "Per batch and class, greedy selection of boxes by score, dropping overlaps (ONNX NMS)";
  let description = [{
    boxes [B, N, 4] (corners y1 x1 y2 x2 in any order, or center_point_box:
    cx cy w h), scores [B, C, N], then three run-time scalars:
    max_output_boxes_per_class (i64), iou_threshold and score_threshold
    (f32). An omitted ONNX input is given as an empty (zero-element) tensor:
    no boxes for the first (ONNX's default 0), 0 for the IoU threshold, no
    score filter for the last. Boxes whose IoU with a selected box exceeds
    iou_threshold are suppressed; scores must exceed score_threshold. The
    result is i64 [n, 3] of (batch, class, box) triples, n known only at run
    time.
  }];
  let arguments = (ins Kiln_FloatTensor:$boxes, Kiln_FloatTensor:$scores,
                       Kiln_I64Tensor:$max_output_boxes_per_class,
                       Kiln_FloatTensor:$iou_threshold, Kiln_FloatTensor:$score_threshold,
                       DefaultValuedAttr<BoolAttr, "false">:$center_point_box);
  let results = (outs Kiln_I64Tensor:$selected_indices);
  let assemblyFormat = KilnFormat;
}

def Kiln_CenterCropPadOp : Kiln_Op<"center_crop_pad"> {
  let summary = "Center crop or zero pad the given axes to the sizes of the run-time 1-D shape operand";
  let description = [{
    `shape` (i32/i64) has one size per entry of `axes` (all axes, in order,
    when `axes` is absent). A longer dim is cropped from offset
    (in - size) / 2; a shorter one is padded with (size - in) / 2 zeros
    before and the rest after (ONNX CenterCropPad).
  }];
  let arguments = (ins Kiln_Tensor:$input, Kiln_IndexTensor:$shape,
                       OptionalAttr<DenseI64ArrayAttr>:$axes);
  let results = (outs Kiln_Tensor:$output);
  let assemblyFormat = KilnFormat;
}

def Kiln_TfIdfVectorizerOp : Kiln_Op<"tfidf_vectorizer"> {
  let summary = "Counts the pool's n-grams (with skips) in each row of integer tokens (ONNX TfIdfVectorizer)";
  let description = [{
    `input` is [N] or [B, N] of i32/i64 tokens. `pool_int64s` holds the
    n-grams grouped by length, group n starting at ngram_counts[n-1];
    `ngram_indexes` gives each pool n-gram its output column. n-grams of
    min_gram_length..max_gram_length tokens are matched with gaps of 0 to
    max_skip_count tokens between their items (unigrams once). `mode` TF
    gives counts, IDF the weight where the count is nonzero, TFIDF count
    times weight (weights default to 1). The result is f32 [max index + 1]
    or [B, max index + 1].
  }];
  let arguments = (ins Kiln_IndexTensor:$input, I64Attr:$min_gram_length, I64Attr:$max_gram_length,
                       I64Attr:$max_skip_count, StrAttr:$mode,
                       DenseI64ArrayAttr:$ngram_counts, DenseI64ArrayAttr:$ngram_indexes,
                       DenseI64ArrayAttr:$pool_int64s, OptionalAttr<DenseF32ArrayAttr>:$weights);
  let results = (outs Kiln_FloatTensor:$output);
  let assemblyFormat = KilnFormat;
}

#endif // KILN_IR_INDEXING_OPS_TD
