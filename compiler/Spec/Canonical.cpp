//===- Canonical.cpp - Canonical JSON form and content hash of a spec -----===//
#include "faattn/Spec/Spec.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace faattn::spec {
namespace {

/// Shortest text that reads back as the same f32, always with a '.' or an
/// exponent so that it cannot be mistaken for an integer.
std::string formatFloat(float f) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), f);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".en") == std::string::npos)
    s += ".0";
  return s;
}

const char *binopName(BinOp op) {
  switch (op) {
  case BinOp::Add: return "add";
  case BinOp::Sub: return "sub";
  case BinOp::Mul: return "mul";
  case BinOp::Div: return "div";
  case BinOp::Rem: return "rem";
  case BinOp::Lt: return "lt";
  case BinOp::Le: return "le";
  case BinOp::Gt: return "gt";
  case BinOp::Ge: return "ge";
  case BinOp::Eq: return "eq";
  case BinOp::Ne: return "ne";
  case BinOp::And: return "and";
  case BinOp::Or: return "or";
  }
  return "?";
}

void printExpr(const Expr &e, std::string &out) {
  auto list = [&](const char *head) {
    out += '(';
    out += head;
    for (const ExprPtr &a : e.args) {
      out += ' ';
      printExpr(*a, out);
    }
    out += ')';
  };
  switch (e.kind) {
  case Expr::Kind::IntLit: out += std::to_string(e.ival); return;
  case Expr::Kind::FloatLit: out += formatFloat(e.fval); return;
  case Expr::Kind::BoolLit: out += e.bval ? "true" : "false"; return;
  case Expr::Kind::Name: out += e.name; return; // unchecked input only
  case Expr::Kind::Builtin: out += builtinName(e.builtin); return;
  case Expr::Kind::Param:
    if (e.args.empty()) {
      out += "(param " + e.name + ")";
      return;
    }
    list(("param " + e.name).c_str());
    return;
  case Expr::Kind::Unary: list(e.unop == UnOp::Neg ? "neg" : "not"); return;
  case Expr::Kind::Binary: list(binopName(e.binop)); return;
  case Expr::Kind::Call: list(funcName(e.func)); return;
  case Expr::Kind::ToF32: list("f32"); return;
  }
}

} // namespace

std::string canonicalExpr(const Expr &e) {
  std::string s;
  printExpr(e, s);
  return s;
}

nlohmann::json canonicalJson(const KernelSpec &k) {
  using nlohmann::json;
  // nlohmann::json objects keep their keys sorted: the field order is stable.
  json params = json::array();
  std::vector<const ParamDecl *> sorted;
  for (const ParamDecl &p : k.params)
    sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(),
            [](const ParamDecl *a, const ParamDecl *b) { return a->name < b->name; });
  for (const ParamDecl *p : sorted) {
    json shape = json::array();
    for (Dim d : p->shape)
      shape.push_back(dimName(d));
    json param = {{"name", p->name}, {"type", typeName(p->elemType)}, {"shape", shape}};
    // Only when set, as "backward" below: the hashes of specs without it stay.
    if (p->requiresGrad)
      param["requires_grad"] = true;
    params.push_back(param);
  }
  json tuning = {
      {"schedule", scheduleName(k.schedule)},
      {"stages", k.stages ? json(*k.stages) : json(nullptr)},
      {"tile", k.tileM ? json::array({*k.tileM, *k.tileN}) : json(nullptr)},
  };
  // Only when set: every spec without it keeps the hash it had before the key existed.
  if (k.grid != Grid::Default)
    tuning["grid"] = gridName(k.grid);
  if (k.tileOrder != TileOrder::Auto)
    tuning["tile_order"] = tileOrderName(k.tileOrder);
  if (k.overlap != Overlap::Auto)
    tuning["overlap"] = overlapName(k.overlap);
  json j{
      {"format", 1},
      {"name", k.name},
      {"heads", {{"q", k.headsQ}, {"kv", k.headsKV}}},
      {"head_dim", {{"qk", k.headDimQK}, {"v", k.headDimV}}},
      {"dtype", dtypeName(k.dtype)},
      {"layout", layoutName(k.layout)},
      {"mode", modeName(k.mode)},
      {"target", targetName(k.target)},
      {"scale", formatFloat(k.scale)},
      {"score", k.score ? canonicalExpr(*k.score) : "score"},
      {"mask", k.mask ? json(canonicalExpr(*k.mask)) : json(nullptr)},
      {"params", params},
      {"return_lse", k.returnLse},
      {"varlen", k.varlen},
      {"paged_kv", k.pagedKVPage ? json{{"page", *k.pagedKVPage}} : json(nullptr)},
      {"tuning", tuning},
  };
  if (k.backward)
    j["backward"] = true;
  if (k.deterministic) // only when set: the hashes of other kernels stay
    j["deterministic"] = true;
  // Only when written, as the optional tuning keys above (kv_dtype: when it
  // differs from dtype; Sema drops it otherwise).
  if (k.kvDtype)
    j["kv_dtype"] = dtypeName(*k.kvDtype);
  if (k.qDescale)
    j["q_descale"] = canonicalExpr(*k.qDescale);
  if (k.kDescale)
    j["k_descale"] = canonicalExpr(*k.kDescale);
  if (k.vDescale)
    j["v_descale"] = canonicalExpr(*k.vDescale);
  if (k.outDtype) // e4m3: Sema drops the default
    j["out_dtype"] = dtypeName(*k.outDtype);
  if (k.oDescale)
    j["o_descale"] = canonicalExpr(*k.oDescale);
  return j;
}

std::string specHash(const KernelSpec &k) {
  std::string text = canonicalJson(k).dump();
  std::array<uint8_t, 32> digest = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

} // namespace faattn::spec
