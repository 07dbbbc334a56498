// Invalid kiln.custom ops.
// RUN: %kiln-opt %s -split-input-file -verify-diagnostics

func.func @empty_domain(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.custom' op domain must not be empty}}
  %0 = kiln.custom %x {domain = "", op_type = "MyOp"} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @empty_op_type(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.custom' op op_type must not be empty}}
  %0 = kiln.custom %x {domain = "com.example", op_type = ""} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @standard_domain(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.custom' op domain 'ai.onnx' is the standard ONNX domain, not a custom one}}
  %0 = kiln.custom %x {domain = "ai.onnx", op_type = "Relu"} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @missing_op_type(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.custom' op requires attribute 'op_type'}}
  %0 = kiln.custom %x {domain = "com.example"} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @bad_attribute(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.custom' op attribute 'f' must be an integer, float, string, int/float/string list or tensor, got @sym}}
  %0 = kiln.custom %x {domain = "com.example", op_type = "MyOp", node_attrs = {f = @sym}} : (tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @not_a_dictionary(%x: tensor<2xf32>) {
  // expected-error @+1 {{'kiln.custom' op attribute 'node_attrs' failed to satisfy constraint: dictionary of named attribute values}}
  %0 = kiln.custom %x {domain = "com.example", op_type = "MyOp", node_attrs = 3 : i64} : (tensor<2xf32>) -> tensor<2xf32>
  return
}
