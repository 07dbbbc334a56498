//===- ScriptParserTest.cpp - the serialized TorchScript parser -----------===//
#include "kiln/torch/ScriptAst.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace kiln::torch::script;

namespace {

std::unique_ptr<Module> parse(const std::string &src, const ParseLimits &limits = {}) {
  return parseModule(src, "code/__torch__/m.py", "__torch__.m", limits);
}

std::string parseError(const std::string &src, const ParseLimits &limits = {}) {
  try {
    parse(src, limits);
  } catch (const ScriptError &e) {
    return e.what();
  }
  return "";
}

const char *kLinear = R"(class Linear(Module):
  __parameters__ = ["weight", "bias", ]
  __buffers__ = []
  weight : Tensor
  bias : Optional[Tensor]
  training : bool
  __annotations__["0"] = __torch__.torch.nn.modules.linear.Linear
  in_features : Final[int] = 8
  eps : Final[float] = 1.0000000000000001e-05
  def forward(self: __torch__.m.Linear,
    input: Tensor,
    flag: bool=True) -> Tensor:
    weight = self.weight
    q, k, v, = torch.chunk(torch.linear(input, weight, CONSTANTS.c0), 3, -1)
    _0 = getattr(self, "0")
    if torch.__isnot__(self.bias, None):
      b = unchecked_cast(Tensor, self.bias)
    else:
      pass
    for i in range(torch.len(annotate(List[int], []))):
      _1 = torch.add(i, -1)
    _2 = True
    while _2:
      _2, k0 = torch.lt(1, 2), (v)[0:2]
    x : Optional[Tensor] = None
    self.training = False
    ops.prim.RaiseException("a\"b\n\101", "builtins.ValueError")
    return (q, {"a": 1}, [1.5, -inf], -2)
def helper(x: Tensor,
    k: int=2) -> Tensor:
  return torch.add(torch.mul(x, k), 1)
)";

TEST(ScriptParser, ClassesAndStatements) {
  auto m = parse(kLinear);
  ASSERT_EQ(m->classes.size(), 1u);
  ASSERT_EQ(m->functions.size(), 1u);
  const ClassDef &c = *m->classes[0];
  EXPECT_EQ(c.qualName, "__torch__.m.Linear");
  EXPECT_EQ(c.base, "Module");
  EXPECT_EQ(c.parameters, (std::vector<std::string>{"weight", "bias"}));
  EXPECT_TRUE(c.buffers.empty());
  ASSERT_EQ(c.attributes.size(), 4u);
  EXPECT_EQ(c.attributes[1].name, "bias");
  EXPECT_EQ(c.attributes[1].type->str(), "Optional[Tensor]");
  EXPECT_EQ(c.attributes[3].name, "0");
  EXPECT_EQ(c.attributes[3].type->dottedName(), "__torch__.torch.nn.modules.linear.Linear");
  ASSERT_EQ(c.constants.size(), 2u);
  EXPECT_EQ(c.constants[0].type->str(), "int");
  EXPECT_EQ(c.constants[0].value->i, 8);
  EXPECT_DOUBLE_EQ(c.constants[1].value->f, 1.0000000000000001e-05);

  const FuncDef *f = c.method("forward");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->params.size(), 3u);
  EXPECT_EQ(f->params[2].name, "flag");
  EXPECT_EQ(f->params[2].deflt->kind, Expr::Kind::Bool);
  EXPECT_EQ(f->returnType->str(), "Tensor");
  ASSERT_EQ(f->body.size(), 11u);
  const Stmt &unpack = *f->body[1];
  EXPECT_EQ(unpack.kind, Stmt::Kind::Assign);
  EXPECT_TRUE(unpack.unpack);
  EXPECT_EQ(unpack.targets.size(), 3u);
  EXPECT_EQ(unpack.value->str(), "torch.chunk(torch.linear(input, weight, CONSTANTS.c0), 3, -1)");
  EXPECT_EQ(unpack.loc.line, 14);
  EXPECT_EQ(*unpack.loc.file, "code/__torch__/m.py");
  EXPECT_EQ(f->body[3]->kind, Stmt::Kind::If);
  EXPECT_EQ(f->body[3]->body.size(), 1u);
  EXPECT_EQ(f->body[3]->orelse[0]->kind, Stmt::Kind::Pass);
  EXPECT_EQ(f->body[4]->kind, Stmt::Kind::For);
  EXPECT_EQ(f->body[4]->s, "i");
  EXPECT_EQ(f->body[6]->kind, Stmt::Kind::While);
  const Stmt &wbody = *f->body[6]->body[0];
  EXPECT_TRUE(wbody.unpack);
  EXPECT_EQ(wbody.value->kind, Expr::Kind::Tuple);
  EXPECT_EQ(wbody.value->args[1]->kind, Expr::Kind::Slice);
  EXPECT_EQ(f->body[7]->kind, Stmt::Kind::AnnAssign);
  EXPECT_EQ(f->body[8]->kind, Stmt::Kind::SetAttr);
  const Expr &raise = *f->body[9]->value;
  EXPECT_EQ(raise.args[0]->dottedName(), "ops.prim.RaiseException");
  EXPECT_EQ(raise.args[1]->s, "a\"b\nA");
  const Expr &ret = *f->body[10]->value;
  ASSERT_EQ(ret.kind, Expr::Kind::Tuple);
  EXPECT_EQ(ret.args[1]->kind, Expr::Kind::Dict);
  EXPECT_TRUE(std::isinf(ret.args[2]->args[1]->f) && ret.args[2]->args[1]->f < 0);
  EXPECT_EQ(ret.args[3]->i, -2);
  EXPECT_EQ(m->functions[0]->name, "helper");
  EXPECT_EQ(m->functions[0]->params[1].deflt->i, 2);
}

