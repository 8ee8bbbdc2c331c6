//===- Lexer.h - Tokens of the spec language --------------------*- C++ -*-===//
#ifndef FAATTN_SPEC_LEXER_H
#define FAATTN_SPEC_LEXER_H

#include "faattn/Spec/Spec.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

namespace faattn::spec {

enum class Tok {
  Eof, Error, Ident, Int, Float, Dims,
  LBrace, RBrace, LParen, RParen, LBracket, RBracket,
  Comma, Semi, Colon, Assign,
  Plus, Minus, Star, Slash, Percent,
  Lt, Le, Gt, Ge, EqEq, Ne, AndAnd, OrOr, Not,
};

struct Token {
  Tok kind = Tok::Eof;
  llvm::StringRef text;
  bool newlineBefore = false; // a line break between this and the previous token
  int64_t ival = 0;           // Int
  double fval = 0;            // Float
  int dimM = 0, dimN = 0;     // Dims: `128x64`
  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(text.data()); }
};

/// Splits a buffer into tokens. `#` starts a comment to the end of the line.
/// Lexical errors are reported through `diag` and yield a Tok::Error token.
class Lexer {
public:
  Lexer(llvm::StringRef buffer, Diagnostics &diag)
      : buf(buffer), cur(buffer.begin()), diag(diag) {
    if (buffer.starts_with("\xEF\xBB\xBF")) // a UTF-8 byte order mark, as some editors write
      cur += 3;
  }
  Token next();
  /// The location just past the last byte (for "unexpected end of file").
  llvm::SMLoc endLoc() const { return llvm::SMLoc::getFromPointer(buf.end()); }

private:
  Token make(Tok k, const char *start, bool nl);
  Token error(const char *at, const llvm::Twine &msg);
  Token lexNumber(const char *start, bool nl);

  llvm::StringRef buf;
  const char *cur;
  Diagnostics &diag;
};

/// Checks that `buf` is well-formed UTF-8; reports the first bad byte.
bool checkUtf8(llvm::StringRef buf, Diagnostics &diag);

} // namespace faattn::spec

#endif // FAATTN_SPEC_LEXER_H
