//===- ScriptAst.h - serialized TorchScript source as an AST ----*- C++ -*-===//
//
// The `code/**.py` files of a TorchScript archive hold the module's classes
// and functions as printed by PyTorch's python_print: a small, regular subset
// of Python 3 (classes with typed attribute slots, annotated defs, simple and
// tuple assignments, if/else, for-range, while, calls, subscripts, literals;
// no operators other than unary minus). This header is the AST of that
// subset and the parser that builds it. Every node carries the line it came
// from, every error names the file in the archive and the line, and the
// parser bounds its nesting (brackets, expressions, blocks) so that hostile
// input fails cleanly instead of exhausting the stack.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TORCH_SCRIPTAST_H
#define KILN_TORCH_SCRIPTAST_H

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace kiln::torch::script {

/// Where a construct sits: the file's path inside the archive and a 1-based line.
struct SourceLoc {
  std::shared_ptr<const std::string> file;
  int line = 0;
  std::string str() const { return (file ? *file : std::string("<source>")) + ":" + std::to_string(line); }
};

/// Errors of the parser and of the evaluator: the message already names the
/// place ("code/__torch__/m.py:12: ...").
class ScriptError : public std::runtime_error {
public:
  explicit ScriptError(const std::string &msg) : std::runtime_error(msg) {}
};
[[noreturn]] void fail(const SourceLoc &loc, const std::string &msg);

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// Expressions. Types (`List[int]`, `__torch__.a.B`) are expressions too,
/// exactly as in Python's own AST.
struct Expr {
  enum class Kind {
    Name,      // s
    Int,       // i
    Float,     // f
    Str,       // s
    Bool,      // i (0/1)
    None,
    Attr,      // args[0].s
    Call,      // args[0](args[1..]) with keywords: kwNames[k] for args[1 + nPositional + k]
    Subscript, // args[0][args[1]]
    Slice,     // args[0][args[1]:args[2]] (either may be null)
    Tuple,     // (args...)
    List,      // [args...]
    Dict,      // {args[0]: args[1], ...}
    Neg,       // -args[0]
  };
  Kind kind;
  SourceLoc loc;
  std::string s;
  int64_t i = 0;
  double f = 0;
  std::vector<ExprPtr> args;
  std::vector<std::string> kwNames; // Call only: names of the trailing keyword args
  size_t numPositional = 0;         // Call only

  Expr(Kind k, SourceLoc l) : kind(k), loc(std::move(l)) {}
  /// The dotted name this expression spells (`torch.add`, `__torch__.a.B`), or "".
  std::string dottedName() const;
  /// Python-like text of the expression, for messages and types.
  std::string str() const;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct Param {
  std::string name;
  ExprPtr type;    // may be null (interface `self`)
  ExprPtr deflt;   // may be null
};

struct FuncDef {
  std::string name;
  SourceLoc loc;
  std::vector<Param> params;
  ExprPtr returnType; // may be null
  Block body;
};

struct Stmt {
  enum class Kind {
    Assign,    // targets = value; targets.size() > 1 or unpack: tuple unpacking
    AnnAssign, // targets[0] : type = value
    SetAttr,   // object.name = value (object in targets[0], an Attr expr)
    Expr,      // value
    If,        // if value: body else: orelse
    For,       // for s in value: body     (value is the iterable, e.g. range(n))
    While,     // while value: body
    Return,    // return value (may be null)
    Pass,
  };
  Kind kind;
  SourceLoc loc;
  std::vector<ExprPtr> targets;
  bool unpack = false; // `a, = x` / `a, b = x`
  ExprPtr type;
  ExprPtr value;
  std::string s; // For: the loop variable
  Block body, orelse;
  Stmt(Kind k, SourceLoc l) : kind(k), loc(std::move(l)) {}
};

struct ClassDef {
  std::string name;      // unqualified
  std::string qualName;  // e.g. __torch__.torch.nn.modules.linear.Linear
  std::string base;      // Module, NamedTuple, Interface, ModuleInterface, Enum or ""
  SourceLoc loc;
  std::vector<std::string> parameters, buffers, forwardPreHooks, forwardHooks;
  struct Attribute {
    std::string name;
    ExprPtr type;
  };
  std::vector<Attribute> attributes; // slots, in order
  struct Constant {
    std::string name;
    ExprPtr type; // null for Enum members
    ExprPtr value;
  };
  std::vector<Constant> constants; // Final class constants (and enum members)
  std::vector<std::unique_ptr<FuncDef>> methods;

  const FuncDef *method(const std::string &n) const {
    for (auto &m : methods)
      if (m->name == n)
        return m.get();
    return nullptr;
  }
};

/// One parsed `code/...py` file.
struct Module {
  std::shared_ptr<const std::string> file;
  std::string prefix; // qualified prefix, e.g. "__torch__.torch.nn.modules.linear"
  std::vector<std::unique_ptr<ClassDef>> classes;
  std::vector<std::unique_ptr<FuncDef>> functions;
};

/// Bounds the parser enforces.
struct ParseLimits {
  int maxBracketDepth = 100;   // nested (), [], {}
  int maxExprDepth = 200;      // nested expressions (calls, subscripts, unary minus)
  int maxBlockDepth = 64;      // nested blocks (class, def, if, for, while)
  size_t maxSourceBytes = 64u << 20;
};

/// Parses `source`, the text of archive file `file` (e.g. "code/__torch__.py")
/// whose qualified prefix is `prefix`. Throws ScriptError naming file and line.
std::unique_ptr<Module> parseModule(const std::string &source, const std::string &file,
                                    const std::string &prefix, const ParseLimits &limits = {});

/// The qualified prefix of a code file: "code/__torch__/a/b.py" -> "__torch__.a.b".
/// Returns "" when `path` is not a code file (after the archive's top folder).
std::string qualifiedPrefix(const std::string &pathInCode);

} // namespace kiln::torch::script

#endif // KILN_TORCH_SCRIPTAST_H
