//===- Parser.cpp - Recursive-descent parser of spec files ----------------===//
//
// file      := kernel+
// kernel    := 'kernel' IDENT '{' (stmt (';' | NEWLINE))* '}'
// See docs/spec-language.md for the full grammar.
//
//===----------------------------------------------------------------------===//
#include "Lexer.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/SourceMgr.h"

namespace faattn::spec {
namespace {

/// Expressions nested deeper than this are refused (keeps the recursive
/// parser and every later recursive walk far from the stack limit).
constexpr int kMaxExprDepth = 200;
/// Likewise for the number of nodes of one expression (bounds the tree depth
/// of long left-associative chains such as `a + b + c + ...`).
constexpr int kMaxExprNodes = 2000;

const char *const kKeys[] = {"heads", "head_dim", "dtype", "kv_dtype", "out_dtype",
                             "layout", "mode", "target", "score", "mask", "scale", "tile",
                             "stages", "schedule", "grid", "tile_order", "overlap",
                             "return_lse", "backward", "deterministic", "varlen",
                             "paged_kv", "q_descale", "k_descale", "v_descale",
                             "o_descale", "param"};

class Parser {
public:
  Parser(llvm::StringRef buffer, Diagnostics &diag) : lex(buffer, diag), diag(diag) {
    bufStart = buffer.begin();
    next();
  }

  std::optional<std::vector<KernelSpec>> parseFile();

private:
  void next() { tok = lex.next(); }
  bool isIdent(llvm::StringRef s) const { return tok.kind == Tok::Ident && tok.text == s; }
  /// Reports at the current token unless the lexer already reported there.
  bool fail(const llvm::Twine &msg) {
    if (tok.kind != Tok::Error)
      diag.error(tok.loc(), msg);
    return false;
  }
  std::string describe() const {
    if (tok.kind == Tok::Eof)
      return "end of file";
    return "'" + tok.text.str() + "'";
  }
  bool expect(Tok k, const char *what) {
    if (tok.kind != k)
      return fail(llvm::Twine("expected ") + what + ", found " + describe());
    next();
    return true;
  }

  bool parseKernel(KernelSpec &k);
  bool parseStatement(KernelSpec &k);
  bool parseParam(KernelSpec &k);
  bool parseIntPair(const char *key, int &a, int &b, KernelSpec &k, const char *secondKey);
  bool parseInt(const char *what, int &v);
  bool parseBoolFlag(const char *key, bool &v);
  template <typename E>
  bool parseEnum(const char *what, const char *expected,
                 std::initializer_list<std::pair<const char *, E>> values, E &out);

  ExprPtr parseExpr(int depth = 0);
  /// Counts a new node of the current expression; false when over the limit.
  bool countNode() {
    if (++exprNodes <= kMaxExprNodes)
      return true;
    fail("expression is too large (more than " + llvm::Twine(kMaxExprNodes) + " nodes)");
    return false;
  }
  int exprNodes = 0;
  ExprPtr parseBinary(int minPrec, int depth);
  ExprPtr parseUnary(int depth);
  ExprPtr parsePrimary(int depth);
  bool parseArgs(Tok close, const char *closeText, std::vector<ExprPtr> &args, int depth);

