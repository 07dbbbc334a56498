//===- Json.cpp - Strict JSON reader --------------------------------------===//

#include "Json.h"

#include <cmath>
#include <cstdlib>
#include <unordered_set>

namespace kiln::torch::json {

namespace {

struct Parser {
  std::string_view s;
  size_t p = 0;
  unsigned maxDepth;
  std::string err;

  bool fail(const std::string &what) {
    if (err.empty())
      err = what + " at byte " + std::to_string(p);
    return false;
  }
  void ws() {
    while (p < s.size() &&
           (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r'))
      ++p;
  }
  bool lit(const char *w) {
    size_t n = std::char_traits<char>::length(w);
    if (s.substr(p, n) != w)
      return fail("invalid literal");
    p += n;
    return true;
  }
  static void putUtf8(std::string &o, uint32_t cp) {
    if (cp < 0x80) {
      o += char(cp);
    } else if (cp < 0x800) {
      o += char(0xc0 | (cp >> 6));
      o += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      o += char(0xe0 | (cp >> 12));
      o += char(0x80 | ((cp >> 6) & 0x3f));
      o += char(0x80 | (cp & 0x3f));
    } else {
      o += char(0xf0 | (cp >> 18));
      o += char(0x80 | ((cp >> 12) & 0x3f));
      o += char(0x80 | ((cp >> 6) & 0x3f));
      o += char(0x80 | (cp & 0x3f));
    }
  }
  bool hex4(uint32_t *v) {
    if (s.size() - p < 4)
      return fail("truncated \\u escape");
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s[p++];
      *v <<= 4;
      if (c >= '0' && c <= '9')
        *v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        *v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        *v |= c - 'A' + 10;
      else
        return fail("bad \\u escape");
    }
    return true;
  }
  bool string(std::string *o) {
    if (p >= s.size() || s[p] != '"')
      return fail("expected a string");
    ++p;
    o->clear();
    while (true) {
      if (p >= s.size())
        return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s[p]);
      if (c == '"') {
        ++p;
        return true;
      }
      if (c < 0x20)
        return fail("control character in string");
      if (c == '\\') {
        ++p;
        if (p >= s.size())
          return fail("unterminated string");
        char e = s[p++];
        switch (e) {
        case '"': *o += '"'; break;
        case '\\': *o += '\\'; break;
        case '/': *o += '/'; break;
        case 'b': *o += '\b'; break;
        case 'f': *o += '\f'; break;
        case 'n': *o += '\n'; break;
        case 'r': *o += '\r'; break;
        case 't': *o += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(&cp))
            return false;
          if (cp >= 0xd800 && cp < 0xdc00) {
            uint32_t lo = 0;
            if (s.substr(p, 2) != "\\u")
              return fail("unpaired surrogate");
            p += 2;
            if (!hex4(&lo))
              return false;
            if (lo < 0xdc00 || lo >= 0xe000)
              return fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return fail("unpaired surrogate");
          }
          putUtf8(*o, cp);
          break;
        }
        default:
          return fail("bad escape");
        }
        continue;
      }
      // UTF-8 sequence.
      size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
                                 : (c & 0xf8) == 0xf0 ? 4 : 0;
      if (!len || s.size() - p < len)
        return fail("invalid UTF-8");
      uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
      for (size_t k = 1; k < len; ++k) {
        unsigned char cc = static_cast<unsigned char>(s[p + k]);
        if ((cc & 0xc0) != 0x80)
          return fail("invalid UTF-8");
        cp = (cp << 6) | (cc & 0x3f);
      }
      if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
          (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
          (cp >= 0xd800 && cp < 0xe000))
        return fail("invalid UTF-8");
      o->append(s.data() + p, len);
      p += len;
    }
  }
  bool number(Value *v) {
    size_t start = p;
    bool neg = false, frac = false;
    if (p < s.size() && s[p] == '-') {
      neg = true;
      ++p;
    }
    if (p >= s.size() || !(s[p] >= '0' && s[p] <= '9'))
      return fail("invalid number");
    if (s[p] == '0') {
      ++p;
      if (p < s.size() && s[p] >= '0' && s[p] <= '9')
        return fail("leading zero in number");
    } else {
      while (p < s.size() && s[p] >= '0' && s[p] <= '9')
        ++p;
    }
    if (p < s.size() && s[p] == '.') {
      frac = true;
      ++p;
      if (p >= s.size() || !(s[p] >= '0' && s[p] <= '9'))
        return fail("invalid number");
      while (p < s.size() && s[p] >= '0' && s[p] <= '9')
        ++p;
    }
    if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
      frac = true;
      ++p;
      if (p < s.size() && (s[p] == '+' || s[p] == '-'))
        ++p;
      if (p >= s.size() || !(s[p] >= '0' && s[p] <= '9'))
        return fail("invalid number");
      while (p < s.size() && s[p] >= '0' && s[p] <= '9')
        ++p;
    }
    std::string text(s.substr(start, p - start));
    v->kind = Value::Kind::Number;
    v->number = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(v->number))
      return fail("number out of range");
    if (!frac) {
      // Exact integer parse with overflow check.
      uint64_t mag = 0;
      bool over = false;
      for (size_t i = neg ? 1 : 0; i < text.size(); ++i) {
        uint64_t d = uint64_t(text[i] - '0');
        if (mag > (UINT64_MAX - d) / 10)
          over = true;
        mag = mag * 10 + d;
      }
      if (!over && (neg ? mag <= uint64_t(INT64_MAX) + 1 : mag <= uint64_t(INT64_MAX))) {
        v->isInteger = true;
        v->integer = neg ? int64_t(0 - mag) : int64_t(mag);
      }
    }
    return true;
  }
  bool value(Value *v, unsigned depth) {
    if (depth > maxDepth)
      return fail("nesting deeper than " + std::to_string(maxDepth));
    ws();
    if (p >= s.size())
      return fail("unexpected end of input");
    char c = s[p];
    if (c == '{') {
      ++p;
      v->kind = Value::Kind::Object;
      std::unordered_set<std::string> seen;
      ws();
      if (p < s.size() && s[p] == '}') {
        ++p;
        return true;
      }
      while (true) {
        ws();
        std::string key;
        if (!string(&key))
          return false;
        if (!seen.insert(key).second)
          return fail("duplicate key \"" + key.substr(0, 80) + "\"");
        ws();
        if (p >= s.size() || s[p] != ':')
          return fail("expected ':'");
        ++p;
        v->members.emplace_back(std::move(key), Value());
        if (!value(&v->members.back().second, depth + 1))
          return false;
        ws();
        if (p < s.size() && s[p] == ',') {
          ++p;
          continue;
        }
        if (p < s.size() && s[p] == '}') {
          ++p;
          return true;
        }
        return fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++p;
      v->kind = Value::Kind::Array;
      ws();
      if (p < s.size() && s[p] == ']') {
        ++p;
        return true;
      }
      while (true) {
        v->items.emplace_back();
        if (!value(&v->items.back(), depth + 1))
          return false;
        ws();
        if (p < s.size() && s[p] == ',') {
          ++p;
          continue;
        }
        if (p < s.size() && s[p] == ']') {
          ++p;
          return true;
        }
        return fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v->kind = Value::Kind::String;
      return string(&v->str);
    }
    if (c == 't') {
      v->kind = Value::Kind::Bool;
      v->boolean = true;
      return lit("true");
    }
    if (c == 'f') {
      v->kind = Value::Kind::Bool;
      return lit("false");
    }
    if (c == 'n') {
      v->kind = Value::Kind::Null;
      return lit("null");
    }
    return number(v);
  }
};

} // namespace

bool parse(std::string_view text, Value *out, std::string *error,
           unsigned maxDepth) {
  Parser ps{text, 0, maxDepth, {}};
  *out = Value();
  if (!ps.value(out, 1)) {
    if (error)
      *error = ps.err;
    return false;
  }
  ps.ws();
  if (ps.p != text.size()) {
    ps.fail("trailing characters after the JSON document");
    if (error)
      *error = ps.err;
    return false;
  }
  return true;
}

} // namespace kiln::torch::json
