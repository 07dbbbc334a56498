#!/usr/bin/python3
"""Writes the malicious PyTorch-format inputs committed under
tests/bad-inputs/pickle/ and tests/bad-inputs/zip/ (each FILE with a
FILE.expect holding a substring of the error kiln must give). Needs no torch:
every byte is written by hand here.

    python3 frontends/torch/tests/make_bad_inputs.py [REPO_ROOT]
"""
import os
import struct
import sys
import zlib

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "..")
PKL = os.path.join(ROOT, "tests", "bad-inputs", "pickle")
ZIP = os.path.join(ROOT, "tests", "bad-inputs", "zip")
ST = os.path.join(ROOT, "tests", "bad-inputs", "safetensors")
os.makedirs(ST, exist_ok=True)
os.makedirs(PKL, exist_ok=True)
os.makedirs(ZIP, exist_ok=True)


def write(folder, name, data, expect):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    with open(os.path.join(folder, name + ".expect"), "w") as f:
        f.write(expect + "\n")


P2 = b"\x80\x02"


def glob(mod, name):
    return b"c" + mod.encode() + b"\n" + name.encode() + b"\n"


def ustr(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def call1(mod, name, arg):
    return glob(mod, name) + ustr(arg) + b"\x85R"


# --- pickles -------------------------------------------------------------------
write(PKL, "os_system.pkl", P2 + call1("os", "system", "touch /tmp/kiln-pwned") + b".",
      "GLOBAL 'os.system' is forbidden")
write(PKL, "posix_system.pkl", P2 + call1("posix", "system", "touch /tmp/kiln-pwned") + b".",
      "GLOBAL 'posix.system' is forbidden")
write(PKL, "builtins_eval.pkl", P2 + call1("builtins", "eval", "__import__('os').system('id')") + b".",
      "GLOBAL 'builtins.eval' is forbidden")
write(PKL, "py2_builtin_exec.pkl", P2 + call1("__builtin__", "exec", "import os") + b".",
      "GLOBAL 'builtins.exec' is forbidden")
write(PKL, "subprocess_popen.pkl",
      P2 + glob("subprocess", "Popen") + b"(" + ustr("id") + b"t\x85R.",
      "GLOBAL 'subprocess.Popen' is forbidden")
# What pickle.dumps(Evil(), protocol=2) writes for a class defining __reduce__
# in __main__: the class itself is the first thing refused.
write(PKL, "reduce_class.pkl",
      P2 + glob("copy_reg", "_reconstructor") + b"q\x00" + glob("__main__", "Evil") +
      glob("__builtin__", "object") + b"N\x87R.",
      "GLOBAL 'copyreg._reconstructor' is forbidden")
write(PKL, "main_class.pkl", P2 + glob("__main__", "Evil") + b")\x81}b.",
      "GLOBAL '__main__.Evil' is not allowed")
# Nested REDUCE: an allowed callable (set) whose argument is itself a REDUCE
# of a dangerous one.
write(PKL, "nested_reduce.pkl",
      P2 + glob("builtins", "set") + glob("builtins", "getattr") +
      glob("builtins", "object") + ustr("__subclasses__") + b"\x86R\x85R.",
      "GLOBAL 'builtins.getattr' is forbidden")
# Allowed global, disallowed use: NEWOBJ of OrderedDict, BUILD on a list.
write(PKL, "newobj_not_class.pkl", P2 + glob("collections", "OrderedDict") + b")\x81.",
      "NEWOBJ of 'collections.OrderedDict' is not allowed")
write(PKL, "build_on_list.pkl", P2 + b"]}" + ustr("__class__") + b"Nsb.",
      "BUILD on a list")
# Memo tricks: a dict mutated after it was stored in a list (a cycle), and
# BINGET of a slot never written.
write(PKL, "memo_cycle.pkl", P2 + b"]q\x01}q\x00ah\x00" + ustr("self") + b"h\x01s.",
      "memo trick")
write(PKL, "memo_undefined.pkl", P2 + b"h\x07.", "memo index 7 is not defined")
write(PKL, "memo_huge_index.pkl", P2 + b"Nr\xff\xff\xff\xff.", "PickleLimits::maxMemo")
# Deep nesting (small files; the gtests also build 1e6-deep streams in memory).
write(PKL, "deep_lists.pkl", P2 + b"]" * 5000 + b"a" * 4999 + b".",
      "nesting deeper than PickleLimits::maxDepth")
write(PKL, "deep_tuples.pkl", P2 + b")" + b"\x85" * 3000 + b".",
      "nesting deeper than PickleLimits::maxDepth")
write(PKL, "many_marks.pkl", P2 + b"(" * 5000 + b"N.", "PickleLimits::maxMarks")
# Huge length fields.
write(PKL, "huge_string.pkl", P2 + b"X\xff\xff\xff\xffabc.",
      "string length 4294967295 exceeds")
write(PKL, "huge_short_string.pkl", P2 + b"U\xf0abc.", "string length 240 exceeds")
write(PKL, "huge_long.pkl", P2 + b"\x8a\xff" + b"\x01" * 16 + b".", "does not fit in 64 bits")
# Opcodes outside the protocol-2 subset.
write(PKL, "protocol4_frame.pkl", b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N.",
      "unsupported opcode 0x95")
write(PKL, "inst_opcode.pkl", P2 + b"(ios\nsystem\nX\x02\x00\x00\x00id.",
      "unsupported opcode 0x69 'i'")
write(PKL, "persistent_id.pkl", P2 + ustr("/etc/passwd") + b"Q.",
      "persistent ids (storages) are only valid inside torch.save files")
write(PKL, "truncated.pkl", P2 + b"}(" + ustr("a"), "no STOP opcode")


# --- zip archives ----------------------------------------------------------------
def zipfile_bytes(records, zip64=False):
    """records: (name, data, method, declared_usize or None)."""
    out = bytearray()
    central = []
    for name, data, method, declared in records:
        nb = name.encode()
        body = data
        if method == 8:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            body = c.compress(data) + c.flush()
        crc = zlib.crc32(data) & 0xffffffff
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0x0808, method, 0, 0, 0, 0, 0,
                           len(nb), 0)
        out += nb + body
        central.append((nb, method, crc, len(body), declared if declared is not None else len(data), off))
    cd = len(out)
    for nb, method, crc, csize, usize, off in central:
        if zip64:
            extra = struct.pack("<HHQQQ", 1, 24, usize, csize, off)
            out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0x0808, method, 0, 0,
                               crc, 0xffffffff, 0xffffffff, len(nb), len(extra), 0, 0, 0, 0,
                               0xffffffff)
            out += nb + extra
        else:
            out += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0x0808, method, 0, 0,
                               crc, csize, usize, len(nb), 0, 0, 0, 0, 0, off)
            out += nb
    size = len(out) - cd
    if zip64:
        e64 = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, len(central),
                           len(central), size, cd)
        out += struct.pack("<IIQI", 0x07064b50, 0, e64, 1)
        out += struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff,
                           0xffffffff, 0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(central), len(central), size, cd, 0)
    return bytes(out)


