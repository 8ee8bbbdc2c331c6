//===- Lexer.cpp - Tokens of the spec language ----------------------------===//
#include "Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <string>

namespace faattn::spec {

bool checkUtf8(llvm::StringRef buf, Diagnostics &diag) {
  // Well-formed UTF-8 (Unicode 15, table 3-7): no overlong forms, no
  // surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
  const auto *p = reinterpret_cast<const unsigned char *>(buf.begin());
  const auto *end = reinterpret_cast<const unsigned char *>(buf.end());
  while (p < end) {
    unsigned char c = *p;
    int extra = -1;
    unsigned char lo2 = 0x80, hi2 = 0xBF; // allowed range of the second byte
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0)
        lo2 = 0xA0;
      if (c == 0xED)
        hi2 = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0)
        lo2 = 0x90;
      if (c == 0xF4)
        hi2 = 0x8F;
    }
    bool ok = extra >= 0 && end - p > extra;
    for (int i = 1; ok && i <= extra; ++i)
      ok = i == 1 ? (p[1] >= lo2 && p[1] <= hi2) : (p[i] & 0xC0) == 0x80;
    if (!ok) {
      diag.error(llvm::SMLoc::getFromPointer(reinterpret_cast<const char *>(p)),
                 "invalid UTF-8 byte 0x" + llvm::utohexstr(c, /*LowerCase=*/false, 2));
      return false;
    }
    p += extra + 1;
  }
  return true;
}

Token Lexer::make(Tok k, const char *start, bool nl) {
  Token t;
  t.kind = k;
  t.text = llvm::StringRef(start, cur - start);
  t.newlineBefore = nl;
  return t;
}

Token Lexer::error(const char *at, const llvm::Twine &msg) {
  diag.error(llvm::SMLoc::getFromPointer(at), msg);
  Token t;
  t.kind = Tok::Error;
  t.text = llvm::StringRef(at, 0);
  return t;
}

static bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
static bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

Token Lexer::lexNumber(const char *start, bool nl) {
  // Take the longest run that could belong to a number, then classify it, so
  // that `12ab` is one bad token rather than `12` followed by `ab`.
  while (cur < buf.end()) {
    char c = *cur;
    if (isIdentChar(c) || c == '.') {
      ++cur;
      continue;
    }
    if ((c == '+' || c == '-') && (cur[-1] == 'e' || cur[-1] == 'E') &&
        cur - 1 > start && (llvm::isDigit(cur[-2]) || cur[-2] == '.')) {
      ++cur;
      continue;
    }
    break;
  }
  Token t = make(Tok::Int, start, nl);
  llvm::StringRef s = t.text;
  if (llvm::all_of(s, llvm::isDigit)) {
    if (s.size() > 10 || std::stoll(s.str()) > INT32_MAX)
      return error(start, "integer literal '" + s + "' is too large");
    t.ival = std::stoll(s.str());
    return t;
  }
  size_t x = s.find('x');
  if (x != llvm::StringRef::npos && x > 0) {
    llvm::StringRef m = s.take_front(x), n = s.drop_front(x + 1);
    if (!n.empty() && llvm::all_of(m, llvm::isDigit) && llvm::all_of(n, llvm::isDigit) &&
        m.size() <= 6 && n.size() <= 6) {
      t.kind = Tok::Dims;
      t.dimM = std::stoi(m.str());
      t.dimN = std::stoi(n.str());
      return t;
    }
  }
  bool floatChars = llvm::all_of(s, [](char c) {
    return llvm::isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
  });
  if (floatChars) {
    std::string str = s.str();
    char *endp = nullptr;
    errno = 0;
    double v = std::strtod(str.c_str(), &endp);
    if (endp == str.c_str() + str.size()) {
      // Range-check the value as an f32 (after rounding), so that the
      // shortest text of FLT_MAX, which the canonical form prints, reads back.
      if (!std::isfinite(static_cast<float>(v)))
        return error(start, "floating-point literal '" + s + "' is out of range for f32");
      t.kind = Tok::Float;
      t.fval = v;
      return t;
    }
  }
  return error(start, "invalid number '" + s + "'");
}

Token Lexer::next() {
  bool nl = false;
  // Skip whitespace and comments.
  while (cur < buf.end()) {
    char c = *cur;
    if (c == '\n') {
      nl = true;
      ++cur;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++cur;
    } else if (c == '#') {
      while (cur < buf.end() && *cur != '\n')
        ++cur;
    } else {
      break;
    }
  }
  const char *start = cur;
  if (cur >= buf.end())
    return make(Tok::Eof, start, nl);

  char c = *cur++;
  if (isIdentStart(c)) {
    while (cur < buf.end() && isIdentChar(*cur))
      ++cur;
    return make(Tok::Ident, start, nl);
  }
  if (llvm::isDigit(c))
    return lexNumber(start, nl);

  auto two = [&](char second, Tok yes, Tok no) {
    if (cur < buf.end() && *cur == second) {
      ++cur;
      return make(yes, start, nl);
    }
    return make(no, start, nl);
  };
  switch (c) {
  case '{': return make(Tok::LBrace, start, nl);
  case '}': return make(Tok::RBrace, start, nl);
  case '(': return make(Tok::LParen, start, nl);
  case ')': return make(Tok::RParen, start, nl);
  case '[': return make(Tok::LBracket, start, nl);
  case ']': return make(Tok::RBracket, start, nl);
  case ',': return make(Tok::Comma, start, nl);
  case ';': return make(Tok::Semi, start, nl);
  case ':': return make(Tok::Colon, start, nl);
  case '+': return make(Tok::Plus, start, nl);
  case '-': return make(Tok::Minus, start, nl);
  case '*': return make(Tok::Star, start, nl);
  case '/': return make(Tok::Slash, start, nl);
  case '%': return make(Tok::Percent, start, nl);
  case '<': return two('=', Tok::Le, Tok::Lt);
  case '>': return two('=', Tok::Ge, Tok::Gt);
  case '=': return two('=', Tok::EqEq, Tok::Assign);
  case '!': return two('=', Tok::Ne, Tok::Not);
  case '&':
    if (cur < buf.end() && *cur == '&') {
      ++cur;
      return make(Tok::AndAnd, start, nl);
    }
    return error(start, "unexpected '&'; did you mean '&&'?");
  case '|':
    if (cur < buf.end() && *cur == '|') {
      ++cur;
      return make(Tok::OrOr, start, nl);
    }
    return error(start, "unexpected '|'; did you mean '||'?");
  default:
    break;
  }
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x80)
    return error(start, "non-ASCII character outside a comment");
  if (llvm::isPrint(c))
    return error(start, llvm::Twine("unexpected character '") + llvm::Twine(c) + "'");
  return error(start, "unexpected byte 0x" + llvm::utohexstr(u, false, 2));
}

} // namespace faattn::spec
