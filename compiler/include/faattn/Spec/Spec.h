//===- Spec.h - Parse, check and canonicalize attention specs ---*- C++ -*-===//
#ifndef FAATTN_SPEC_SPEC_H
#define FAATTN_SPEC_SPEC_H

#include "faattn/Spec/AST.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include <nlohmann/json_fwd.hpp>

namespace llvm {
class SourceMgr;
class raw_ostream;
} // namespace llvm

namespace faattn::spec {

/// Reports `file:line:col: error: ...` with the source line and a caret.
class Diagnostics {
public:
  Diagnostics(llvm::SourceMgr &sm, llvm::raw_ostream &os) : sm(sm), os(os) {}
  void error(llvm::SMLoc loc, const llvm::Twine &msg);
  void note(llvm::SMLoc loc, const llvm::Twine &msg);
  unsigned errorCount() const { return errors; }
  llvm::SourceMgr &sourceMgr() { return sm; }

private:
  llvm::SourceMgr &sm;
  llvm::raw_ostream &os;
  unsigned errors = 0;
};

/// The longest kernel name (it is the PTX entry and names output files).
constexpr size_t kMaxKernelNameLength = 128;
/// The largest spec file the tools and the runtime read.
constexpr int64_t kMaxSpecBytes = int64_t(64) << 20;

/// Parses the syntax of every kernel in buffer `bufferID`. Stops at the first
/// syntax error. Names are left unresolved (see check()).
std::optional<std::vector<KernelSpec>> parse(unsigned bufferID, Diagnostics &diag);

/// Resolves names, type-checks expressions, desugars and checks the kernel
/// against its target. Reports every error it finds; returns false if any.
bool check(std::vector<KernelSpec> &kernels, Diagnostics &diag);

/// parse() + check(). Diagnostics go to `diagOS`.
std::optional<std::vector<KernelSpec>>
parseAndCheck(llvm::SourceMgr &sm, unsigned bufferID, llvm::raw_ostream &diagOS);

/// Convenience for tests and the runtime: parse `text` named `bufferName`;
/// diagnostics are appended to `diagText`. The returned specs' SMLocs point
/// into `sm`, which must outlive them.
std::optional<std::vector<KernelSpec>>
parseAndCheckText(llvm::SourceMgr &sm, llvm::StringRef text,
                  llvm::StringRef bufferName, std::string &diagText);

/// The backward kernel of checked forward kernel `k` (the one a forward
/// kernel with the `backward` flag yields): `k` with mode = backward, the
/// same name, shapes, dtype, layout, target, scale, score, mask, params
/// (with their requires_grad) and varlen; without the flag, return_lse and
/// the tuning keys (they tune the forward). Its canonical form, and so its
/// hash, is that of the same kernel written with `mode = backward`.
KernelSpec backwardOf(const KernelSpec &k);

/// The canonical form: an S-expression of a checked expression.
std::string canonicalExpr(const Expr &e);
/// The canonical JSON of a checked kernel: stable key order, every default
/// explicit, independent of whitespace, comments and statement order.
nlohmann::json canonicalJson(const KernelSpec &k);
/// SHA-256 (hex) of canonicalJson(k).dump(): the kernel's content hash.
std::string specHash(const KernelSpec &k);

} // namespace faattn::spec

#endif // FAATTN_SPEC_SPEC_H
