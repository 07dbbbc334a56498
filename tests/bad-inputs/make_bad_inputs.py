#!/usr/bin/env python3
"""Regenerates the onnx/, kiln/, npy/ and pb/ files of the bad-input catalogue
(the output is committed; each file's .expect is written by hand next to
it). Needs Debian's python3-onnx and python3-numpy. The .kiln cases start
from a valid artifact: pass one (e.g. `kiln compile
tests/fuzz/corpus/fuzz_onnx_graph/matmul_gemm.onnx -o /tmp/mm.kiln`).

  tests/bad-inputs/make_bad_inputs.py /tmp/mm.kiln [/tmp/mms.kiln]

(the second, optional: a sharded artifact for the kiln/shard_* cases; see
the end of this file)

(pickle/ and zip/ belong to the TorchScript readers and have their own
generator.)"""
import io, os, struct, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto as TP

here = os.path.dirname(os.path.abspath(__file__))
f32 = np.float32


def put(path, data):
    path = os.path.join(here, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def vi(name, shape, t=TP.FLOAT):
    return helper.make_tensor_value_info(name, t, shape)


def model(nodes, inputs, outputs, inits=(), opset=17):
    g = helper.make_graph(nodes, "bad", inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="kiln-bad-inputs")
    m.ir_version = 8
    return m.SerializeToString()


def flip(data, at, mask=0xff):
    b = bytearray(data)
    b[at] ^= mask
    return bytes(b)


# --- ONNX ----------------------------------------------------------------------
good = model([helper.make_node("Add", ["x", "b"], ["y"])], [vi("x", [2, 3])], [vi("y", [2, 3])],
             [numpy_helper.from_array(np.arange(6, dtype=f32).reshape(2, 3), "b")])
put("onnx/truncated.onnx", good[: len(good) // 2])
put("onnx/empty.onnx", b"")
# The graph field's length varint made absurd: it now claims more than the file.
at = good.index(b"\x3a")  # ModelProto.graph, field 7, wire type 2
put("onnx/bitflip_graph_length.onnx", good[:at + 1] + b"\xff\xff\xff\x7f" + good[at + 2:])
# A flipped bit in a field tag: wire type 7 does not exist.
put("onnx/bitflip_wire_type.onnx", flip(good, 0, 0x07))
put("onnx/random_bytes.onnx", bytes((i * 197 + 91) & 0xff for i in range(512)))

# c is consumed before it is produced (x -> a -> c -> a ...).
put("onnx/cycle.onnx", model([helper.make_node("Add", ["x", "c"], ["a"]),
                              helper.make_node("Relu", ["a"], ["c"])],
                             [vi("x", [2])], [vi("c", [2])]))
put("onnx/dangling_input.onnx", model([helper.make_node("Relu", ["nowhere"], ["y"])],
                                      [vi("x", [2])], [vi("y", [2])]))
put("onnx/dangling_output.onnx", model([helper.make_node("Relu", ["x"], ["y"])],
                                       [vi("x", [2])], [vi("z", [2])]))
put("onnx/duplicate_output.onnx", model([helper.make_node("Relu", ["x"], ["y"]),
                                         helper.make_node("Neg", ["x"], ["y"])],
                                        [vi("x", [2])], [vi("y", [2])]))
# Dims whose product overflows int64: 2^32 * 2^32 * 4.
big = numpy_helper.from_array(np.zeros(1, f32), "w")
del big.dims[:]
big.dims.extend([1 << 32, 1 << 32, 4])
put("onnx/dims_overflow_int64.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])],
                                           [vi("x", [1])], [vi("y", None)], [big]))
# A graph input whose dims overflow when multiplied, through ops that multiply them.
put("onnx/input_dims_overflow_flatten.onnx",
    model([helper.make_node("Flatten", ["x"], ["y"], axis=0)],
          [vi("x", [1 << 62, 1 << 62, 16])], [vi("y", None)]))
put("onnx/input_dims_overflow_reshape.onnx",
    model([helper.make_node("Reshape", ["x", "s"], ["y"])],
          [vi("x", [1 << 40, 1 << 40])], [vi("y", None)],
          [numpy_helper.from_array(np.array([-1], np.int64), "s")]))
# A tensor that claims 10^12 float elements with 4 bytes behind them.
huge = numpy_helper.from_array(np.zeros(1, f32), "w")
del huge.dims[:]
huge.dims.extend([1000000, 1000000])
put("onnx/tensor_1e12_elements.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])],
                                            [vi("x", [1])], [vi("y", None)], [huge]))
# The same claim through Constant / ConstantOfShape attributes.
c = helper.make_tensor("v", TP.FLOAT, [1], [1.0])
del c.dims[:]
c.dims.extend([1000000, 1000000])
put("onnx/constant_1e12_elements.onnx", model([helper.make_node("Constant", [], ["y"], value=c)],
                                              [], [vi("y", None)]))


def external(location, offset=None, length=None, dims=(4,)):
    t = helper.make_tensor("w", TP.FLOAT, list(dims), [0.0] * int(np.prod(dims)))
    t.ClearField("float_data")
    t.data_location = TP.EXTERNAL
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = t.external_data.add()
            e.key, e.value = k, str(v)
    return model([helper.make_node("Add", ["x", "w"], ["y"])], [vi("x", list(dims))],
                 [vi("y", list(dims))], [t])


put("onnx/weights.bin", np.arange(8, dtype=f32).tobytes())  # 32 bytes, side file
put("onnx/external_parent_dir.onnx", external("../outside.bin"))
put("onnx/external_absolute.onnx", external("/etc/passwd"))
put("onnx/external_past_end.onnx", external("weights.bin", offset=16, length=32, dims=(8,)))
put("onnx/external_offset_past_end.onnx", external("weights.bin", offset=4096))
put("onnx/external_missing_file.onnx", external("no-such-file.bin"))
put("onnx/external_negative_offset.onnx", external("weights.bin", offset=-8))
put("onnx/opset_future.onnx", model([helper.make_node("Relu", ["x"], ["y"])],
                                    [vi("x", [2])], [vi("y", [2])], opset=99))
put("onnx/unknown_op.onnx", model([helper.make_node("NoSuchOp", ["x"], ["y"])],
                                  [vi("x", [2])], [vi("y", [2])]))
# Constant indices out of range (ScatterND, GatherND): refused at compile time.
put("onnx/scatternd_index_out_of_range.onnx",
    model([helper.make_node("ScatterND", ["x", "i", "u"], ["y"])],
          [vi("x", [4, 3]), vi("u", [1, 3])], [vi("y", [4, 3])],
          [numpy_helper.from_array(np.array([[4]], np.int64), "i")]))
put("onnx/gathernd_index_out_of_range.onnx",
    model([helper.make_node("GatherND", ["x", "i"], ["y"])],
          [vi("x", [4, 3])], [vi("y", [1])],
          [numpy_helper.from_array(np.array([[0, -4]], np.int64), "i")]))


# Nesting deeper than ParseLimits::maxDepth: a sequence of sequences of ...
def nested_type(depth):
    t = helper.make_tensor_type_proto(TP.FLOAT, [1])
    for _ in range(depth):
        t = helper.make_sequence_type_proto(t)
    return t


deep = helper.make_value_info("x", nested_type(5000))
g = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "deep", [deep], [deep])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
put("onnx/deep_nesting.onnx", m.SerializeToString())
# Nested subgraphs (If branches) deeper than the limit, hand-encoded so that
# onnx's own serializer does not recurse: GraphProto{node{attribute{g: ...}}}.


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def field(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


inner = b""
for _ in range(200):
    attr = field(1, b"then_branch") + varint(20 << 3) + varint(5) + field(6, inner)
    inner = field(1, field(4, b"If") + field(5, attr))
put("onnx/deep_subgraphs.onnx", varint(1 << 3) + varint(8) + field(7, inner) +
    field(8, field(1, b"") + varint(2 << 3) + varint(17)))

# --- TensorProto (.pb, kiln run --input) -------------------------------------------
tp = numpy_helper.from_array(np.arange(6, dtype=f32).reshape(2, 3), "x").SerializeToString()
put("pb/truncated.pb", tp[: len(tp) - 5])
put("pb/bitflip_wire_type.pb", flip(tp, 0, 0x07))
t = numpy_helper.from_array(np.zeros(1, f32), "x")
del t.dims[:]
t.dims.extend([1000000, 1000000])
put("pb/claims_1e12_elements.pb", t.SerializeToString())
t = numpy_helper.from_array(np.zeros(1, f32), "x")
del t.dims[:]
t.dims.extend([1 << 32, 1 << 32, 4])
put("pb/dims_overflow_int64.pb", t.SerializeToString())
put("pb/string_tensor.pb", helper.make_tensor("x", TP.STRING, [1], [b"a"]).SerializeToString())
t = helper.make_tensor("x", TP.FLOAT, [2], [1.0, 2.0])
t.raw_data = b"\0" * 8
put("pb/two_data_fields.pb", t.SerializeToString())

# --- .npy (kiln run --input) ---------------------------------------------------------
b = io.BytesIO()
np.save(b, np.arange(6, dtype=f32).reshape(2, 3))
npy = b.getvalue()
put("npy/truncated_data.npy", npy[:-8])
put("npy/truncated_header.npy", npy[:40])
put("npy/bad_magic.npy", flip(npy, 1))
put("npy/bitflip_version.npy", flip(npy, 6, 0x08))


def npy_header(d, version=1):
    h = repr(d).encode() + b" " * 8 + b"\n"
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(h)) + h


