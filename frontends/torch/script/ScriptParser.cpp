//===- ScriptParser.cpp - lexer and parser for serialized TorchScript -----===//
#include "kiln/torch/ScriptAst.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace kiln::torch::script {

void fail(const SourceLoc &loc, const std::string &msg) { throw ScriptError(loc.str() + ": " + msg); }

std::string Expr::dottedName() const {
  if (kind == Kind::Name)
    return s;
  if (kind == Kind::Attr) {
    std::string base = args[0]->dottedName();
    return base.empty() ? "" : base + "." + s;
  }
  return "";
}

std::string Expr::str() const {
  auto join = [&](size_t from, const char *sep) {
    std::string r;
    for (size_t k = from; k < args.size(); ++k) {
      if (k > from)
        r += sep;
      r += args[k] ? args[k]->str() : "";
    }
    return r;
  };
  switch (kind) {
  case Kind::Name:
    return s;
  case Kind::Int:
    return std::to_string(i);
  case Kind::Float: {
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", f);
    return buf;
  }
  case Kind::Str:
    return "\"" + s + "\"";
  case Kind::Bool:
    return i ? "True" : "False";
  case Kind::None:
    return "None";
  case Kind::Attr:
    return args[0]->str() + "." + s;
  case Kind::Call: {
    std::string r = args[0]->str() + "(";
    for (size_t k = 1; k < args.size(); ++k) {
      if (k > 1)
        r += ", ";
      if (k > numPositional)
        r += kwNames[k - 1 - numPositional] + "=";
      r += args[k]->str();
    }
    return r + ")";
  }
  case Kind::Subscript: {
    std::string inner;
    if (args[1]->kind == Kind::Tuple)
      for (size_t k = 0; k < args[1]->args.size(); ++k)
        inner += (k ? ", " : "") + args[1]->args[k]->str();
    else
      inner = args[1]->str();
    return args[0]->str() + "[" + inner + "]";
  }
  case Kind::Slice:
    return args[0]->str() + "[" + (args[1] ? args[1]->str() : "") + ":" +
           (args[2] ? args[2]->str() : "") + "]";
  case Kind::Tuple:
    return "(" + join(0, ", ") + (args.size() == 1 ? ",)" : ")");
  case Kind::List:
    return "[" + join(0, ", ") + "]";
  case Kind::Dict: {
    std::string r = "{";
    for (size_t k = 0; k + 1 < args.size(); k += 2)
      r += (k ? ", " : "") + args[k]->str() + ": " + args[k + 1]->str();
    return r + "}";
  }
  case Kind::Neg:
    return "-" + args[0]->str();
  }
  return "?";
}

std::string qualifiedPrefix(const std::string &path) {
  const std::string ext = ".py";
  if (path.size() < ext.size() || path.compare(path.size() - ext.size(), ext.size(), ext) != 0)
    return "";
  std::string p = path.substr(0, path.size() - ext.size());
  if (p.rfind("code/", 0) == 0)
    p = p.substr(5);
  for (char &c : p)
    if (c == '/')
      c = '.';
  return p;
}