STATE = P2 + b"}."  # an empty dict: a valid data.pkl
write(ZIP, "dotdot_entry.pt",
      zipfile_bytes([("archive/data.pkl", STATE, 0, None), ("archive/../../evil.sh", b"x", 0, None)]),
      "entry path contains '..'")
write(ZIP, "absolute_entry.pt",
      zipfile_bytes([("/tmp/archive/data.pkl", STATE, 0, None)]), "absolute entry path")
write(ZIP, "backslash_absolute_entry.pt",
      zipfile_bytes([("\\windows\\archive\\data.pkl", STATE, 0, None)]), "absolute entry path")
# A data.pkl that claims 4 GiB (ZIP64) from 1 KiB of deflate.
write(ZIP, "zip_bomb_declared.pt",
      zipfile_bytes([("archive/data.pkl", b"\0" * (1 << 20), 8, 4 << 30)], zip64=True),
      "zip bomb")
# A data.pkl that declares 1000 bytes but inflates to 1 MiB.
write(ZIP, "zip_bomb_understated.pt",
      zipfile_bytes([("archive/data.pkl", b"\0" * (1 << 20), 8, 1000)]),
      "inflates to more than its declared size")
write(ZIP, "duplicate_entry.pt",
      zipfile_bytes([("archive/data.pkl", STATE, 0, None), ("archive/data.pkl", STATE, 0, None)]),
      "duplicate entry")
good = zipfile_bytes([("archive/data.pkl", STATE, 0, None), ("archive/version", b"3\n", 0, None)])
write(ZIP, "truncated.pt", good[: len(good) - 30], "no end of central directory")
# Central directory entry 2 points into entry 1's data, where a copy of a
# valid local header for it has been planted.
inner = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 0, 0, 0, 0, 1, 1, 3, 0) + b"a/xQ"
two = bytearray(zipfile_bytes([("archive/data.pkl", inner, 0, None), ("a/x", b"Q", 0, None)]))
cd2 = two.rfind(b"PK\x01\x02")
struct.pack_into("<I", two, cd2 + 42, 30 + len("archive/data.pkl"))
write(ZIP, "overlapping_records.pt", bytes(two), "overlap")