put("npy/claims_1e12_elements.npy",
    npy_header({"descr": "<f4", "fortran_order": False, "shape": (1000000, 1000000)}) + b"\0" * 16)
put("npy/shape_overflow.npy",
    npy_header({"descr": "<f4", "fortran_order": False, "shape": (1 << 62, 1 << 62)}) + b"\0" * 16)
put("npy/negative_dim.npy", npy_header({"descr": "<f4", "fortran_order": False, "shape": (-2, 3)}))
put("npy/big_endian.npy", npy_header({"descr": ">f4", "fortran_order": False, "shape": (2,)}) + b"\0" * 8)
put("npy/fortran_order.npy", npy_header({"descr": "<f4", "fortran_order": True, "shape": (2, 2)}) + b"\0" * 16)
put("npy/object_dtype.npy", npy_header({"descr": "|O", "fortran_order": False, "shape": (1,)}) + b"\0" * 8)
put("npy/no_shape.npy", npy_header({"descr": "<f4", "fortran_order": False}))
put("npy/header_len_past_end.npy", b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{'descr': '<f4'")

# --- .kiln artifacts (kiln inspect --verify) -------------------------------------------
if len(sys.argv) > 1:
    import zlib
    art = open(sys.argv[1], "rb").read()
    try:
        import crcmod  # noqa: not in Debian's default install
    except ImportError:
        crcmod = None

    def crc32c(data):  # Castagnoli, bitwise (small inputs only)
        crc = 0xffffffff
        for byte in data:
            crc ^= byte
            for _ in range(8):
                crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
        return crc ^ 0xffffffff

    def u32(b, at): return struct.unpack_from("<I", b, at)[0]
    def u64(b, at): return struct.unpack_from("<Q", b, at)[0]

    def reseal(b):
        """Recomputes the table and header checksums after an edit."""
        b = bytearray(b)
        table, count = u64(b, 32), u32(b, 40)
        if table + count * 32 <= len(b):
            struct.pack_into("<I", b, 44, crc32c(b[table:table + count * 32]))
        struct.pack_into("<I", b, 48, crc32c(b[:48]))
        return bytes(b)

    assert crc32c(art[:48]) == u32(art, 48), "CRC-32C mismatch: is this a kiln artifact?"
    table, count = u64(art, 32), u32(art, 40)
    sections = {u32(art, table + 32 * i): (table + 32 * i, u64(art, table + 32 * i + 8),
                                           u64(art, table + 32 * i + 16)) for i in range(count)}
    put("kiln/empty.kiln", b"")
    put("kiln/truncated.kiln", art[: len(art) - 40])
    put("kiln/truncated_header.kiln", art[:30])
    put("kiln/bad_magic.kiln", flip(art, 1))
    put("kiln/header_checksum.kiln", flip(art, 20, 0x01))
    entry, goff, glen = sections[2]
    put("kiln/bitflip_graph.kiln", flip(art, goff + glen // 2, 0x10))
    entry, moff, mlen = sections[1]
    put("kiln/bitflip_metadata.kiln", flip(art, moff + 2, 0x01))
    b = bytearray(art); struct.pack_into("<I", b, 8, 2)
    put("kiln/format_version_future.kiln", reseal(b))
    b = bytearray(art); struct.pack_into("<Q", b, 32, len(art) + 4096)
    put("kiln/section_table_past_end.kiln", reseal(b))
    b = bytearray(art); struct.pack_into("<I", b, 40, 1 << 20)
    put("kiln/section_count_absurd.kiln", reseal(b))
    entry, goff, glen = sections[2]
    b = bytearray(art); struct.pack_into("<Q", b, entry + 16, len(art))
    put("kiln/section_past_end.kiln", reseal(b))
    b = bytearray(art); struct.pack_into("<Q", b, entry + 8, (1 << 64) - 8)
    put("kiln/section_offset_wraps.kiln", reseal(b))
    entry, woff, wlen = sections[3]
    assert wlen > 0, "the artifact needs weights"
    put("kiln/weight_checksum.kiln", flip(art, woff + 1, 0x01))
    b = bytearray(art); struct.pack_into("<I", b, 24, len(art) * 2)
    put("kiln/size_mismatch.kiln", reseal(b))
    b = bytearray(art); struct.pack_into("<I", b, sections[1][0], 99); struct.pack_into("<I", b, sections[2][0], 98)
    put("kiln/sections_missing.kiln", reseal(b))

# --- sharded .kiln artifacts (format 1.2; kiln inspect --verify) -----------------------
# Pass a sharded artifact as the second argument, e.g. `kiln compile
# tests/fuzz/corpus/fuzz_onnx_graph/matmul_gemm.onnx --target reference
# --shard-size 64 -o /tmp/mms.kiln` (3 shards). Each case is a main file
# kiln/shard_*.kiln whose shard table names its own shard files next to it
# (side files, no .expect); the fuzz targets replay the main files from
# memory, where their shards cannot be found.
if len(sys.argv) > 2:
    sart_path = os.path.abspath(sys.argv[2])
    sart = open(sart_path, "rb").read()
    sdir = os.path.dirname(sart_path)

    def varint(v):
        out = bytearray()
        while v >= 0x80:
            out.append((v & 0x7f) | 0x80)
            v >>= 7
        out.append(v)
        return bytes(out)

    def fields(b):
        """(field, value) pairs of a protobuf message (varints and bytes only)."""
        i, out = 0, []
        while i < len(b):
            key, shift = 0, 0
            while True:
                c = b[i]; i += 1; key |= (c & 0x7f) << shift; shift += 7
                if c < 0x80: break
            f, t = key >> 3, key & 7
            v, shift = 0, 0
            while True:
                c = b[i]; i += 1; v |= (c & 0x7f) << shift; shift += 7
                if c < 0x80: break
            if t == 2:
                v, i = b[i:i + v], i + v
            out.append((f, v))
        return out

    def bytes_field(f, v): return varint((f << 3) | 2) + varint(len(v)) + v
    def uint_field(f, v): return varint(f << 3) + varint(v)

    table, count = u64(sart, 32), u32(sart, 40)
    entry = next(table + 32 * i for i in range(count) if u32(sart, table + 32 * i) == 5)
    toff, tlen = u64(sart, entry + 8), u64(sart, entry + 16)
    art_id, shards = b"", []
    for f, v in fields(sart[toff:toff + tlen]):
        if f == 1: art_id = v
        elif f == 2:
            e = dict(fields(v))
            shards.append([e[1].decode(), e[2], e[3]])
    blobs = [open(os.path.join(sdir, s_[0]), "rb").read() for s_ in shards]
    n = len(shards)
    assert n >= 3, "the sharded artifact needs at least 3 shards (use a tiny --shard-size)"

    def with_table(entries, ident=None):
        """The main file with its shard table replaced (appended, then resealed)."""
        t = bytes_field(1, ident if ident is not None else art_id)
        for name, size, crc in entries:
            t += bytes_field(2, bytes_field(1, name.encode()) + uint_field(2, size) + uint_field(3, crc))
        b = bytearray(sart[:table])
        b += b"\0" * (-len(b) % 8)
        new_off = len(b)
        b += t
        b += b"\0" * (-len(b) % 8)
        sect = bytearray(sart[table:table + count * 32])
        at = entry - table
        struct.pack_into("<QQI", sect, at + 8, new_off, len(t), crc32c(t))
        new_table = len(b)
        b += sect
        struct.pack_into("<Q", b, 24, len(b))
        struct.pack_into("<Q", b, 32, new_table)
        return reseal(b)

    def shard_case(case, files=None, edit_entries=None, skip=(), ident=None):
        names = [f"{case}.w{k:05d}-of-{n:05d}" for k in range(1, n + 1)]
        entries = [[names[k], shards[k][1], shards[k][2]] for k in range(n)]
        if edit_entries:
            edit_entries(entries)
        put(f"kiln/{case}", with_table(entries, ident))
        for k in range(n):
            if k not in skip:
                put(f"kiln/{names[k]}", (files or blobs)[k])

    def reseal_shard(b):
        b = bytearray(b)
        struct.pack_into("<I", b, 60, crc32c(b[:60]))
        return bytes(b)

    shard_case("shard_missing.kiln", skip={1})
    shard_case("shard_truncated.kiln", files=[blobs[0][:-8]] + blobs[1:])
    other = bytearray(blobs[0]); other[32] ^= 0xff  # another compile's artifact id
    shard_case("shard_other_artifact.kiln", files=[reseal_shard(other)] + blobs[1:])
    shard_case("shard_wrong_index.kiln", files=[blobs[1], blobs[0]] + blobs[2:])

    def shorter(e): e[0][1] -= 16  # shard 1: 48 bytes of weight, 32 in the table
    # Refused before any shard is opened: no side files needed.
    shard_case("shard_weight_past_end.kiln", edit_entries=shorter, skip=range(n))
    def sep(e): e[0][0] = "../" + e[0][0]
    shard_case("shard_name_separator.kiln", edit_entries=sep, skip=range(n))
    def dotdot(e): e[0][0] = e[0][0] + ".."
    shard_case("shard_name_dotdot.kiln", edit_entries=dotdot, skip=range(n))
    flipped = bytearray(blobs[0]); flipped[64 + 3] ^= 0x01
    shard_case("shard_weight_checksum.kiln", files=[bytes(flipped)] + blobs[1:])
    shard_case("shard_bad_magic.kiln", files=[b"PK" + blobs[0][2:]] + blobs[1:])
print("written under", here)