namespace {

struct Token {
  enum Kind { Name, Int, Float, String, Op, Newline, Indent, Dedent, End } kind;
  std::string text; // name, op, decoded string
  int64_t i = 0;
  double f = 0;
  int line = 0;
};

class Lexer {
public:
  Lexer(const std::string &src, std::shared_ptr<const std::string> file, const ParseLimits &limits)
      : src(src), file(std::move(file)), limits(limits) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    std::vector<int> indents{0};
    bool atLineStart = true;
    int depth = 0; // bracket depth (implicit line joining inside)
    std::vector<std::pair<char, int>> open;
    while (pos < src.size()) {
      if (atLineStart && depth == 0) {
        // Measure indentation; skip blank and comment-only lines.
        int col = 0;
        size_t p = pos;
        while (p < src.size() && (src[p] == ' ' || src[p] == '\t')) {
          if (src[p] == '\t')
            fail(here(), "tab in indentation (the TorchScript printer indents with spaces)");
          ++col;
          ++p;
        }
        if (p >= src.size())
          break;
        if (src[p] == '\n' || src[p] == '\r' || src[p] == '#') {
          while (p < src.size() && src[p] != '\n')
            ++p;
          if (p < src.size())
            ++p, ++line;
          pos = p;
          continue;
        }
        pos = p;
        atLineStart = false;
        if (col > indents.back()) {
          if ((int)indents.size() > limits.maxBlockDepth)
            fail(here(), "blocks nested deeper than " + std::to_string(limits.maxBlockDepth));
          indents.push_back(col);
          out.push_back(tok(Token::Indent));
        } else {
          while (col < indents.back()) {
            indents.pop_back();
            out.push_back(tok(Token::Dedent));
          }
          if (col != indents.back())
            fail(here(), "inconsistent dedent (column " + std::to_string(col) + ")");
        }
      }
      char c = src[pos];
      if (c == '\n') {
        ++pos;
        if (depth == 0) {
          out.push_back(tok(Token::Newline));
          atLineStart = true;
        }
        ++line;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos;
        continue;
      }
      if (c == '#') {
        while (pos < src.size() && src[pos] != '\n')
          ++pos;
        continue;
      }
      if (c == '\\' && pos + 1 < src.size() && src[pos + 1] == '\n') { // explicit joining
        pos += 2;
        ++line;
        continue;
      }
      if (isalpha((unsigned char)c) || c == '_') {
        size_t b = pos;
        while (pos < src.size() && (isalnum((unsigned char)src[pos]) || src[pos] == '_'))
          ++pos;
        Token t = tok(Token::Name);
        t.text = src.substr(b, pos - b);
        out.push_back(std::move(t));
        continue;
      }
      if (isdigit((unsigned char)c) || (c == '.' && pos + 1 < src.size() && isdigit((unsigned char)src[pos + 1]))) {
        out.push_back(number());
        continue;
      }
      if (c == '"' || c == '\'') {
        out.push_back(string());
        continue;
      }
      // Operators and punctuation.
      static const char *multi[] = {"->", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+=", "-=", "*=", "/="};
      std::string op;
      for (const char *m : multi)
        if (src.compare(pos, strlen(m), m) == 0) {
          op = m;
          break;
        }
      if (op.empty()) {
        if (!strchr("()[]{},:.=+-*/%<>@|&^~;", c))
          fail(here(), std::string("unexpected character '") +
                           (isprint((unsigned char)c) ? std::string(1, c) : "\\x" + hex(c)) + "'");
        op = std::string(1, c);
      }
      if (op == "(" || op == "[" || op == "{") {
        if (++depth > limits.maxBracketDepth)
          fail(here(), "brackets nested deeper than " + std::to_string(limits.maxBracketDepth));
        open.push_back({c, line});
      } else if (op == ")" || op == "]" || op == "}") {
        char want = op == ")" ? '(' : op == "]" ? '[' : '{';
        if (open.empty() || open.back().first != want)
          fail(here(), "unmatched '" + op + "'");
        open.pop_back();
        --depth;
      }
      Token t = tok(Token::Op);
      t.text = op;
      pos += op.size();
      out.push_back(std::move(t));
    }
    if (!open.empty())
      fail({file, open.back().second}, std::string("unterminated '") + open.back().first +
                                           "': end of file inside brackets");
    if (!out.empty() && out.back().kind != Token::Newline && out.back().kind != Token::Dedent)
      out.push_back(tok(Token::Newline));
    while (indents.size() > 1) {
      indents.pop_back();
      out.push_back(tok(Token::Dedent));
    }
    out.push_back(tok(Token::End));
    return out;
  }

private:
  SourceLoc here() const { return {file, line}; }
  Token tok(Token::Kind k) const {
    Token t;
    t.kind = k;
    t.line = line;
    return t;
  }
  static std::string hex(char c) {
    char b[4];
    snprintf(b, sizeof b, "%02x", (unsigned char)c);
    return b;
  }

