#!/usr/bin/env node
// ONNX Runtime side of kiln's CPU benchmark (bench/run.py runs it).
//
//   node bench/ort/run_ort.js --model M.onnx --input NAME=FILE.npy [...]
//        [--threads N] [--warmup N] [--warmup-ms MS] [--iterations N] [--output-dir DIR]
//   node bench/ort/run_ort.js --floor [--threads N] [--iterations N]
//
// Creates a session with all graph optimizations, intra-op threads = N and
// inter-op threads = 1 (sequential execution), times the session creation,
// runs the warm-up, then times each run. Prints one JSON object on stdout:
//   {"runtime":"onnxruntime-node","version":..,"load_ms":..,"runs_ms":[..],
//    "median_ms":..,"p90_ms":..,"peak_rss_kib":..}
// --output-dir writes each output of the last run as OUTPUT.npy.
// --floor measures Node's per-call floor: a one-op model (Identity on one
// float) built in memory.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function die(msg) {
  process.stderr.write(`run_ort.js: ${msg}\n`);
  process.exit(2);
}

// ---- .npy (version 1/2/3, little-endian, C order) -------------------------
const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '<i8': ['int64', BigInt64Array], '<i4': ['int32', Int32Array],
  '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array], '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    die(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) die(`${file}: malformed .npy header`);
  if (fortran[1] === 'True') die(`${file}: Fortran order is not supported`);
  const t = NPY_TYPES[descr[1]];
  if (!t) die(`${file}: unsupported dtype ${descr[1]}`);
  const dims = shape[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const off = hstart + hlen;
  const bytes = count * t[1].BYTES_PER_ELEMENT;
  if (buf.length < off + bytes) die(`${file}: truncated data`);
  const copy = new ArrayBuffer(bytes);
  new Uint8Array(copy).set(buf.subarray(off, off + bytes));
  return new ort.Tensor(t[0], new t[1](copy), dims);
}

function writeNpy(file, tensor) {
  const descr = { float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4' }[tensor.type];
  if (!descr) return;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${tensor.dims.join(', ')}${tensor.dims.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const d = tensor.data;
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
    Buffer.from(d.buffer, d.byteOffset, d.byteLength)]));
}

// ---- a one-op ONNX model (Identity on float[1]), written by hand -----------
function varint(n) {
  const out = [];
  while (n > 127) { out.push((n & 127) | 128); n >>>= 7; }
  out.push(n);
  return Buffer.from(out);
}
function field(num, payload) { // length-delimited
  return Buffer.concat([varint((num << 3) | 2), varint(payload.length), payload]);
}
function fieldInt(num, v) { return Buffer.concat([varint(num << 3), varint(v)]); }
function str(s) { return Buffer.from(s, 'utf8'); }

function identityModel() {
  const node = Buffer.concat([field(1, str('x')), field(2, str('y')), field(4, str('Identity'))]);
  const dim = field(1, fieldInt(1, 1));                                  // Dimension{dim_value=1}
  const shape = field(2, dim);                                           // TensorShapeProto
  const tensorType = Buffer.concat([fieldInt(1, 1), shape]);             // elem_type FLOAT
  const type = field(1, tensorType);                                     // TypeProto.tensor_type
  const vi = (n) => Buffer.concat([field(1, str(n)), field(2, type)]);   // ValueInfoProto
  const graph = Buffer.concat([field(1, node), field(2, str('floor')),
    field(11, vi('x')), field(12, vi('y'))]);
  const opset = fieldInt(2, 13);                                         // OperatorSetId{version}
  return Buffer.concat([fieldInt(1, 8), field(7, graph), field(8, opset)]);
}

function peakRssKiB() {
  try {
    const m = /VmHWM:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch (e) { return null; }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main() {
  const a = process.argv.slice(2);
  let model = null, threads = 1, warmup = 5, warmupMs = 0, iterations = 50, outputDir = null, floor = false;
  const inputs = [];
  for (let i = 0; i < a.length; ++i) {
    const need = () => { if (i + 1 >= a.length) die(`${a[i]} needs a value`); return a[++i]; };
    switch (a[i]) {
      case '--model': model = need(); break;
      case '--input': inputs.push(need()); break;
      case '--threads': threads = Number(need()); break;
      case '--warmup': warmup = Number(need()); break;
      case '--warmup-ms': warmupMs = Number(need()); break;
      case '--iterations': iterations = Number(need()); break;
      case '--output-dir': outputDir = need(); break;
      case '--floor': floor = true; break;
      default: die(`unknown option '${a[i]}'`);
    }
  }
  if (!floor && !model) die('no --model given');
  if (!(threads >= 1) || !(iterations >= 1) || !(warmup >= 0)) die('bad --threads/--iterations/--warmup');

  const opts = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const t0 = process.hrtime.bigint();
  const session = floor ? await ort.InferenceSession.create(identityModel(), opts)
                        : await ort.InferenceSession.create(model, opts);
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const feeds = {};
  if (floor) {
    feeds.x = new ort.Tensor('float32', new Float32Array([1]), [1]);
  } else {
    for (const spec of inputs) {
      const eq = spec.indexOf('=');
      let name = eq < 0 ? null : spec.slice(0, eq);
      const file = eq < 0 ? spec : spec.slice(eq + 1);
      if (name === null) {
        if (session.inputNames.length !== 1)
          die(`the model has ${session.inputNames.length} inputs: name them with --input NAME=FILE`);
        name = session.inputNames[0];
      }
      if (!session.inputNames.includes(name)) die(`the model has no input '${name}'`);
      feeds[name] = readNpy(file);
    }
    for (const n of session.inputNames)
      if (!feeds[n]) die(`no value for input '${n}'`);
  }

  let out = null;
  // Warm-up: at least `warmup` runs and at least `warmupMs` of them.
  const w0 = process.hrtime.bigint();
  for (let k = 0; k < warmup || Number(process.hrtime.bigint() - w0) / 1e6 < warmupMs; ++k)
    out = await session.run(feeds);
  const runs = [];
  for (let k = 0; k < iterations; ++k) {
    const s = process.hrtime.bigint();
    out = await session.run(feeds);
    runs.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  if (outputDir) {
    fs.mkdirSync(outputDir, { recursive: true });
    for (const n of session.outputNames) writeNpy(path.join(outputDir, `${n}.npy`), out[n]);
  }
  const sorted = [...runs].sort((x, y) => x - y);
  let version = null;
  try { version = require('onnxruntime-node/package.json').version; } catch (e) { /* unknown */ }
  process.stdout.write(JSON.stringify({
    runtime: 'onnxruntime-node', version, model: floor ? '(one Identity op)' : model, threads,
    load_ms: loadMs, warmup, iterations, runs_ms: runs,
    median_ms: percentile(sorted, 0.5), p90_ms: percentile(sorted, 0.9),
    peak_rss_kib: peakRssKiB(),
  }) + '\n');
}

main().catch(e => die(e && e.message ? e.message : String(e)));