  Lexer lex;
  Diagnostics &diag;
  Token tok;
  const char *bufStart;
};

std::optional<std::vector<KernelSpec>> Parser::parseFile() {
  std::vector<KernelSpec> kernels;
  while (tok.kind != Tok::Eof) {
    if (!isIdent("kernel")) {
      fail("expected 'kernel', found " + describe());
      return std::nullopt;
    }
    KernelSpec k;
    if (!parseKernel(k))
      return std::nullopt;
    kernels.push_back(std::move(k));
  }
  if (kernels.empty()) {
    diag.error(llvm::SMLoc::getFromPointer(bufStart), "no kernel in file");
    return std::nullopt;
  }
  return kernels;
}

bool Parser::parseKernel(KernelSpec &k) {
  next(); // 'kernel'
  if (tok.kind != Tok::Ident)
    return fail("expected a kernel name after 'kernel', found " + describe());
  k.name = tok.text.str();
  k.loc = tok.loc();
  // The name is the PTX entry and names output files (<name>.kv<N>.cubin).
  if (k.name.size() > kMaxKernelNameLength)
    return fail("kernel name is " + std::to_string(k.name.size()) + " characters long; at most " +
                std::to_string(kMaxKernelNameLength) + " are allowed");
  next();
  k.bodyLoc = tok.loc();
  if (!expect(Tok::LBrace, "'{' after the kernel name"))
    return false;
  while (tok.kind != Tok::RBrace) {
    if (tok.kind == Tok::Eof) {
      diag.error(lex.endLoc(), "expected '}' to close kernel '" + k.name + "'");
      diag.note(k.bodyLoc, "kernel body opened here");
      return false;
    }
    if (tok.kind == Tok::Semi) {
      next();
      continue;
    }
    if (!parseStatement(k))
      return false;
    if (tok.kind != Tok::Semi && tok.kind != Tok::RBrace && tok.kind != Tok::Eof &&
        !tok.newlineBefore)
      return fail("expected ';' or a newline before " + describe());
  }
  next(); // '}'
  return true;
}

bool Parser::parseInt(const char *what, int &v) {
  if (tok.kind != Tok::Int)
    return fail(llvm::Twine("expected an integer for ") + what + ", found " + describe());
  v = static_cast<int>(tok.ival);
  next();
  return true;
}

/// `A` or `A : B`; records where B was written under `secondKey`.
bool Parser::parseIntPair(const char *key, int &a, int &b, KernelSpec &k, const char *secondKey) {
  if (!parseInt(key, a))
    return false;
  b = a;
  if (tok.kind == Tok::Colon) {
    next();
    k.valueLocs[secondKey] = tok.loc();
    if (!parseInt(key, b))
      return false;
  }
  return true;
}

bool Parser::parseBoolFlag(const char *key, bool &v) {
  v = true;
  if (tok.kind != Tok::Assign)
    return true;
  next();
  if (isIdent("true") || isIdent("false")) {
    v = tok.text == "true";
    next();
    return true;
  }
  return fail(llvm::Twine("expected true or false for '") + key + "', found " + describe());
}

template <typename E>
bool Parser::parseEnum(const char *what, const char *expected,
                       std::initializer_list<std::pair<const char *, E>> values, E &out) {
  if (tok.kind == Tok::Ident)
    for (const auto &[name, value] : values)
      if (tok.text == name) {
        out = value;
        next();
        return true;
      }
  if (tok.kind != Tok::Ident)
    return fail(llvm::Twine("expected ") + what + " (" + expected + "), found " + describe());
  return fail(llvm::Twine("unknown ") + what + " '" + tok.text + "' (expected " + expected + ")");
}

bool Parser::parseStatement(KernelSpec &k) {
  if (tok.kind != Tok::Ident)
    return fail("expected a key or '}', found " + describe());
  std::string key = tok.text.str();
  llvm::SMLoc keyLoc = tok.loc();
  if (key == "param")
    return parseParam(k);
  if (!llvm::is_contained(kKeys, key)) {
    std::string best;
    unsigned bestDist = 3;
    for (const char *cand : kKeys) {
      unsigned d = llvm::StringRef(cand).edit_distance(key);
      if (d < bestDist) {
        bestDist = d;
        best = cand;
      }
    }
    return fail("unknown key '" + key + "'" +
                (best.empty() ? std::string() : "; did you mean '" + best + "'?"));
  }
  if (auto prev = k.keyLocs.find(key); prev != k.keyLocs.end()) {
    diag.error(keyLoc, "duplicate key '" + key + "'");
    diag.note(prev->second, "previous definition is here");
    return false;
  }
  k.keyLocs[key] = keyLoc;
  next();

  if (key == "return_lse")
    return parseBoolFlag("return_lse", k.returnLse);
  if (key == "backward")
    return parseBoolFlag("backward", k.backward);
  if (key == "deterministic")
    return parseBoolFlag("deterministic", k.deterministic);
  if (key == "varlen")
    return parseBoolFlag("varlen", k.varlen);
  if (key == "paged_kv") {
    if (!expect(Tok::LParen, "'(' after 'paged_kv'"))
      return false;
    if (!isIdent("page"))
      return fail("expected 'page' in paged_kv(page = N), found " + describe());
    next();
    if (!expect(Tok::Assign, "'=' after 'page'"))
      return false;
    k.valueLocs[key] = tok.loc();
    int page = 0;
    if (!parseInt("the page size", page))
      return false;
    k.pagedKVPage = page;
    return expect(Tok::RParen, "')' after the page size");
  }

  if (!expect(Tok::Assign, ("'=' after '" + key + "'").c_str()))
    return false;
  k.valueLocs[key] = tok.loc();

  if (key == "heads")
    return parseIntPair("heads", k.headsQ, k.headsKV, k, "heads.kv");
  if (key == "head_dim")
    return parseIntPair("head_dim", k.headDimQK, k.headDimV, k, "head_dim.v");
  if (key == "dtype")
    return parseEnum<DType>("dtype", "f16, bf16 or e4m3",
                            {{"f16", DType::F16}, {"bf16", DType::BF16}, {"e4m3", DType::E4M3}},
                            k.dtype);
  // K and V's, and the output's, element types (Sema checks which pairs exist).
  if (key == "kv_dtype" || key == "out_dtype") {
    DType d;
    if (!parseEnum<DType>(key.c_str(), "f16, bf16 or e4m3",
                          {{"f16", DType::F16}, {"bf16", DType::BF16}, {"e4m3", DType::E4M3}}, d))
      return false;
    (key == "kv_dtype" ? k.kvDtype : k.outDtype) = d;
    return true;
  }
  if (key == "layout")
    return parseEnum<Layout>("layout", "bshd or bhsd",
                             {{"bshd", Layout::BSHD}, {"bhsd", Layout::BHSD}}, k.layout);
  if (key == "mode")
    return parseEnum<Mode>("mode", "forward, backward or decode",
                           {{"forward", Mode::Forward},
                            {"backward", Mode::Backward},
                            {"decode", Mode::Decode}},
                           k.mode);
  if (key == "target")
    return parseEnum<Target>("target", "sm_80 or sm_90a",
                             {{"sm_80", Target::SM80}, {"sm_90a", Target::SM90a}}, k.target);
  if (key == "schedule")
    return parseEnum<Schedule>("schedule", "auto, cooperative or pingpong",
                               {{"auto", Schedule::Auto},
                                {"cooperative", Schedule::Cooperative},
                                {"pingpong", Schedule::Pingpong}},
                               k.schedule);
  if (key == "grid")
    return parseEnum<Grid>("grid", "default or persistent",
                           {{"default", Grid::Default}, {"persistent", Grid::Persistent}}, k.grid);
  if (key == "tile_order")
    return parseEnum<TileOrder>("tile_order", "auto, heavy_first or l2_sections",
                                {{"auto", TileOrder::Auto},
                                 {"heavy_first", TileOrder::HeavyFirst},
                                 {"l2_sections", TileOrder::L2Sections}},
                                k.tileOrder);
  if (key == "overlap")
    return parseEnum<Overlap>("overlap", "auto, none or softmax",
                              {{"auto", Overlap::Auto},
                               {"none", Overlap::None},
                               {"softmax", Overlap::Softmax}},
                              k.overlap);
  if (key == "stages") {
    int s = 0;
    if (!parseInt("stages", s))
      return false;
    k.stages = s;
    return true;
  }
  if (key == "tile") {
    if (tok.kind != Tok::Dims)
      return fail("expected tile sizes like 128x64, found " + describe());
    k.tileM = tok.dimM;
    k.tileN = tok.dimN;
    next();
    return true;
  }
  if (key == "scale") {
    float sign = 1;
    if (tok.kind == Tok::Minus) { // refused by the checks, with a clearer message
      sign = -1;
      next();
    }
    if (tok.kind == Tok::Int)
      k.scale = sign * static_cast<float>(tok.ival);
    else if (tok.kind == Tok::Float)
      k.scale = sign * static_cast<float>(tok.fval);
    else
      return fail("expected a number for scale, found " + describe());
    k.scaleGiven = true;
    next();
    return true;
  }
  // score / mask / the descales
  ExprPtr e = parseExpr();
  if (!e)
    return false;
  if (key == "score")
    k.score = std::move(e);
  else if (key == "mask")
    k.mask = std::move(e);
  else if (key == "q_descale")
    k.qDescale = std::move(e);
  else if (key == "k_descale")
    k.kDescale = std::move(e);
  else if (key == "v_descale")
    k.vDescale = std::move(e);
  else
    k.oDescale = std::move(e);
  return true;
}

bool Parser::parseParam(KernelSpec &k) {
  next(); // 'param'
  ParamDecl p;
  if (tok.kind != Tok::Ident)
    return fail("expected a param name after 'param', found " + describe());
  p.name = tok.text.str();
  p.loc = tok.loc();
  next();
  if (!expect(Tok::Colon, "':' after the param name"))
    return false;
  if (!parseEnum<Type>("param type", "f32 or i32", {{"f32", Type::F32}, {"i32", Type::I32}},
                       p.elemType))
    return false;
  if (tok.kind == Tok::LBracket) {
    next();
    while (true) {
      Dim d;
      if (!parseEnum<Dim>("dimension", "batch, heads, kv_heads, seq, seq_q or seq_kv",
                          {{"batch", Dim::Batch},
                           {"heads", Dim::Heads},
                           {"kv_heads", Dim::KVHeads},
                           {"seq", Dim::Seq},
                           {"seq_q", Dim::SeqQ},
                           {"seq_kv", Dim::SeqKV}},
                          d))
        return false;
      p.shape.push_back(d);
      if (tok.kind == Tok::Comma) {
        next();
        continue;
      }
      if (!expect(Tok::RBracket, "',' or ']' in the param shape"))
        return false;
      break;
    }
  }
  // A name on the same line that is not a key is an attribute of the param.
  if (tok.kind == Tok::Ident && !tok.newlineBefore && !llvm::is_contained(kKeys, tok.text)) {
    if (tok.text != "requires_grad")
      return fail("unknown param attribute '" + tok.text + "' (expected requires_grad)");
    p.requiresGrad = true;
    p.gradLoc = tok.loc();
    next();
  }
  k.params.push_back(std::move(p));
  return true;
}

// ---- Expressions ------------------------------------------------------------

int precedence(Tok k) {
  switch (k) {
  case Tok::OrOr: return 1;
  case Tok::AndAnd: return 2;
  case Tok::EqEq: case Tok::Ne: return 3;
  case Tok::Lt: case Tok::Le: case Tok::Gt: case Tok::Ge: return 4;
  case Tok::Plus: case Tok::Minus: return 5;
  case Tok::Star: case Tok::Slash: case Tok::Percent: return 6;
  default: return -1;
  }
}

BinOp binopOf(Tok k) {
  switch (k) {
  case Tok::OrOr: return BinOp::Or;
  case Tok::AndAnd: return BinOp::And;
  case Tok::EqEq: return BinOp::Eq;
  case Tok::Ne: return BinOp::Ne;
  case Tok::Lt: return BinOp::Lt;
  case Tok::Le: return BinOp::Le;
  case Tok::Gt: return BinOp::Gt;
  case Tok::Ge: return BinOp::Ge;
  case Tok::Plus: return BinOp::Add;
  case Tok::Minus: return BinOp::Sub;
  case Tok::Star: return BinOp::Mul;
  case Tok::Slash: return BinOp::Div;
  default: return BinOp::Rem;
  }
}

ExprPtr Parser::parseExpr(int depth) {
  if (depth == 0)
    exprNodes = 0;
  return parseBinary(1, depth);
}

ExprPtr Parser::parseBinary(int minPrec, int depth) {
  ExprPtr lhs = parseUnary(depth);
  if (!lhs)
    return nullptr;
  while (true) {
    int prec = precedence(tok.kind);
    if (prec < minPrec)
      return lhs;
    if (!countNode())
      return nullptr;
    auto e = std::make_unique<Expr>(Expr::Kind::Binary, tok.loc());
    e->binop = binopOf(tok.kind);
    next();
    ExprPtr rhs = parseBinary(prec + 1, depth + 1);
    if (!rhs)
      return nullptr;
    e->args.push_back(std::move(lhs));
    e->args.push_back(std::move(rhs));
    lhs = std::move(e);
  }
}

ExprPtr Parser::parseUnary(int depth) {
  if (depth > kMaxExprDepth) {
    fail("expression is nested too deeply");
    return nullptr;
  }
  if (!countNode())
    return nullptr;
  if (tok.kind == Tok::Minus || tok.kind == Tok::Not) {
    auto e = std::make_unique<Expr>(Expr::Kind::Unary, tok.loc());
    e->unop = tok.kind == Tok::Minus ? UnOp::Neg : UnOp::Not;
    next();
    ExprPtr operand = parseUnary(depth + 1);
    if (!operand)
      return nullptr;
    e->args.push_back(std::move(operand));
    return e;
  }
  return parsePrimary(depth);
}

bool Parser::parseArgs(Tok close, const char *closeText, std::vector<ExprPtr> &args,
                       int depth) {
  next(); // '(' or '['
  if (tok.kind == close) {
    next();
    return true;
  }
  while (true) {
    ExprPtr a = parseExpr(depth + 1);
    if (!a)
      return false;
    args.push_back(std::move(a));
    if (tok.kind == Tok::Comma) {
      next();
      continue;
    }
    return expect(close, (std::string("',' or ") + closeText).c_str());
  }
}

ExprPtr Parser::parsePrimary(int depth) {
  llvm::SMLoc loc = tok.loc();
  switch (tok.kind) {
  case Tok::Int: {
    auto e = std::make_unique<Expr>(Expr::Kind::IntLit, loc);
    e->ival = tok.ival;
    next();
    return e;
  }
  case Tok::Float: {
    auto e = std::make_unique<Expr>(Expr::Kind::FloatLit, loc);
    e->fval = static_cast<float>(tok.fval);
    next();
    return e;
  }
  case Tok::LParen: {
    next();
    ExprPtr e = parseExpr(depth + 1);
    if (!e || !expect(Tok::RParen, "')'"))
      return nullptr;
    return e;
  }
  case Tok::Ident: {
    std::string name = tok.text.str();
    next();
    if (tok.kind == Tok::LParen) {
      auto e = std::make_unique<Expr>(Expr::Kind::Call, loc);
      e->name = name;
      if (!parseArgs(Tok::RParen, "')'", e->args, depth))
        return nullptr;
      return e;
    }
    if (tok.kind == Tok::LBracket) {
      auto e = std::make_unique<Expr>(Expr::Kind::Param, loc);
      e->name = name;
      if (!parseArgs(Tok::RBracket, "']'", e->args, depth))
        return nullptr;
      return e;
    }
    auto e = std::make_unique<Expr>(Expr::Kind::Name, loc);
    e->name = name;
    return e;
  }
  default:
    fail("expected an expression, found " + describe());
    return nullptr;
  }
}

} // namespace

std::optional<std::vector<KernelSpec>> parse(unsigned bufferID, Diagnostics &diag) {
  llvm::StringRef buf = diag.sourceMgr().getMemoryBuffer(bufferID)->getBuffer();
  if (!checkUtf8(buf, diag))
    return std::nullopt;
  Parser p(buf, diag);
  return p.parseFile();
}

} // namespace faattn::spec