  Token number() {
    size_t b = pos;
    bool isFloat = false;
    while (pos < src.size() && isdigit((unsigned char)src[pos]))
      ++pos;
    if (pos < src.size() && src[pos] == '.') {
      isFloat = true;
      ++pos;
      while (pos < src.size() && isdigit((unsigned char)src[pos]))
        ++pos;
    }
    if (pos < src.size() && (src[pos] == 'e' || src[pos] == 'E')) {
      size_t p = pos + 1;
      if (p < src.size() && (src[p] == '+' || src[p] == '-'))
        ++p;
      if (p < src.size() && isdigit((unsigned char)src[p])) {
        isFloat = true;
        pos = p;
        while (pos < src.size() && isdigit((unsigned char)src[pos]))
          ++pos;
      } else {
        fail(here(), "malformed number '" + src.substr(b, p - b) + "'");
      }
    }
    if (pos < src.size() && (isalpha((unsigned char)src[pos]) || src[pos] == '_'))
      fail(here(), "malformed number '" + src.substr(b, pos - b + 1) + "'");
    std::string text = src.substr(b, pos - b);
    Token t = tok(isFloat ? Token::Float : Token::Int);
    t.text = text;
    errno = 0;
    if (isFloat) {
      t.f = strtod(text.c_str(), nullptr);
    } else {
      t.i = strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE)
        fail(here(), "integer literal " + text + " does not fit in 64 bits");
    }
    return t;
  }

  Token string() {
    char q = src[pos];
    int startLine = line;
    Token t = tok(Token::String);
    ++pos;
    std::string out;
    for (;;) {
      if (pos >= src.size() || src[pos] == '\n')
        fail({file, startLine}, "unterminated string literal");
      char c = src[pos++];
      if (c == q)
        break;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= src.size())
        fail({file, startLine}, "unterminated string literal");
      char e = src[pos++];
      switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case '\n': ++line; break;
      case 'x': {
        if (pos + 2 > src.size() || !isxdigit((unsigned char)src[pos]) || !isxdigit((unsigned char)src[pos + 1]))
          fail(here(), "malformed \\x escape in string literal");
        out += (char)strtol(src.substr(pos, 2).c_str(), nullptr, 16);
        pos += 2;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int k = 0; k < 2 && pos < src.size() && src[pos] >= '0' && src[pos] <= '7'; ++k)
            v = v * 8 + (src[pos++] - '0');
          if (v > 255)
            fail(here(), "octal escape out of range in string literal");
          out += (char)v;
        } else {
          out += '\\';
          out += e;
        }
      }
    }
    t.text = out;
    return t;
  }

  const std::string &src;
  std::shared_ptr<const std::string> file;
  const ParseLimits &limits;
  size_t pos = 0;
  int line = 1;
};

class Parser {
public:
  Parser(std::vector<Token> toks, std::shared_ptr<const std::string> file, const ParseLimits &limits)
      : t(std::move(toks)), file(std::move(file)), limits(limits) {}

  std::unique_ptr<Module> run(const std::string &prefix) {
    auto m = std::make_unique<Module>();
    m->file = file;
    m->prefix = prefix;
    while (peek().kind != Token::End) {
      if (peek().kind == Token::Newline) {
        next();
        continue;
      }
      if (isName("class"))
        m->classes.push_back(classDef(prefix));
      else if (isName("def"))
        m->functions.push_back(funcDef());
      else
        fail(loc(), "expected 'class' or 'def' at the top level of the file, found " + describe(peek()));
    }
    return m;
  }

private:
  const Token &peek(size_t k = 0) const { return t[std::min(p + k, t.size() - 1)]; }
  const Token &next() {
    const Token &r = t[p];
    if (p + 1 < t.size())
      ++p;
    return r;
  }
  SourceLoc loc() const { return {file, peek().line}; }
  bool isName(const char *n) const { return peek().kind == Token::Name && peek().text == n; }
  bool isOp(const char *o) const { return peek().kind == Token::Op && peek().text == o; }
  static std::string describe(const Token &k) {
    switch (k.kind) {
    case Token::Name: return "'" + k.text + "'";
    case Token::Int:
    case Token::Float: return "number " + k.text;
    case Token::String: return "a string";
    case Token::Op: return "'" + k.text + "'";
    case Token::Newline: return "end of line";
    case Token::Indent: return "an indented block";
    case Token::Dedent: return "end of block";
    case Token::End: return "end of file";
    }
    return "?";
  }
  void expectOp(const char *o) {
    if (!isOp(o))
      fail(loc(), std::string("expected '") + o + "', found " + describe(peek()));
    next();
  }
  std::string expectName() {
    if (peek().kind != Token::Name)
      fail(loc(), "expected a name, found " + describe(peek()));
    return next().text;
  }
  void expectNewline() {
    if (peek().kind != Token::Newline)
      fail(loc(), "expected end of line, found " + describe(peek()));
    next();
  }

