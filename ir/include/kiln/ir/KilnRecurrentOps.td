//===- KilnRecurrentOps.td - RNN, GRU and LSTM layers ----------*- tablegen -*-===//
//
// The ONNX recurrent layers as single ops (ONNX semantics and gate orders:
// GRU z r h, LSTM i o f c). Operands in ONNX order; an omitted optional ONNX
// input (B, sequence_lens, initial_h, initial_c, P) is given as an empty
// (zero-element) tensor, meaning zero bias, full-length sequences and zero
// initial states. `activations` lists one comma-separated name per function
// and direction ("Sigmoid,Tanh,Tanh" for a forward LSTM), each with its
// alpha/beta taken in order from activation_alpha/activation_beta by the
// functions that have them; empty means the defaults. `clip` > 0 clips the
// gate pre-activations to [-clip, clip]. `layout` 1 puts batch first in X,
// Y, Y_h and Y_c. Inference: ir/ops/Recurrent.cpp; kernels:
// backends/reference/kernels/Recurrent.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_IR_RECURRENT_OPS_TD
#define KILN_IR_RECURRENT_OPS_TD

class Kiln_RecurrentOp<string mnemonic, dag extraOperands, dag extraAttrs, dag res>
    : Kiln_Op<mnemonic> {
  let arguments = !con((ins Kiln_FloatTensor:$X, Kiln_FloatTensor:$W, Kiln_FloatTensor:$R,
                            Kiln_FloatTensor:$B, Kiln_IndexTensor:$sequence_lens,
                            Kiln_FloatTensor:$initial_h),
                       extraOperands,
                       (ins I64Attr:$hidden_size,
                            DefaultValuedStrAttr<StrAttr, "forward">:$direction,
                            DefaultValuedStrAttr<StrAttr, "">:$activations,
                            OptionalAttr<DenseF32ArrayAttr>:$activation_alpha,
                            OptionalAttr<DenseF32ArrayAttr>:$activation_beta,
                            DefaultValuedAttr<F64Attr, "0.0">:$clip,
                            DefaultValuedAttr<I64Attr, "0">:$layout),
                       extraAttrs);
  let results = res;
  let assemblyFormat = KilnFormat;
}

def Kiln_RNNOp : Kiln_RecurrentOp<"rnn", (ins), (ins),
    (outs Kiln_FloatTensor:$Y, Kiln_FloatTensor:$Y_h)> {
  let summary = "Elman RNN layer: H = f(X Wᵀ + H R ᵀ + Wb + Rb) (ONNX RNN)";
}

def Kiln_GRUOp : Kiln_RecurrentOp<"gru", (ins),
    (ins DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset),
    (outs Kiln_FloatTensor:$Y, Kiln_FloatTensor:$Y_h)> {
  let summary = "GRU layer (ONNX GRU, gates z r h)";
}

def Kiln_LSTMOp : Kiln_RecurrentOp<"lstm",
    (ins Kiln_FloatTensor:$initial_c, Kiln_FloatTensor:$P),
    (ins DefaultValuedAttr<BoolAttr, "false">:$input_forget),
    (outs Kiln_FloatTensor:$Y, Kiln_FloatTensor:$Y_h, Kiln_FloatTensor:$Y_c)> {
  let summary = "LSTM layer (ONNX LSTM, gates i o f c, optional peepholes P)";
}

#endif // KILN_IR_RECURRENT_OPS_TD
