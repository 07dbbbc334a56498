//===- PickleTest.cpp - Tests of kiln::torch::readPickle ------------------===//
//
// kiln: hand-built pickles: every supported opcode, the tensor path
// (_rebuild_tensor_v2/v3, Parameter, _rebuild_from_type_v2, shared storages,
// bounds), TorchScript mode (inert __torch__ objects, typed lists), caller
// extensions of the allow-list, and refusals: forbidden and unlisted
// GLOBALs with their byte offset, memo tricks, deep nesting, huge lengths,
// every truncation of a valid stream.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"
#include "kiln/torch/Pickle.h"

#include <gtest/gtest.h>

using namespace kiln::torch;
using namespace kiln::torch::test;

namespace {

std::unique_ptr<PickleDoc> parse(const std::string &bytes, std::string *error,
                                 PickleOptions opt = {}) {
  opt.name = "t.pkl";
  return readPickle(reinterpret_cast<const uint8_t *>(bytes.data()),
                    bytes.size(), opt, error);
}

TEST(TorchPickle, Scalars) {
  Pk p;
  p.mark().op('N').op('\x88').op('\x89').i(7).i(300).i(-5).i(70000);
  p.raw(std::string("\x8a\x06\x00\x00\x00\x00\x00\x01", 8)); // 2**40
  p.raw(std::string("\x8a\x01\xff", 3));                     // -1
  p.raw(std::string("\x8a\x00", 2));                         // 0
  p.raw(std::string("G\x3f\xf8\x00\x00\x00\x00\x00\x00", 9)); // 1.5
  p.str("h\xc3\xa9llo").raw(std::string("U\x03" "abc", 5));
  p.tuple().stop();
  std::string error;
  auto doc = parse(p.s, &error);
  ASSERT_TRUE(doc) << error;
  const PickleValue *r = doc->root();
  ASSERT_EQ(r->kind, PickleKind::Tuple);
  ASSERT_EQ(r->items.size(), 13u);
  EXPECT_TRUE(r->items[0]->isNone());
  EXPECT_TRUE(r->items[1]->boolean);
  EXPECT_FALSE(r->items[2]->boolean);
  EXPECT_EQ(r->items[3]->integer, 7);
  EXPECT_EQ(r->items[4]->integer, 300);
  EXPECT_EQ(r->items[5]->integer, -5);
  EXPECT_EQ(r->items[6]->integer, 70000);
  EXPECT_EQ(r->items[7]->integer, int64_t(1) << 40);
  EXPECT_EQ(r->items[8]->integer, -1);
  EXPECT_EQ(r->items[9]->integer, 0);
  EXPECT_EQ(r->items[10]->real, 1.5);
  EXPECT_EQ(r->items[11]->str, "h\xc3\xa9llo");
  EXPECT_EQ(r->items[12]->kind, PickleKind::String);
  EXPECT_EQ(r->items[12]->str, "abc");
  EXPECT_EQ(describePickleValue(*r->items[3]), "7");
}

TEST(TorchPickle, ContainersMemoAndOrderedDict) {
  Pk p;
  // OrderedDict([('a', [1, 2]), ('b', {'k': (3,)})]) with a memoized list
  // referenced twice and a BUILD of {'_metadata': {}} like state_dicts.
  p.global("collections", "OrderedDict").op(')').op('R').put(0);
  p.mark().str("a").op(']').put(1).mark().i(1).i(2).op('e');
  p.str("b").op('}').str("k").i(3).op('\x85').op('s');
  p.str("c").get(1);
  p.op('u');
  p.op('}').str("_metadata").op('}').op('s').op('b');
  p.stop();
  std::string error;
  auto doc = parse(p.s, &error);
  ASSERT_TRUE(doc) << error;
  const PickleValue *r = doc->root();
  ASSERT_TRUE(r->isDict());
  EXPECT_TRUE(r->ordered);
  ASSERT_EQ(r->entries.size(), 3u);
  EXPECT_EQ(r->entries[0].first->str, "a");
  const PickleValue *a = r->get("a");
  ASSERT_EQ(a->kind, PickleKind::List);
  ASSERT_EQ(a->items.size(), 2u);
  EXPECT_EQ(a->items[1]->integer, 2);
  EXPECT_EQ(r->get("c"), a) << "memo shares the value";
  EXPECT_EQ(r->get("b")->get("k")->items[0]->integer, 3);
  ASSERT_TRUE(r->state);
  EXPECT_TRUE(r->state->get("_metadata"));
}

TEST(TorchPickle, TensorsShareStorages) {
  Pk p;
  p.op('}').mark();
  p.str("w").tensorV2("FloatStorage", "0", 24, 0, {2, 3}, {3, 1});
  p.str("t").tensorV2("FloatStorage", "0", 24, 4, {4, 5}, {1, 4});
  p.str("h").tensorV2("HalfStorage", "1", 6, 0, {}, {});
  p.op('u').stop();
  std::string error;
  auto doc = parse(p.s, &error);
  ASSERT_TRUE(doc) << error;
  const PickleValue *w = doc->root()->get("w"), *t = doc->root()->get("t"),
                    *h = doc->root()->get("h");
  ASSERT_TRUE(w && w->isTensor() && t && t->isTensor() && h && h->isTensor());
  EXPECT_EQ(w->tensor->storage, t->tensor->storage);
  EXPECT_EQ(w->tensor->dtype, DType::Float32);
  EXPECT_EQ(t->tensor->storageOffset, 4);
  EXPECT_EQ(t->tensor->strides, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(h->tensor->dtype, DType::Float16);
  EXPECT_TRUE(h->tensor->sizes.empty());
  EXPECT_EQ(w->tensor->storage->storage->numel, 24u);
  EXPECT_EQ(doc->storagesByKey.size(), 2u);
}

TEST(TorchPickle, TensorOutOfStorageRefused) {
  Pk p;
  p.tensorV2("FloatStorage", "0", 10, 5, {2, 3}, {3, 1}).stop();
  std::string error;
  EXPECT_FALSE(parse(p.s, &error));
  EXPECT_NE(error.find("reaches past the end of storage '0'"),
            std::string::npos)
      << error;
  Pk q;
  q.tensorV2("FloatStorage", "0", 10, 0, {2, 3}, {3}).stop();
  EXPECT_FALSE(parse(q.s, &error));
  EXPECT_NE(error.find("dimensions"), std::string::npos) << error;
  Pk huge;
  huge.tensorV2("FloatStorage", "0", 10, 0, {int64_t(1) << 40, 1 << 30},
                {1 << 30, 1})
      .stop();
  EXPECT_FALSE(parse(huge.s, &error));
  EXPECT_NE(error.find("reaches past"), std::string::npos) << error;
}

TEST(TorchPickle, ParameterV3AndFromType) {
  Pk p;
  p.mark();
  // _rebuild_parameter(tensor, True, OrderedDict())
  p.global("torch._utils", "_rebuild_parameter").mark();
  p.tensorV2("DoubleStorage", "0", 4, 0, {4}, {1});
  p.op('\x88').global("collections", "OrderedDict").op(')').op('R').tuple().op('R');
  // _rebuild_tensor_v3(UntypedStorage nbytes=8, 0, (4,), (1,), False, {}, torch.bfloat16)
  p.global("torch._utils", "_rebuild_tensor_v3").mark();
  p.storage("UntypedStorage", "1", 8).i(0).mark().i(4).tuple().mark().i(1).tuple();
  p.op('\x89').op('}').global("torch", "bfloat16").tuple().op('R');
  // _rebuild_from_type_v2(_rebuild_tensor_v2, Parameter, (args), {})
  p.global("torch._tensor", "_rebuild_from_type_v2").mark();
  p.global("torch._utils", "_rebuild_tensor_v2");
  p.global("torch.nn.parameter", "Parameter");
  p.mark().storage("LongStorage", "2", 3).i(0).mark().i(3).tuple().mark().i(1).tuple();
  p.op('\x89').op('}').tuple();
  p.op('}').tuple().op('R');
  p.tuple().stop();
  std::string error;
  auto doc = parse(p.s, &error);
  ASSERT_TRUE(doc) << error;
  const auto &it = doc->root()->items;
  ASSERT_EQ(it.size(), 3u);
  EXPECT_TRUE(it[0]->tensor->parameter);
  EXPECT_TRUE(it[0]->tensor->requiresGrad);
  EXPECT_EQ(it[0]->tensor->dtype, DType::Float64);
  EXPECT_EQ(it[1]->tensor->dtype, DType::BFloat16);
  EXPECT_TRUE(it[1]->tensor->storage->storage->untyped);
  EXPECT_TRUE(it[2]->tensor->parameter);
  EXPECT_EQ(it[2]->tensor->dtype, DType::Int64);
}

TEST(TorchPickle, CodecsEncodeSetDeviceComplex) {
  Pk p;
  p.mark();
  p.global("_codecs", "encode").str(std::string("\x00\xc3\xbf", 3)).str("latin1").op('\x86').op('R');
  p.global("__builtin__", "set").op(']').mark().i(1).i(2).op('e').op('\x85').op('R');
  p.global("torch", "device").str("cpu").op('\x85').op('R');
  p.global("builtins", "complex").raw(std::string("G\x3f\xf0\0\0\0\0\0\0", 9))
      .raw(std::string("G\x40\0\0\0\0\0\0\0", 9)).op('\x86').op('R');
  p.global("torch", "Size").mark().i(2).i(3).tuple().op('\x85').op('R');
  p.tuple().stop();
  std::string error;
  auto doc = parse(p.s, &error);
  ASSERT_TRUE(doc) << error;
  const auto &it = doc->root()->items;
  ASSERT_EQ(it.size(), 5u);
  EXPECT_EQ(it[0]->kind, PickleKind::Bytes);
  EXPECT_EQ(it[0]->str, std::string("\x00\xff", 2));
  EXPECT_EQ(it[1]->kind, PickleKind::Set);
  EXPECT_EQ(it[1]->items.size(), 2u);
  EXPECT_EQ(it[2]->kind, PickleKind::Object);
  EXPECT_EQ(it[2]->str, "torch.device");
  EXPECT_EQ(describePickleValue(*it[2]), "torch.device('cpu')");
  EXPECT_EQ(it[3]->str, "builtins.complex");
  EXPECT_EQ(it[4]->kind, PickleKind::Tuple);
  EXPECT_EQ(it[4]->items.size(), 2u);
}

TEST(TorchPickle, TorchScriptObjectsAreInert) {
  Pk p;
  p.global("__torch__", "MultiMethod").op(')').op('\x81').op('}').mark();
  p.str("names").global("torch.jit._pickle", "restore_type_tag").op(']').mark()
      .str("a").str("b").op('e').str("List[str]").op('\x86').op('R');
  p.str("sizes").global("torch.jit._pickle", "build_intlist").mark().op(']')
      .mark().i(1).i(1).op('e').tuple().op('R');
  p.str("sub").global("__torch__.torch.nn.modules.linear.___torch_mangle_3", "Linear")
      .op(')').op('\x81').op('}').op('b');
  p.op('u').op('b').stop();
  std::string error;
  EXPECT_FALSE(parse(p.s, &error)) << "weights-only refuses __torch__";
  EXPECT_NE(error.find("GLOBAL '__torch__.MultiMethod' is not allowed"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("at byte 2"), std::string::npos) << error;
  PickleOptions ts;
  ts.mode = PickleMode::TorchScript;
  auto doc = parse(p.s, &error, ts);
  ASSERT_TRUE(doc) << error;
  const PickleValue *r = doc->root();
  ASSERT_EQ(r->kind, PickleKind::Object);
  EXPECT_EQ(r->str, "__torch__.MultiMethod");
  ASSERT_TRUE(r->state && r->state->isDict());
  EXPECT_EQ(r->state->get("names")->typeTag, "List[str]");
  EXPECT_EQ(r->state->get("sizes")->typeTag, "int");
  EXPECT_EQ(r->state->get("sub")->str,
            "__torch__.torch.nn.modules.linear.___torch_mangle_3.Linear");
  // TorchScript pickles are protocol 2 only.
  std::string p4 = p.s;
  p4[1] = 4;
  EXPECT_FALSE(parse(p4, &error, ts));
  EXPECT_NE(error.find("protocol 4"), std::string::npos) << error;
}

TEST(TorchPickle, ForbiddenAndUnlistedGlobals) {
  struct Case {
    const char *mod, *name, *expect;
  } cases[] = {
      {"os", "system", "GLOBAL 'os.system' is forbidden"},
      {"posix", "system", "GLOBAL 'posix.system' is forbidden"},
      {"nt", "system", "GLOBAL 'nt.system' is forbidden"},
      {"builtins", "eval", "GLOBAL 'builtins.eval' is forbidden"},
      {"__builtin__", "exec", "GLOBAL 'builtins.exec' is forbidden"},
      {"builtins", "getattr", "GLOBAL 'builtins.getattr' is forbidden"},
      {"subprocess", "Popen", "GLOBAL 'subprocess.Popen' is forbidden"},
      {"copy_reg", "_reconstructor", "GLOBAL 'copyreg._reconstructor' is forbidden"},
      {"torch", "load", "GLOBAL 'torch.load' is not allowed"},
      {"numpy.core.multiarray", "_reconstruct",
       "GLOBAL 'numpy.core.multiarray._reconstruct' is not allowed"},
      {"__main__", "Evil", "GLOBAL '__main__.Evil' is not allowed"},
  };
  for (const Case &c : cases) {
    Pk p;
    p.global(c.mod, c.name).str("touch /tmp/pwned").op('\x85').op('R').stop();
    std::string error;
    EXPECT_FALSE(parse(p.s, &error)) << c.mod << "." << c.name;
    EXPECT_NE(error.find(c.expect), std::string::npos) << error;
    EXPECT_NE(error.find("t.pkl: pickle: "), std::string::npos) << error;
    EXPECT_NE(error.find("at byte 2"), std::string::npos) << error;
  }
}

TEST(TorchPickle, ExtraGlobalsAreNeverCalled) {
  Pk p;
  p.global("mylib", "Config").str("x").op('\x85').op('R');
  p.op('}').str("k").i(1).op('s').op('b').stop();
  std::string error;
  EXPECT_FALSE(parse(p.s, &error));
  PickleOptions opt;
  opt.extraGlobals = {"mylib.Config"};
  auto doc = parse(p.s, &error, opt);
  ASSERT_TRUE(doc) << error;
  EXPECT_EQ(doc->root()->kind, PickleKind::Object);
  EXPECT_EQ(doc->root()->str, "mylib.Config");
  EXPECT_EQ(doc->root()->items[0]->str, "x");
  EXPECT_EQ(doc->root()->state->get("k")->integer, 1);
  // Forbidden names stay forbidden even when listed.
  Pk q;
  q.global("os", "system").str("id").op('\x85').op('R').stop();
  opt.extraGlobals = {"os.system", "os system"};
  EXPECT_FALSE(parse(q.s, &error, opt));
  EXPECT_NE(error.find("forbidden"), std::string::npos) << error;
}

TEST(TorchPickle, ReduceAndBuildTricksRefused) {
  std::string error;
  // REDUCE on a non-global (a string).
  Pk a;
  a.str("os.system").str("id").op('\x85').op('R').stop();
  EXPECT_FALSE(parse(a.s, &error));
  EXPECT_NE(error.find("REDUCE on a str"), std::string::npos) << error;
  // Nested REDUCE: OrderedDict(OrderedDict(...)) args not a tuple.
  Pk b;
  b.global("collections", "OrderedDict").global("collections", "OrderedDict")
      .op(')').op('R').op('R').stop();
  EXPECT_FALSE(parse(b.s, &error));
  EXPECT_NE(error.find("arguments are a dict"), std::string::npos) << error;
  // NEWOBJ of an allowed non-class global.
  Pk c;
  c.global("collections", "OrderedDict").op(')').op('\x81').stop();
  EXPECT_FALSE(parse(c.s, &error));
  EXPECT_NE(error.find("NEWOBJ of 'collections.OrderedDict' is not allowed"),
            std::string::npos)
      << error;
  // BUILD on a list / on a global.
  Pk d;
  d.op(']').op('}').op('b').stop();
  EXPECT_FALSE(parse(d.s, &error));
  EXPECT_NE(error.find("BUILD on a list"), std::string::npos) << error;
  Pk e;
  e.global("torch", "FloatStorage").op('}').op('b').stop();
  EXPECT_FALSE(parse(e.s, &error));
  EXPECT_NE(error.find("BUILD on a global"), std::string::npos) << error;
  // Memo trick: mutate a dict after it was stored elsewhere (would make a
  // cycle: d['self'] = [d]).
  Pk g;
  g.op(']').put(1).op('}').put(0).op('a').get(0).str("self").get(1).op('s').stop();
  EXPECT_FALSE(parse(g.s, &error));
  EXPECT_NE(error.find("memo trick"), std::string::npos) << error;
  // BINGET of an undefined memo slot.
  Pk h;
  h.get(9).stop();
  EXPECT_FALSE(parse(h.s, &error));
  EXPECT_NE(error.find("memo index 9 is not defined"), std::string::npos)
      << error;
  // Persistent id that is not a storage tuple.
  Pk i;
  i.str("/etc/passwd").op('Q').stop();
  EXPECT_FALSE(parse(i.s, &error));
  EXPECT_NE(error.find("persistent id"), std::string::npos) << error;
  // Unsupported opcodes (INST, OBJ, STACK_GLOBAL, text GET).
  for (char op : {'i', 'o', '\x93', 'g', 'P', '\x95'}) {
    Pk k;
    k.op(op).stop();
    EXPECT_FALSE(parse(k.s, &error));
    EXPECT_NE(error.find("unsupported opcode"), std::string::npos) << error;
  }
}

TEST(TorchPickle, DeepNestingAndHugeLengths) {
  std::string error;
  // 1e6 nested 1-tuples: refused at the depth limit without recursion.
  std::string deep = "\x80\x02)";
  for (int i = 0; i < 1000000; ++i)
    deep += '\x85';
  deep += '.';
  EXPECT_FALSE(parse(deep, &error));
  EXPECT_NE(error.find("PickleLimits::maxDepth"), std::string::npos) << error;
  // 1e6 MARKs.
  std::string marks = "\x80\x02" + std::string(1000000, '(') + "N.";
  EXPECT_FALSE(parse(marks, &error));
  EXPECT_NE(error.find("maxMarks"), std::string::npos) << error;
  // 1e6 empty lists then APPENDs: the stack limit.
  std::string lists = "\x80\x02" + std::string(1000000, ']') +
                      std::string(999999, 'a') + ".";
  EXPECT_FALSE(parse(lists, &error));
  EXPECT_NE(error.find("maxStack"), std::string::npos) << error;
  // Lists nested by APPEND beyond the depth limit.
  std::string nested = "\x80\x02" + std::string(5000, ']') +
                       std::string(4999, 'a') + ".";
  EXPECT_FALSE(parse(nested, &error));
  EXPECT_NE(error.find("maxDepth"), std::string::npos) << error;
  // A string claiming 4 GiB.
  std::string huge = std::string("\x80\x02X\xff\xff\xff\xff", 7) + "abc.";
  EXPECT_FALSE(parse(huge, &error));
  EXPECT_NE(error.find("string length 4294967295 exceeds"), std::string::npos)
      << error;
  // LONG1 wider than 64 bits, LONG_BINPUT to index 2^32-1.
  std::string wide = std::string("\x80\x02\x8a\x09", 4) + std::string(9, '\x01') + ".";
  EXPECT_FALSE(parse(wide, &error));
  EXPECT_NE(error.find("64 bits"), std::string::npos) << error;
  std::string memo = std::string("\x80\x02Nr\xff\xff\xff\xff.", 9);
  EXPECT_FALSE(parse(memo, &error));
  EXPECT_NE(error.find("maxMemo"), std::string::npos) << error;
  // Total allocation limit.
  PickleOptions tight;
  tight.limits.maxTotalBytes = 4096;
  std::string many = "\x80\x02(" + std::string(500, 'N') + "t.";
  EXPECT_FALSE(parse(many, &error, tight));
  EXPECT_NE(error.find("maxTotalBytes"), std::string::npos) << error;
}

TEST(TorchPickle, EveryTruncationAndFlipFailsCleanly) {
  Pk p;
  p.op('}').mark();
  p.str("w").tensorV2("FloatStorage", "0", 24, 0, {2, 3}, {3, 1});
  p.str("x").global("torch", "device").str("cpu").op('\x85').op('R');
  p.op('u').stop();
  std::string error;
  ASSERT_TRUE(parse(p.s, &error)) << error;
  for (size_t n = 0; n + 1 < p.s.size(); ++n) {
    EXPECT_FALSE(parse(p.s.substr(0, n), &error)) << n;
    EXPECT_NE(error.find("t.pkl: pickle: "), std::string::npos) << error;
  }
  for (size_t i = 0; i < p.s.size(); ++i) {
    for (uint8_t flip : {0x01, 0x20, 0x80}) {
      std::string m = p.s;
      m[i] = char(m[i] ^ flip);
      auto doc = parse(m, &error); // must not crash; result either way
      if (doc)
        describePickleValue(*doc->root());
    }
  }
}

TEST(TorchPickle, ConsumedAndBaseOffset) {
  Pk a;
  a.i(5).stop();
  std::string two = a.s + "\x80\x02\x63os\nsystem\n.";
  PickleOptions opt;
  size_t used = 0;
  std::string error;
  auto doc = readPickle(reinterpret_cast<const uint8_t *>(two.data()),
                        two.size(), opt, &error, &used);
  ASSERT_TRUE(doc) << error;
  EXPECT_EQ(used, a.s.size());
  opt.baseOffset = used;
  opt.name = "f";
  EXPECT_FALSE(readPickle(reinterpret_cast<const uint8_t *>(two.data()) + used,
                          two.size() - used, opt, &error));
  EXPECT_NE(error.find("at byte " + std::to_string(used + 2)),
            std::string::npos)
      << error;
}

} // namespace