  std::vector<std::string> stringList() {
    std::vector<std::string> out;
    expectOp("[");
    while (!isOp("]")) {
      if (peek().kind != Token::String)
        fail(loc(), "expected a string in the name list, found " + describe(peek()));
      out.push_back(next().text);
      if (isOp(","))
        next();
      else if (!isOp("]"))
        fail(loc(), "expected ',' or ']' in the name list, found " + describe(peek()));
    }
    next();
    return out;
  }

  std::unique_ptr<ClassDef> classDef(const std::string &prefix) {
    auto c = std::make_unique<ClassDef>();
    c->loc = loc();
    next(); // class
    c->name = expectName();
    c->qualName = prefix.empty() ? c->name : prefix + "." + c->name;
    if (isOp("(")) {
      next();
      if (!isOp(")")) {
        ExprPtr b = expr();
        c->base = b->dottedName();
      }
      expectOp(")");
    }
    expectOp(":");
    expectNewline();
    if (peek().kind != Token::Indent)
      fail(loc(), "expected an indented class body for class " + c->name);
    next();
    ++blockDepth;
    while (peek().kind != Token::Dedent && peek().kind != Token::End) {
      if (peek().kind == Token::Newline) {
        next();
        continue;
      }
      SourceLoc l = loc();
      if (isName("def")) {
        c->methods.push_back(funcDef());
        continue;
      }
      if (isName("pass")) {
        next();
        expectNewline();
        continue;
      }
      std::string n = expectName();
      if (n == "__parameters__" || n == "__buffers__" || n == "__forward_pre_hooks__" ||
          n == "__forward_hooks__") {
        expectOp("=");
        auto list = stringList();
        (n == "__parameters__" ? c->parameters
         : n == "__buffers__"  ? c->buffers
         : n == "__forward_pre_hooks__" ? c->forwardPreHooks
                                         : c->forwardHooks) = std::move(list);
        expectNewline();
        continue;
      }
      if (n == "__annotations__") {
        if (isOp("=")) { // __annotations__ = []
          next();
          expectOp("[");
          expectOp("]");
          expectNewline();
          continue;
        }
        expectOp("[");
        if (peek().kind != Token::String)
          fail(loc(), "expected an attribute name string in __annotations__[...]");
        std::string attr = next().text;
        expectOp("]");
        expectOp("=");
        c->attributes.push_back({attr, expr()});
        expectNewline();
        continue;
      }
      if (isOp("=")) { // enum member
        next();
        c->constants.push_back({n, nullptr, expr()});
        expectNewline();
        continue;
      }
      if (!isOp(":"))
        fail(l, "expected an attribute declaration 'name : type' in class " + c->name + ", found " +
                    describe(peek()));
      next();
      ExprPtr type = expr();
      if (isOp("=")) {
        next();
        ExprPtr v = expr();
        // Final[T] = value: a class constant, not a slot.
        if (type->kind == Expr::Kind::Subscript && type->args[0]->dottedName() == "Final")
          type = std::move(type->args[1]);
        c->constants.push_back({n, std::move(type), std::move(v)});
      } else {
        c->attributes.push_back({n, std::move(type)});
      }
      expectNewline();
    }
    --blockDepth;
    if (peek().kind == Token::Dedent)
      next();
    return c;
  }

  std::unique_ptr<FuncDef> funcDef() {
    auto f = std::make_unique<FuncDef>();
    f->loc = loc();
    next(); // def
    f->name = expectName();
    expectOp("(");
    while (!isOp(")")) {
      Param prm;
      prm.name = expectName();
      if (isOp(":")) {
        next();
        prm.type = expr();
      }
      if (isOp("=")) {
        next();
        prm.deflt = expr();
      }
      f->params.push_back(std::move(prm));
      if (isOp(","))
        next();
      else if (!isOp(")"))
        fail(loc(), "expected ',' or ')' in the parameters of " + f->name + ", found " + describe(peek()));
    }
    next();
    if (isOp("->")) {
      next();
      f->returnType = expr();
    }
    expectOp(":");
    f->body = block("def " + f->name);
    return f;
  }

