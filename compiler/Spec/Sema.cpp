//===- Sema.cpp - Name resolution, type checking and target checks --------===//
#include "Checker.h"
#include "faattn/Spec/Experimental.h"
#include "faattn/Spec/Spec.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <set>

namespace faattn::spec {
namespace {

struct FuncInfo {
  Func func;
  unsigned arity;
};

std::optional<FuncInfo> lookupFunc(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<FuncInfo>>(name)
      .Case("tanh", FuncInfo{Func::Tanh, 1})
      .Case("exp", FuncInfo{Func::Exp, 1})
      .Case("exp2", FuncInfo{Func::Exp2, 1})
      .Case("log", FuncInfo{Func::Log, 1})
      .Case("abs", FuncInfo{Func::Abs, 1})
      .Case("min", FuncInfo{Func::Min, 2})
      .Case("max", FuncInfo{Func::Max, 2})
      .Case("where", FuncInfo{Func::Where, 3})
      .Case("window", FuncInfo{Func::Window, 2})
      .Default(std::nullopt);
}

std::optional<Builtin> lookupBuiltin(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Builtin>>(name)
      .Case("score", Builtin::Score)
      .Case("b", Builtin::Batch)
      .Case("h", Builtin::Head)
      .Case("q_idx", Builtin::QIdx)
      .Case("kv_idx", Builtin::KVIdx)
      .Case("seq_q", Builtin::SeqQ)
      .Case("seq_kv", Builtin::SeqKV)
      .Default(std::nullopt);
}

bool isReserved(llvm::StringRef n) {
  return lookupBuiltin(n) || lookupFunc(n) || n == "true" || n == "false" ||
         n == "causal" || n == "param" || n == "kernel";
}

/// More query heads than any model uses; keeps grid sizes far from limits.
constexpr int kMaxHeads = 1024;

bool isNumeric(Type t) { return t == Type::I32 || t == Type::F32; }

const char *opSpelling(BinOp op) {
  switch (op) {
  case BinOp::Add: return "+";
  case BinOp::Sub: return "-";
  case BinOp::Mul: return "*";
  case BinOp::Div: return "/";
  case BinOp::Rem: return "%";
  case BinOp::Lt: return "<";
  case BinOp::Le: return "<=";
  case BinOp::Gt: return ">";
  case BinOp::Ge: return ">=";
  case BinOp::Eq: return "==";
  case BinOp::Ne: return "!=";
  case BinOp::And: return "&&";
  case BinOp::Or: return "||";
  }
  return "?";
}

ExprPtr makeBuiltin(Builtin b, llvm::SMLoc loc) {
  auto e = std::make_unique<Expr>(Expr::Kind::Builtin, loc);
  e->builtin = b;
  e->type = Type::I32;
  return e;
}

ExprPtr makeInt(int64_t v, llvm::SMLoc loc) {
  auto e = std::make_unique<Expr>(Expr::Kind::IntLit, loc);
  e->ival = v;
  e->type = Type::I32;
  return e;
}

ExprPtr makeBinary(BinOp op, ExprPtr a, ExprPtr b, Type t, llvm::SMLoc loc) {
  auto e = std::make_unique<Expr>(Expr::Kind::Binary, loc);
  e->binop = op;
  e->type = t;
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

/// The value of a literal-only subexpression (no names), if it has one.
std::optional<double> constValue(const Expr &e) {
  switch (e.kind) {
  case Expr::Kind::IntLit: return double(e.ival);
  case Expr::Kind::FloatLit: return double(e.fval);
  case Expr::Kind::ToF32: return constValue(*e.args[0]);
  case Expr::Kind::Unary:
    if (e.unop == UnOp::Neg)
      if (auto v = constValue(*e.args[0]))
        return -*v;
    return std::nullopt;
  case Expr::Kind::Binary: {
    auto a = constValue(*e.args[0]), b = constValue(*e.args[1]);
    if (!a || !b)
      return std::nullopt;
    switch (e.binop) {
    case BinOp::Add: return *a + *b;
    case BinOp::Sub: return *a - *b;
    case BinOp::Mul: return *a * *b;
    case BinOp::Div:
      if (*b == 0)
        return std::nullopt;
      return e.type == Type::I32 ? std::trunc(*a / *b) : *a / *b;
    case BinOp::Rem:
      if (*b == 0)
        return std::nullopt;
      return std::fmod(*a, *b); // C's remainder: the sign of the dividend
    default: return std::nullopt;
    }
  }
  default: return std::nullopt;
  }
}

/// "; did you mean 'x'?" for the closest candidate, or nothing.
std::string suggestion(const std::string &n, const std::vector<std::string> &candidates) {
  std::string best;
  unsigned bestDist = n.size() > 3 ? 3 : 2;
  for (const std::string &cand : candidates) {
    unsigned d = llvm::StringRef(cand).edit_distance(n);
    if (d < bestDist && d < cand.size()) {
      bestDist = d;
      best = cand;
    }
  }
  return best.empty() ? std::string() : "; did you mean '" + best + "'?";
}


} // namespace

bool experimentalE4M3Overlap() {
  static const bool on = [] {
    const char *v = std::getenv("FAATTN_EXPERIMENTAL_E4M3_OVERLAP");
    return v && std::string(v) == "1";
  }();
  return on;
}

namespace sema {

bool isReservedName(llvm::StringRef n) { return isReserved(n); }

void Checker::toF32(ExprPtr &e) {
  if (e->type != Type::I32)
    return;
  if (e->kind == Expr::Kind::IntLit) {
    e->kind = Expr::Kind::FloatLit;
    e->fval = static_cast<float>(e->ival);
    e->type = Type::F32;
    return;
  }
  auto cast = std::make_unique<Expr>(Expr::Kind::ToF32, e->loc);
  cast->type = Type::F32;
  cast->args.push_back(std::move(e));
  e = std::move(cast);
}

Type Checker::unifyNumeric(ExprPtr &a, ExprPtr &b) {
  if (a->type == Type::F32 || b->type == Type::F32) {
    toF32(a);
    toF32(b);
    return Type::F32;
  }
  return Type::I32;
}

Type Checker::checkExpr(ExprPtr &e) {
  switch (e->kind) {
  case Expr::Kind::IntLit: return e->type = Type::I32;
  case Expr::Kind::FloatLit: return e->type = Type::F32;
  case Expr::Kind::BoolLit: return e->type = Type::Bool;
  case Expr::Kind::Builtin:
  case Expr::Kind::ToF32: return e->type; // already checked
  case Expr::Kind::Name: return checkName(e);
  case Expr::Kind::Param: return checkParam(e);
  case Expr::Kind::Call: return checkCall(e);
  case Expr::Kind::Binary: return checkBinary(e);
  case Expr::Kind::Unary: {
    Type t = checkExpr(e->args[0]);
    if (t == Type::Unknown)
      return Type::Unknown;
    if (e->unop == UnOp::Neg) {
      if (!isNumeric(t))
        return error(e->loc, llvm::Twine("operator '-' expects a numeric operand, got ") +
                                 typeName(t));
      // A negated literal is a literal: `-2` and `-2.0` canonicalize like `2`.
      Expr &x = *e->args[0];
      if (x.kind == Expr::Kind::IntLit && x.ival <= INT32_MAX) {
        x.ival = -x.ival;
        x.loc = e->loc;
        e = std::move(e->args[0]);
        return t;
      }
      if (x.kind == Expr::Kind::FloatLit) {
        x.fval = -x.fval;
        x.loc = e->loc;
        e = std::move(e->args[0]);
        return t;
      }
      return e->type = t;
    }
    if (t != Type::Bool)
      return error(e->loc,
                   llvm::Twine("operator '!' expects a bool operand, got ") + typeName(t));
    return e->type = Type::Bool;
  }
  }
  return Type::Unknown;
}

Type Checker::checkName(ExprPtr &e) {
  const std::string &n = e->name;
  if (n == "true" || n == "false") {
    e->kind = Expr::Kind::BoolLit;
    e->bval = n == "true";
    return e->type = Type::Bool;
  }
  if (n == "causal") {
    llvm::SMLoc loc = e->loc;
    e = makeBinary(BinOp::Ge, makeBuiltin(Builtin::QIdx, loc),
                   makeBuiltin(Builtin::KVIdx, loc), Type::Bool, loc);
    return Type::Bool;
  }
  if (auto b = lookupBuiltin(n)) {
    if (*b == Builtin::Score && !inScore)
      return error(e->loc, "'score' can only be used in the score expression");
    e->kind = Expr::Kind::Builtin;
    e->builtin = *b;
    return e->type = *b == Builtin::Score ? Type::F32 : Type::I32;
  }
  if (k.findParam(n))
    return checkParam(e);
  if (lookupFunc(n))
    return error(e->loc, "function '" + n + "' must be called with arguments");
  std::vector<std::string> names = {"score", "b", "h", "q_idx", "kv_idx", "seq_q",
                                    "seq_kv", "causal", "true", "false"};
  for (const ParamDecl &p : k.params)
    names.push_back(p.name);
  return error(e->loc, "undefined name '" + n + "'" + suggestion(n, names));
}

Type Checker::checkParam(ExprPtr &e) {
  const ParamDecl *p = k.findParam(e->name);
  if (!p) {
    if (lookupBuiltin(e->name) || e->name == "causal")
      return error(e->loc, "'" + e->name + "' is not a param and cannot be indexed");
    std::vector<std::string> names;
    for (const ParamDecl &d : k.params)
      names.push_back(d.name);
    return error(e->loc, "undefined param '" + e->name + "'" + suggestion(e->name, names));
  }
  e->kind = Expr::Kind::Param;
  if (e->args.size() != p->shape.size())
    return error(e->loc, "param '" + p->name + "' has rank " + llvm::Twine(p->shape.size()) +
                             " but is indexed with " + llvm::Twine(e->args.size()) +
                             (e->args.size() == 1 ? " index" : " indices"));
  bool ok = true;
  for (ExprPtr &idx : e->args) {
    Type t = checkExpr(idx);
    if (t == Type::Unknown) {
      ok = false;
    } else if (t != Type::I32) {
      error(idx->loc, "index of param '" + p->name + "' must be i32, got " + typeName(t));
      ok = false;
    }
  }
  if (!ok)
    return Type::Unknown;
  return e->type = p->elemType;
}

Type Checker::checkCall(ExprPtr &e) {
  auto info = lookupFunc(e->name);
  if (!info) {
    if (k.findParam(e->name))
      return error(e->loc, "param '" + e->name + "' is indexed with [], not called");
    return error(e->loc, "unknown function '" + e->name + "'");
  }
  e->func = info->func;
  if (e->args.size() != info->arity)
    return error(e->loc, llvm::Twine("'") + e->name + "' expects " + llvm::Twine(info->arity) +
                             (info->arity == 1 ? " argument" : " arguments") + ", got " +
                             llvm::Twine(e->args.size()));
  if (info->func == Func::Window) {
    // window(left, right): kv_idx in [q_idx - left, q_idx + right].
    int64_t bounds[2];
    for (int i = 0; i < 2; ++i) {
      const Expr &a = *e->args[i];
      if (a.kind != Expr::Kind::IntLit)
        return error(a.loc, "window() bounds must be non-negative integer constants");
      bounds[i] = a.ival;
    }
    llvm::SMLoc loc = e->loc;
    auto diff = [&](Builtin x, Builtin y) {
      return makeBinary(BinOp::Sub, makeBuiltin(x, loc), makeBuiltin(y, loc), Type::I32, loc);
    };
    ExprPtr left = makeBinary(BinOp::Le, diff(Builtin::QIdx, Builtin::KVIdx),
                              makeInt(bounds[0], loc), Type::Bool, loc);
    ExprPtr right = makeBinary(BinOp::Le, diff(Builtin::KVIdx, Builtin::QIdx),
                               makeInt(bounds[1], loc), Type::Bool, loc);
    e = makeBinary(BinOp::And, std::move(left), std::move(right), Type::Bool, loc);
    return Type::Bool;
  }
  bool ok = true;
  for (ExprPtr &a : e->args)
    ok &= checkExpr(a) != Type::Unknown;
  if (!ok)
    return Type::Unknown;
  const char *fn = funcName(info->func);
  switch (info->func) {
  case Func::Tanh:
  case Func::Exp:
  case Func::Exp2:
  case Func::Log:
    if (!isNumeric(e->args[0]->type))
      return error(e->args[0]->loc, llvm::Twine("'") + fn + "' expects a numeric argument, got " +
                                        typeName(e->args[0]->type));
    toF32(e->args[0]);
    return e->type = Type::F32;
  case Func::Abs:
    if (!isNumeric(e->args[0]->type))
      return error(e->args[0]->loc, llvm::Twine("'abs' expects a numeric argument, got ") +
                                        typeName(e->args[0]->type));
    return e->type = e->args[0]->type;
  case Func::Min:
  case Func::Max:
    for (ExprPtr &a : e->args)
      if (!isNumeric(a->type))
        return error(a->loc, llvm::Twine("'") + fn + "' expects numeric arguments, got " +
                                 typeName(a->type));
    return e->type = unifyNumeric(e->args[0], e->args[1]);
  case Func::Where: {
    if (e->args[0]->type != Type::Bool)
      return error(e->args[0]->loc, llvm::Twine("'where' expects a bool condition, got ") +
                                        typeName(e->args[0]->type));
    Type a = e->args[1]->type, b = e->args[2]->type;
    if (a == Type::Bool && b == Type::Bool)
      return e->type = Type::Bool;
    if (isNumeric(a) && isNumeric(b))
      return e->type = unifyNumeric(e->args[1], e->args[2]);
    return error(e->loc, llvm::Twine("'where' branches must both be numeric or both bool, got ") +
                             typeName(a) + " and " + typeName(b));
  }
  case Func::Window: break;
  }
  return Type::Unknown;
}

Type Checker::checkBinary(ExprPtr &e) {
  Type a = checkExpr(e->args[0]);
  Type b = checkExpr(e->args[1]);
  if (a == Type::Unknown || b == Type::Unknown)
    return Type::Unknown;
  const char *op = opSpelling(e->binop);
  auto operandError = [&](const char *want) {
    return error(e->loc, llvm::Twine("operator '") + op + "' expects " + want +
                             " operands, got " + typeName(a) + " and " + typeName(b));
  };
  switch (e->binop) {
  case BinOp::Add:
  case BinOp::Sub:
  case BinOp::Mul:
  case BinOp::Div:
    if (!isNumeric(a) || !isNumeric(b))
      return operandError("numeric");
    e->type = unifyNumeric(e->args[0], e->args[1]);
    if (e->binop == BinOp::Div)
      if (auto d = constValue(*e->args[1]); d && *d == 0)
        return error(e->loc, "division by constant zero");
    return e->type;
  case BinOp::Rem:
    if (a != Type::I32 || b != Type::I32)
      return operandError("i32");
    if (auto d = constValue(*e->args[1]); d && *d == 0)
      return error(e->loc, "remainder by constant zero");
    return e->type = Type::I32;
  case BinOp::Lt:
  case BinOp::Le:
  case BinOp::Gt:
  case BinOp::Ge:
    if (!isNumeric(a) || !isNumeric(b))
      return operandError("numeric");
    unifyNumeric(e->args[0], e->args[1]);
    return e->type = Type::Bool;
  case BinOp::Eq:
  case BinOp::Ne:
    if (a == Type::Bool && b == Type::Bool)
      return e->type = Type::Bool;
    if (!isNumeric(a) || !isNumeric(b))
      return operandError("numeric or bool");
    unifyNumeric(e->args[0], e->args[1]);
    return e->type = Type::Bool;
  case BinOp::And:
  case BinOp::Or:
    if (a != Type::Bool || b != Type::Bool)
      return operandError("bool");
    return e->type = Type::Bool;
  }
  return Type::Unknown;
}

void Checker::checkHeadDim(int d, llvm::SMLoc loc) {
  if (d < 1 || d > 512)
    diag.error(loc, "head_dim must be between 1 and 512, got " + llvm::Twine(d));
  else if (d % 8 != 0)
    diag.error(loc, "head_dim must be a multiple of 8, got " + llvm::Twine(d));
  else if (d > 256)
    diag.error(loc, "head_dim " + llvm::Twine(d) + " exceeds the maximum of 256 on " +
                        targetName(k.target));
}

void Checker::run() {
  // Structure.
  for (const char *key : {"heads", "head_dim"})
    if (!k.keyLocs.count(key))
      diag.error(k.loc, "kernel '" + k.name + "' is missing required key '" + key + "'");

  if (k.keyLocs.count("heads")) {
    llvm::SMLoc loc = valueLoc("heads");
    if (k.headsQ <= 0)
      diag.error(loc, "heads must be positive, got " + llvm::Twine(k.headsQ));
    else if (k.headsQ > kMaxHeads)
      diag.error(loc, "heads must be at most " + llvm::Twine(kMaxHeads) + ", got " +
                          llvm::Twine(k.headsQ));
    else if (k.headsKV <= 0)
      diag.error(valueLoc("heads.kv"), "KV heads must be positive, got " + llvm::Twine(k.headsKV));
    else if (k.headsQ % k.headsKV != 0)
      diag.error(loc, "query heads (" + llvm::Twine(k.headsQ) +
                          ") must be a multiple of KV heads (" + llvm::Twine(k.headsKV) + ")");
  }
  if (k.keyLocs.count("head_dim")) {
    unsigned before = diag.errorCount();
    checkHeadDim(k.headDimQK, valueLoc("head_dim"));
    if (k.headDimV != k.headDimQK && diag.errorCount() == before)
      checkHeadDim(k.headDimV, valueLoc("head_dim.v"));
  }

  checkDtypes();
  if (k.schedule != Schedule::Auto && k.target != Target::SM90a)
    diag.error(valueLoc("schedule"), llvm::Twine("schedule = ") + scheduleName(k.schedule) +
                                         " requires target = sm_90a");
  if (k.grid == Grid::Persistent) {
    if (k.target != Target::SM90a)
      diag.error(valueLoc("grid"), "grid = persistent requires target = sm_90a");
    else if (k.mode != Mode::Forward)
      diag.error(valueLoc("grid"), llvm::Twine("grid = persistent requires mode = forward, got ") +
                                       modeName(k.mode));
    else if (k.schedule != Schedule::Auto)
      diag.error(valueLoc("grid"), llvm::Twine("grid = persistent is not supported with schedule = ") +
                                       scheduleName(k.schedule) + " yet");
    else if (k.varlen)
      diag.error(valueLoc("grid"), "grid = persistent is not supported with varlen yet");
  }
  if (k.tileOrder != TileOrder::Auto) {
    if (k.target != Target::SM90a)
      diag.error(valueLoc("tile_order"), llvm::Twine("tile_order = ") +
                                             tileOrderName(k.tileOrder) +
                                             " requires target = sm_90a");
    else if (k.mode != Mode::Forward)
      diag.error(valueLoc("tile_order"), llvm::Twine("tile_order = ") +
                                             tileOrderName(k.tileOrder) +
                                             " requires mode = forward, got " + modeName(k.mode));
  }
  if (k.overlap == Overlap::Softmax) {
    // faattn-overlap-softmax's loops are lowered on the wgmma TMA pipeline only.
    llvm::SMLoc loc = valueLoc("overlap");
    if (k.target != Target::SM90a)
      diag.error(loc, "overlap = softmax requires target = sm_90a");
    else if (k.mode != Mode::Forward)
      diag.error(loc, llvm::Twine("overlap = softmax requires mode = forward, got ") +
                          modeName(k.mode));
    else if (k.dtype == DType::E4M3 && !experimentalE4M3Overlap())
      diag.error(loc, "overlap = softmax is not supported with dtype e4m3 yet "
                      "(FAATTN_EXPERIMENTAL_E4M3_OVERLAP=1: built, not GPU-validated)");
    else if (k.kvType() == DType::E4M3 && k.dtype != DType::E4M3)
      diag.error(loc, "overlap = softmax is not supported with kv_dtype e4m3 yet");
    else if (k.varlen)
      diag.error(loc, "overlap = softmax is not supported with varlen yet");
    else if (k.pagedKVPage)
      diag.error(loc, "overlap = softmax is not supported with paged_kv yet");
    else if (k.headDimQK % 16 != 0 || k.headDimV % 16 != 0)
      diag.error(loc, "overlap = softmax requires head dims that are multiples of 16 (the TMA "
                      "pipeline), got " +
                          llvm::Twine(k.headDimQK) + ":" + llvm::Twine(k.headDimV));
  }
  if (k.pagedKVPage) {
    int p = *k.pagedKVPage;
    if (k.mode == Mode::Backward)
      diag.error(k.keyLocs["paged_kv"], "paged_kv is not supported with mode = backward");
    else if (k.backward && k.mode == Mode::Forward)
      diag.error(k.keyLocs["paged_kv"], "paged_kv is not supported with backward");
    else if (!(p == 1 || p == 2 || p == 4 || p == 8 || (p >= 16 && p <= 1024 && p % 16 == 0)))
      // vLLM's and SGLang's caches: pages of 1 token (SGLang's radix cache), 16 (vLLM's
      // default), 64, 256.
      diag.error(valueLoc("paged_kv"),
                 "paged_kv page size must be 1, 2, 4, 8 or a multiple of 16 up to 1024, got " +
                     llvm::Twine(p));
  }
  // A forward kernel that yields its backward writes the LSE the backward reads.
  if (k.backward) {
    if (k.mode != Mode::Forward)
      diag.error(k.keyLocs["backward"],
                 llvm::Twine("backward requires mode = forward, got ") + modeName(k.mode));
    else if (k.keyLocs.count("return_lse") && !k.returnLse)
      diag.error(k.keyLocs["return_lse"],
                 "backward writes the LSE (its backward reads it), but return_lse = false");
    else
      k.returnLse = true;
  }
  // deterministic orders the backward's dQ and param-gradient adds
  // (docs/BACKWARD.md); what it needs of the learnable params' reads is
  // checkGradients' (SemaInputs.cpp).
  if (k.deterministic && k.mode != Mode::Backward && !k.backward)
    diag.error(k.keyLocs["deterministic"],
               "deterministic applies to the backward, but kernel '" + k.name +
                   "' has none (add 'backward', or set mode = backward)");
  if (k.tileM) {
    auto bad = [](int t) { return t < 16 || t > 256 || t % 16 != 0; };
    if (bad(*k.tileM) || bad(*k.tileN))
      diag.error(valueLoc("tile"), "tile sizes must be multiples of 16 between 16 and 256, got " +
                                       llvm::Twine(*k.tileM) + "x" + llvm::Twine(*k.tileN));
  }
  if (k.stages && (*k.stages < 1 || *k.stages > 8))
    diag.error(valueLoc("stages"), "stages must be between 1 and 8, got " + llvm::Twine(*k.stages));
  if (k.scaleGiven && !(k.scale > 0 && std::isfinite(k.scale)))
    diag.error(valueLoc("scale"), "scale must be a positive number");
  if (!k.scaleGiven && k.headDimQK > 0)
    k.scale = static_cast<float>(1.0 / std::sqrt(double(k.headDimQK)));

  // Params.
  // (A hash map from name to first declaration: linear in the params.)
  llvm::StringMap<size_t> firstParam;
  for (size_t i = 0; i < k.params.size(); ++i) {
    const ParamDecl &p = k.params[i];
    if (isReservedName(p.name)) {
      diag.error(p.loc, "param name '" + p.name + "' is reserved");
      continue;
    }
    auto [it, inserted] = firstParam.try_emplace(p.name, i);
    if (!inserted) {
      diag.error(p.loc, "duplicate param '" + p.name + "'");
      diag.note(k.params[it->second].loc, "previous declaration is here");
    }
  }

  // varlen and paged KV restart q_idx / kv_idx in every sequence and give each
  // its own length: a param laid out along a sequence has no extent then.
  if (k.varlen || k.pagedKVPage)
    for (const ParamDecl &p : k.params)
      for (Dim d : p.shape)
        if (d == Dim::Seq || d == Dim::SeqQ || d == Dim::SeqKV) {
          diag.error(p.loc, "param '" + p.name + "' has a " + dimName(d) +
                                " dimension, which " + (k.varlen ? "varlen" : "paged_kv") +
                                " kernels do not support (each sequence has its own length)");
          break;
        }

  // Expressions, in the order they were written (so are their errors).
  bool maskFirst = k.score && k.mask &&
                   k.mask->loc.getPointer() < k.score->loc.getPointer();
  if (maskFirst)
    checkMask();
  bool scoreOk = true;
  if (k.score) {
    inScore = true;
    Type t = checkExpr(k.score);
    inScore = false;
    scoreOk = t == Type::F32 || t == Type::I32;
    if (t == Type::Bool)
      diag.error(valueLoc("score"), "score must be an f32 expression, got bool");
    else if (t == Type::I32)
      toF32(k.score);
  } else {
    k.score = makeBuiltin(Builtin::Score, k.loc);
    k.score->type = Type::F32;
  }
  if (!maskFirst)
    checkMask();
  checkGradients(scoreOk);
  const char *kvE4M3 = "dtype = e4m3 or kv_dtype = e4m3";
  checkDescale(k.qDescale, "q_descale", k.dtype, "dtype = e4m3", false, Builtin::KVIdx,
               "a query row");
  checkDescale(k.kDescale, "k_descale", k.kvType(), kvE4M3, true, Builtin::QIdx, "a key row");
  checkDescale(k.vDescale, "v_descale", k.kvType(), kvE4M3, true, Builtin::QIdx, "a value row");
  checkDescale(k.oDescale, "o_descale", k.outType(), "out_dtype = e4m3", false, Builtin::KVIdx,
               "an output row");
  checkE4M3Overlap();
}

} // namespace sema

bool check(std::vector<KernelSpec> &kernels, Diagnostics &diag) {
  unsigned before = diag.errorCount();
  // Duplicate names through a hash map (name to first definition): a spec
  // of many kernels is checked in linear time.
  llvm::StringMap<size_t> first;
  for (size_t i = 0; i < kernels.size(); ++i) {
    auto [it, inserted] = first.try_emplace(kernels[i].name, i);
    if (!inserted) {
      diag.error(kernels[i].loc, "duplicate kernel name '" + kernels[i].name + "'");
      diag.note(kernels[it->second].loc, "previous definition is here");
    }
    sema::Checker(kernels[i], diag).run();
    // Params in name order from here on: the canonical form lists them so,
    // and the kernel ABI (IR arguments, launch packing) follows it, so that
    // specs that differ only in declaration order share one compiled kernel.
    std::stable_sort(kernels[i].params.begin(), kernels[i].params.end(),
                     [](const ParamDecl &a, const ParamDecl &b) { return a.name < b.name; });
  }
  return diag.errorCount() == before;
}

std::optional<std::vector<KernelSpec>>
parseAndCheck(llvm::SourceMgr &sm, unsigned bufferID, llvm::raw_ostream &diagOS) {
  Diagnostics diag(sm, diagOS);
  auto kernels = parse(bufferID, diag);
  if (!kernels || !check(*kernels, diag))
    return std::nullopt;
  return kernels;
}

std::optional<std::vector<KernelSpec>>
parseAndCheckText(llvm::SourceMgr &sm, llvm::StringRef text, llvm::StringRef bufferName,
                  std::string &diagText) {
  unsigned id = sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, bufferName),
                                      llvm::SMLoc());
  llvm::raw_string_ostream os(diagText);
  return parseAndCheck(sm, id, os);
}

} // namespace faattn::spec