def torch_save_zip(pkl, storages):
    recs = [("archive/data.pkl", pkl, 0, None)]
    recs += [("archive/data/" + k, v, 0, None) for k, v in storages]
    recs += [("archive/version", b"3\n", 0, None)]
    return zipfile_bytes(recs)


def tensor_v2(key, numel, sizes, strides, cls="FloatStorage"):
    t = glob("torch._utils", "_rebuild_tensor_v2") + b"((" + ustr("storage") + glob("torch", cls)
    t += ustr(key) + ustr("cpu") + b"K" + bytes([numel]) + b"tQK\x00("
    t += b"".join(b"K" + bytes([s]) for s in sizes) + b"t("
    t += b"".join(b"K" + bytes([s]) for s in strides) + b"t\x89"
    t += glob("collections", "OrderedDict") + b")Rt" + b"R"
    return t


write(ZIP, "storage_too_small.pt",
      torch_save_zip(P2 + b"}(" + ustr("w") + tensor_v2("0", 4, [4], [1]) + b"u.", [("0", b"\0" * 8)]),
      "holds 8 bytes, but 4 x float32 need 16")
write(ZIP, "storage_missing.pt",
      torch_save_zip(P2 + b"}(" + ustr("w") + tensor_v2("0", 4, [4], [1]) + b"u.", []),
      "storage record 'archive/data/0' is missing")
write(ZIP, "tensor_past_storage.pt",
      torch_save_zip(P2 + b"}(" + ustr("w") + tensor_v2("0", 4, [3, 3], [3, 1]) + b"u.",
                     [("0", b"\0" * 16)]),
      "reaches past the end of storage '0'")
write(ZIP, "evil_checkpoint.pt",
      torch_save_zip(P2 + b"}(" + ustr("w") + call1("posix", "system", "id") + b"u.", []),
      "GLOBAL 'posix.system' is forbidden")
# Legacy torch.save: magic, protocol, sys_info, then an object that runs code.
legacy = (P2 + b"\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19." + P2 + b"M\xe9\x03." +
          P2 + b"}(" + ustr("protocol_version") + b"M\xe9\x03" + ustr("little_endian") +
          b"\x88u." + P2 + call1("os", "system", "id") + b"." + P2 + b"].")
write(ZIP, "legacy_os_system.pt", legacy, "GLOBAL 'os.system' is forbidden")


# --- safetensors ------------------------------------------------------------------
def st(header, data=b"", raw_len=None):
    h = header.encode() if isinstance(header, str) else header
    n = len(h) if raw_len is None else raw_len
    return struct.pack("<Q", n) + h + data


write(ST, "header_len_huge.safetensors", st('{}', raw_len=1 << 40),
      "header length 1099511627776 exceeds the limit")
write(ST, "header_len_past_end.safetensors", st('{"a":1}', raw_len=4096),
      "runs past the end of the file")
write(ST, "offsets_past_end.safetensors",
      st('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', b"\0" * 8),
      "is past the data area")
write(ST, "shape_mismatch.safetensors",
      st('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}', b"\0" * 16),
      "does not match dtype F32 and shape")
write(ST, "overlap.safetensors",
      st('{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},'
         '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', b"\0" * 16),
      "overlap")
write(ST, "hole.safetensors",
      st('{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}', b"\0" * 16),
      "unused bytes [0, 8)")
write(ST, "unknown_dtype.safetensors",
      st('{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', b"\0" * 16),
      "unknown dtype 'F128'")
write(ST, "negative_dim.safetensors",
      st('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', b"\0" * 4),
      "not a non-negative integer")
write(ST, "shape_overflow.safetensors",
      st('{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}',
         b"\0" * 4),
      "too many elements")
write(ST, "bad_json.safetensors", st('{"a":{"dtype":"F32",}}'), "header JSON")
write(ST, "duplicate_key.safetensors",
      st('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
         '"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', b"\0" * 4),
      "duplicate key")
write(ST, "deep_json.safetensors", st('{"__metadata__":' + "[" * 100 + "]" * 100 + "}"),
      "nesting deeper than")
write(ST, "extra_field.safetensors",
      st('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"code":"x"}}', b"\0" * 4),
      "exactly dtype, shape and data_offsets")
print("wrote", len(os.listdir(PKL)) // 2, "pickles,", len(os.listdir(ZIP)) // 2, "zips,",
      len(os.listdir(ST)) // 2, "safetensors")