  Block block(const std::string &what) {
    expectNewline();
    if (peek().kind != Token::Indent)
      fail(loc(), "expected an indented block after " + what);
    next();
    if (++blockDepth > limits.maxBlockDepth)
      fail(loc(), "blocks nested deeper than " + std::to_string(limits.maxBlockDepth));
    Block b;
    while (peek().kind != Token::Dedent && peek().kind != Token::End) {
      if (peek().kind == Token::Newline) {
        next();
        continue;
      }
      b.push_back(stmt());
    }
    if (peek().kind == Token::Dedent)
      next();
    --blockDepth;
    return b;
  }

  StmtPtr stmt() {
    SourceLoc l = loc();
    if (isName("pass")) {
      next();
      expectNewline();
      return std::make_unique<Stmt>(Stmt::Kind::Pass, l);
    }
    if (isName("return")) {
      next();
      auto s = std::make_unique<Stmt>(Stmt::Kind::Return, l);
      if (peek().kind != Token::Newline)
        s->value = exprOrTuple();
      expectNewline();
      return s;
    }
    if (isName("if")) {
      next();
      auto s = std::make_unique<Stmt>(Stmt::Kind::If, l);
      s->value = expr();
      expectOp(":");
      s->body = block("if");
      if (isName("elif"))
        fail(loc(), "'elif' is not part of serialized TorchScript");
      if (isName("else")) {
        next();
        expectOp(":");
        s->orelse = block("else");
      }
      return s;
    }
    if (isName("for")) {
      next();
      auto s = std::make_unique<Stmt>(Stmt::Kind::For, l);
      s->s = expectName();
      if (!isName("in"))
        fail(loc(), "expected 'in' after 'for " + s->s + "'");
      next();
      s->value = expr();
      expectOp(":");
      s->body = block("for");
      return s;
    }
    if (isName("while")) {
      next();
      auto s = std::make_unique<Stmt>(Stmt::Kind::While, l);
      s->value = expr();
      expectOp(":");
      s->body = block("while");
      return s;
    }
    for (const char *kw : {"with", "try", "raise", "assert", "del", "global", "nonlocal", "import",
                           "from", "lambda", "yield", "class", "def", "break", "continue"})
      if (isName(kw))
        fail(l, std::string("'") + kw + "' is not supported in serialized TorchScript");

    // Expression, assignment, annotated assignment, SetAttr.
    std::vector<ExprPtr> lhs;
    lhs.push_back(expr());
    bool trailingComma = false;
    while (isOp(",")) {
      next();
      trailingComma = true;
      if (isOp("=") || peek().kind == Token::Newline)
        break;
      trailingComma = false;
      lhs.push_back(expr());
    }
    if (isOp(":") && lhs.size() == 1 && !trailingComma) {
      next();
      auto s = std::make_unique<Stmt>(Stmt::Kind::AnnAssign, l);
      if (lhs[0]->kind != Expr::Kind::Name)
        fail(l, "annotated assignment to '" + lhs[0]->str() + "', which is not a name");
      s->type = expr();
      expectOp("=");
      s->value = exprOrTuple();
      s->targets = std::move(lhs);
      expectNewline();
      return s;
    }
    if (isOp("=")) {
      next();
      ExprPtr value = exprOrTuple();
      if (isOp("="))
        fail(loc(), "chained assignment is not part of serialized TorchScript");
      expectNewline();
      if (lhs.size() == 1 && !trailingComma && lhs[0]->kind == Expr::Kind::Attr) {
        auto s = std::make_unique<Stmt>(Stmt::Kind::SetAttr, l);
        s->targets = std::move(lhs);
        s->value = std::move(value);
        return s;
      }
      for (auto &e : lhs)
        if (e->kind != Expr::Kind::Name)
          fail(l, "cannot assign to '" + e->str() + "'");
      auto s = std::make_unique<Stmt>(Stmt::Kind::Assign, l);
      s->unpack = lhs.size() > 1 || trailingComma;
      s->targets = std::move(lhs);
      s->value = std::move(value);
      return s;
    }
    if (lhs.size() != 1 || trailingComma)
      fail(l, "a tuple expression is not a statement");
    expectNewline();
    auto s = std::make_unique<Stmt>(Stmt::Kind::Expr, l);
    s->value = std::move(lhs[0]);
    return s;
  }

