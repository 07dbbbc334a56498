#!/bin/sh
# Numerical proof of the optimization pipeline: every model of the test zoo
# (bench/models/generate.py, batch 1) is compiled at -O0 and at -O3, run on
# the reference plugin and on the cpu plugin, and compared with PyTorch's
# outputs; the -O3 outputs are also compared with the -O0 outputs.
#
#   o0-vs-o3.sh KILN PLUGIN_DIR ZOO_DIR WORK_DIR [MODEL...]
#
# Exit 77 (ctest: skipped) when the zoo could not be generated (no torch).
set -eu
kiln=$1 plugins=$2 zoo=$3 work=$4
shift 4
models=${*:-"mlp mnist_cnn squeezenet1_1 mobilenet_v2 resnet18 bert_encoder"}
if [ ! -f "$zoo/manifest.json" ]; then
  echo "SKIPPED: no test zoo in $zoo (bench/models/generate.py needs python3-torch, torchvision, onnx)"
  exit 77
fi
mkdir -p "$work"
targets="reference"
[ -f "$plugins/libkiln_plugin_cpu.so" ] && targets="reference cpu"
fail=0
for m in $models; do
  case $m in
    bert_encoder)
      ins="--input input_ids=$zoo/$m.b1.input_ids.npy --input attention_mask=$zoo/$m.b1.attention_mask.npy"
      shapes="--input-shape input_ids=1x128 --input-shape attention_mask=1x128"
      out=last_hidden_state ;;
    *)
      ins="--input $zoo/$m.b1.input.npy"; shapes=""; out=logits ;;
  esac
  for t in $targets; do
    for o in 0 3; do
      # shellcheck disable=SC2086
      "$kiln" compile "$zoo/$m.onnx" -O$o $shapes --target "$t,reference" --plugin-path "$plugins" \
        -o "$work/$m.O$o.$t.kiln" > "$work/$m.O$o.$t.compile.txt"
      grep "ops:" "$work/$m.O$o.$t.compile.txt" | sed "s/^ */$m $t: /"
      rm -rf "$work/$m.O$o.$t.out"
      # shellcheck disable=SC2086
      if ! "$kiln" run "$work/$m.O$o.$t.kiln" $ins --plugin-path "$plugins" --output-dir "$work/$m.O$o.$t.out" \
           --expect "$out=$zoo/$m.b1.$out.expected.npy" --rtol 1e-3 --atol 1e-4 | grep "expect"; then
        echo "FAIL: $m -O$o on $t does not match PyTorch"; fail=1
      fi
    done
    # -O3 against -O0 on the same plugin.
    # shellcheck disable=SC2086
    if ! "$kiln" run "$work/$m.O3.$t.kiln" $ins --plugin-path "$plugins" \
         --expect "$out=$work/$m.O0.$t.out/$out.npy" --rtol 1e-3 --atol 1e-4 | grep "expect"; then
      echo "FAIL: $m -O3 differs from -O0 on $t"; fail=1
    fi
  done
done
exit $fail