TEST(ScriptParser, KeywordArguments) {
  auto m = parse("def f(x: Tensor) -> Tensor:\n  return torch.div(x, 2, rounding_mode=\"trunc\")\n");
  const Expr &call = *m->functions[0]->body[0]->value;
  ASSERT_EQ(call.kind, Expr::Kind::Call);
  EXPECT_EQ(call.numPositional, 2u);
  ASSERT_EQ(call.kwNames.size(), 1u);
  EXPECT_EQ(call.kwNames[0], "rounding_mode");
  EXPECT_EQ(call.str(), "torch.div(x, 2, rounding_mode=\"trunc\")");
}

TEST(ScriptParser, QualifiedPrefix) {
  EXPECT_EQ(qualifiedPrefix("code/__torch__.py"), "__torch__");
  EXPECT_EQ(qualifiedPrefix("code/__torch__/torch/nn/modules/linear/___torch_mangle_0.py"),
            "__torch__.torch.nn.modules.linear.___torch_mangle_0");
  EXPECT_EQ(qualifiedPrefix("code/__torch__.py.debug_pkl"), "");
}

TEST(ScriptParser, ErrorsNameFileAndLine) {
  EXPECT_EQ(parseError("def f(x: Tensor) -> Tensor:\n  return torch.add(x, \n"),
            "code/__torch__/m.py:2: unterminated '(': end of file inside brackets");
  EXPECT_EQ(parseError("def f() -> str:\n  return \"abc\n"),
            "code/__torch__/m.py:2: unterminated string literal");
  EXPECT_EQ(parseError("def f() -> int:\n  return 1\n x = 2\n"),
            "code/__torch__/m.py:3: inconsistent dedent (column 1)");
  EXPECT_EQ(parseError("def f() -> int:\n  return 1 + 2\n"),
            "code/__torch__/m.py:2: expected end of line, found '+'");
  EXPECT_EQ(parseError("def f() -> int:\n  x = (1, 2\n  return x\n"),
            "code/__torch__/m.py:2: unterminated '(': end of file inside brackets");
  EXPECT_EQ(parseError("x = 1\n"),
            "code/__torch__/m.py:1: expected 'class' or 'def' at the top level of the file, found 'x'");
  EXPECT_EQ(parseError("def f() -> int:\n  return $\n"),
            "code/__torch__/m.py:2: unexpected character '$'");
  EXPECT_EQ(parseError("def f() -> int:\n  if x:\n  return 1\n"),
            "code/__torch__/m.py:3: expected an indented block after if");
  EXPECT_EQ(parseError("def f() -> int:\n  x = 99999999999999999999\n"),
            "code/__torch__/m.py:2: integer literal 99999999999999999999 does not fit in 64 bits");
  EXPECT_EQ(parseError(std::string("def f() -> int:\n  return 1\0\n", 28)),
            "code/__torch__/m.py:2: NUL byte in source");
  EXPECT_EQ(parseError("def f() -> int:\n  try:\n    pass\n"),
            "code/__torch__/m.py:2: 'try' is not supported in serialized TorchScript");
}

TEST(ScriptParser, AbsurdNestingIsRefused) {
  std::string deepCall = "def f(x: Tensor) -> Tensor:\n  return ";
  for (int k = 0; k < 5000; ++k)
    deepCall += "torch.neg(";
  deepCall += "x";
  for (int k = 0; k < 5000; ++k)
    deepCall += ")";
  deepCall += "\n";
  EXPECT_EQ(parseError(deepCall), "code/__torch__/m.py:2: brackets nested deeper than 100");

  std::string deepIf = "def f(x: bool) -> int:\n";
  std::string indent = "  ";
  for (int k = 0; k < 200; ++k) {
    deepIf += indent + "if x:\n";
    indent += "  ";
  }
  deepIf += indent + "pass\n";
  EXPECT_EQ(parseError(deepIf), "code/__torch__/m.py:66: blocks nested deeper than 64");

  // Unary minus nests without brackets: the expression limit catches it.
  std::string deepNeg = "def f() -> int:\n  return ";
  for (int k = 0; k < 100000; ++k)
    deepNeg += "-";
  deepNeg += "x\n";
  EXPECT_EQ(parseError(deepNeg), "code/__torch__/m.py:2: expression nested deeper than 200");

  // Within the limits, nesting works.
  ParseLimits small;
  small.maxBracketDepth = 3;
  EXPECT_NO_THROW(parse("def f() -> int:\n  return ((1))\n", small));
  EXPECT_EQ(parseError("def f() -> int:\n  return ((((1))))\n", small),
            "code/__torch__/m.py:2: brackets nested deeper than 3");
}

} // namespace