  /// `a, b` on the right of '=' or after return: a tuple without brackets.
  ExprPtr exprOrTuple() {
    SourceLoc l = loc();
    ExprPtr first = expr();
    if (!isOp(","))
      return first;
    auto tup = std::make_unique<Expr>(Expr::Kind::Tuple, l);
    tup->args.push_back(std::move(first));
    while (isOp(",")) {
      next();
      if (peek().kind == Token::Newline || isOp("="))
        break;
      tup->args.push_back(expr());
    }
    return tup;
  }

  struct DepthGuard {
    int &d;
    DepthGuard(int &d, int max, const SourceLoc &l) : d(d) {
      if (++d > max)
        fail(l, "expression nested deeper than " + std::to_string(max));
    }
    ~DepthGuard() { --d; }
  };

  ExprPtr expr() {
    SourceLoc l = loc();
    DepthGuard g(exprDepth, limits.maxExprDepth, l);
    if (isOp("-")) {
      next();
      auto e = std::make_unique<Expr>(Expr::Kind::Neg, l);
      e->args.push_back(expr());
      // Fold literals: -1, -1.5, -inf.
      Expr &a = *e->args[0];
      if (a.kind == Expr::Kind::Int) {
        a.i = -a.i;
        return std::move(e->args[0]);
      }
      if (a.kind == Expr::Kind::Float) {
        a.f = -a.f;
        return std::move(e->args[0]);
      }
      return e;
    }
    for (const char *o : {"+", "*", "/", "%", "**", "//", "==", "!=", "<", ">", "<=", ">=", "~"})
      if (isOp(o))
        fail(l, std::string("unexpected operator '") + o + "' (serialized TorchScript spells operators as calls)");
    for (const char *kw : {"not", "and", "or", "lambda", "if", "else", "in", "is", "yield", "await"})
      if (isName(kw))
        fail(l, std::string("'") + kw + "' is not supported in serialized TorchScript expressions");
    ExprPtr e = atom();
    for (;;) {
      SourceLoc pl = loc();
      if (isOp(".")) {
        next();
        auto a = std::make_unique<Expr>(Expr::Kind::Attr, pl);
        a->s = expectName();
        a->args.push_back(std::move(e));
        e = std::move(a);
      } else if (isOp("(")) {
        DepthGuard g2(exprDepth, limits.maxExprDepth, pl);
        next();
        auto c = std::make_unique<Expr>(Expr::Kind::Call, e->loc);
        c->args.push_back(std::move(e));
        while (!isOp(")")) {
          if (peek().kind == Token::Name && peek(1).kind == Token::Op && peek(1).text == "=") {
            c->kwNames.push_back(next().text);
            next();
            c->args.push_back(expr());
          } else {
            if (!c->kwNames.empty())
              fail(loc(), "positional argument after a keyword argument");
            c->args.push_back(expr());
          }
          if (isOp(","))
            next();
          else if (!isOp(")"))
            fail(loc(), "expected ',' or ')' in a call, found " + describe(peek()));
        }
        next();
        c->numPositional = c->args.size() - 1 - c->kwNames.size();
        e = std::move(c);
      } else if (isOp("[")) {
        DepthGuard g2(exprDepth, limits.maxExprDepth, pl);
        next();
        ExprPtr lo, hi;
        bool slice = false;
        if (!isOp(":"))
          lo = expr();
        if (isOp(":")) {
          slice = true;
          next();
          if (!isOp("]"))
            hi = expr();
        }
        if (slice) {
          expectOp("]");
          auto s = std::make_unique<Expr>(Expr::Kind::Slice, pl);
          s->args.push_back(std::move(e));
          s->args.push_back(std::move(lo));
          s->args.push_back(std::move(hi));
          e = std::move(s);
          continue;
        }
        auto s = std::make_unique<Expr>(Expr::Kind::Subscript, pl);
        s->args.push_back(std::move(e));
        if (isOp(",")) { // Dict[str, int], Tuple[int, float]
          auto tup = std::make_unique<Expr>(Expr::Kind::Tuple, pl);
          tup->args.push_back(std::move(lo));
          while (isOp(",")) {
            next();
            if (isOp("]"))
              break;
            tup->args.push_back(expr());
          }
          lo = std::move(tup);
        }
        expectOp("]");
        s->args.push_back(std::move(lo));
        e = std::move(s);
      } else {
        break;
      }
    }
    return e;
  }

  ExprPtr atom() {
    SourceLoc l = loc();
    const Token &k = peek();
    switch (k.kind) {
    case Token::Int: {
      auto e = std::make_unique<Expr>(Expr::Kind::Int, l);
      e->i = next().i;
      return e;
    }
    case Token::Float: {
      auto e = std::make_unique<Expr>(Expr::Kind::Float, l);
      e->f = next().f;
      return e;
    }
    case Token::String: {
      auto e = std::make_unique<Expr>(Expr::Kind::Str, l);
      e->s = next().text;
      while (peek().kind == Token::String) // implicit concatenation
        e->s += next().text;
      return e;
    }
    case Token::Name: {
      std::string n = next().text;
      if (n == "True" || n == "False") {
        auto e = std::make_unique<Expr>(Expr::Kind::Bool, l);
        e->i = n == "True";
        return e;
      }
      if (n == "None")
        return std::make_unique<Expr>(Expr::Kind::None, l);
      if (n == "inf" || n == "nan") {
        auto e = std::make_unique<Expr>(Expr::Kind::Float, l);
        e->f = n == "inf" ? HUGE_VAL : std::nan("");
        return e;
      }
      auto e = std::make_unique<Expr>(Expr::Kind::Name, l);
      e->s = n;
      return e;
    }
    case Token::Op:
      if (k.text == "(") {
        next();
        if (isOp(")")) {
          next();
          return std::make_unique<Expr>(Expr::Kind::Tuple, l);
        }
        ExprPtr first = expr();
        if (isOp(")")) {
          next();
          return first;
        }
        auto tup = std::make_unique<Expr>(Expr::Kind::Tuple, l);
        tup->args.push_back(std::move(first));
        while (isOp(",")) {
          next();
          if (isOp(")"))
            break;
          tup->args.push_back(expr());
        }
        expectOp(")");
        return tup;
      }
      if (k.text == "[") {
        next();
        auto list = std::make_unique<Expr>(Expr::Kind::List, l);
        while (!isOp("]")) {
          list->args.push_back(expr());
          if (isOp(","))
            next();
          else if (!isOp("]"))
            fail(loc(), "expected ',' or ']' in a list, found " + describe(peek()));
        }
        next();
        return list;
      }
      if (k.text == "{") {
        next();
        auto d = std::make_unique<Expr>(Expr::Kind::Dict, l);
        while (!isOp("}")) {
          d->args.push_back(expr());
          expectOp(":");
          d->args.push_back(expr());
          if (isOp(","))
            next();
          else if (!isOp("}"))
            fail(loc(), "expected ',' or '}' in a dict, found " + describe(peek()));
        }
        next();
        return d;
      }
      break;
    default:
      break;
    }
    fail(l, "expected an expression, found " + describe(k));
  }

  std::vector<Token> t;
  size_t p = 0;
  std::shared_ptr<const std::string> file;
  const ParseLimits &limits;
  int exprDepth = 0;
  int blockDepth = 0;
};

} // namespace

std::unique_ptr<Module> parseModule(const std::string &source, const std::string &fileName,
                                    const std::string &prefix, const ParseLimits &limits) {
  auto file = std::make_shared<const std::string>(fileName);
  if (source.size() > limits.maxSourceBytes)
    fail({file, 0}, "source file is larger than " + std::to_string(limits.maxSourceBytes) + " bytes");
  if (source.find('\0') != std::string::npos)
    fail({file, 1 + (int)std::count(source.begin(), source.begin() + source.find('\0'), '\n')},
         "NUL byte in source");
  Lexer lex(source, file, limits);
  Parser parser(lex.run(), file, limits);
  return parser.run(prefix);
}

} // namespace kiln::torch::script
