//===- Schedule.h - template: the warpgroup schedules' interface -*- C++ -*-===//
//
// A warpgroup schedule decides who issues the K/V ring's loads and when a
// warpgroup may issue its products. The forward mainloop
// (ForwardMainloop.cpp) is written once against the hooks below; each
// schedule is one class in its own file, whose header comment states its
// warp roles, barriers and phases:
//
//   InlineProducer.cpp  "inline-producer": thread 0 of the consumers issues
//                       each ring block stages - 1 iterations ahead
//   Cooperative.cpp     "cooperative": a producer warpgroup (setmaxnreg)
//                       issues every block; the consumers only compute
//   Pingpong.cpp        "pingpong": inline-producer loads, and the two
//                       warpgroups take turns at the tensor cores
//
// A schedule builds with the Hopper building blocks through the lowering it
// belongs to (the TMA ring's issueKV / wait / release, the plan); the
// mainloop knows nothing of a schedule but these hooks. A new schedule (a
// backward's, a decode's) is a class beside these and a case in
// makeSchedule.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TEMPLATES_HOPPER_SCHEDULE_H
#define FAATTN_TEMPLATES_HOPPER_SCHEDULE_H

#include "mlir/IR/Builders.h"

#include <memory>

namespace faattn {
namespace hopper {

class WgmmaLowering;

class WarpgroupSchedule {
public:
  virtual ~WarpgroupSchedule() = default;
  /// The schedule's name, as the spec's `schedule` key and the kernel ABI
  /// report it.
  virtual llvm::StringRef name() const = 0;
  /// The head block's loads, as soon as its index and K/V's batch and head
  /// are known (ring block 0; a producer warpgroup issues it itself).
  virtual void startHead(mlir::OpBuilder &b) {}
  /// Before the first KV loop, once the KV range (kvCount) is known: the
  /// ring's first blocks are started and Q is waited for, or the roles
  /// split (everything built after it is the consumers').
  virtual void startRing(mlir::OpBuilder &b) = 0;
  /// In ring iteration `seq` of a KV loop (before its K is waited for), and
  /// for seq 0 when the head loop's early iteration is drained: the loads the
  /// consumers' own producer thread issues ahead.
  virtual void issueAhead(mlir::OpBuilder &b, mlir::Value seq) {}
  /// Right before and after a warpgroup issues its products of a KV
  /// iteration (both products of a rotated loop's iteration lie between).
  virtual void beforeProducts(mlir::OpBuilder &b) {}
  virtual void afterProducts(mlir::OpBuilder &b) {}
  /// After the last KV loop.
  virtual void afterKVLoops(mlir::OpBuilder &b) {}
};

/// Schedule "inline-producer" (InlineProducer.cpp).
class InlineProducerSchedule : public WarpgroupSchedule {
public:
  explicit InlineProducerSchedule(WgmmaLowering &lowering) : L(lowering) {}
  llvm::StringRef name() const override { return "inline-producer"; }
  void startHead(mlir::OpBuilder &b) override;
  void startRing(mlir::OpBuilder &b) override;
  void issueAhead(mlir::OpBuilder &b, mlir::Value seq) override;

protected:
  WgmmaLowering &L;
};

/// Schedule "cooperative" (Cooperative.cpp).
class CooperativeSchedule : public WarpgroupSchedule {
public:
  explicit CooperativeSchedule(WgmmaLowering &lowering) : L(lowering) {}
  llvm::StringRef name() const override { return "cooperative"; }
  void startRing(mlir::OpBuilder &b) override;

private:
  /// e4m3 Q, K, V: the producer's warps 1-3 transpose every V stage.
  void transposeRing(mlir::OpBuilder &b);
  WgmmaLowering &L;
};

/// Schedule "pingpong" (Pingpong.cpp): inline-producer's loads, and turns.
class PingpongSchedule : public InlineProducerSchedule {
public:
  using InlineProducerSchedule::InlineProducerSchedule;
  llvm::StringRef name() const override { return "pingpong"; }
  void startRing(mlir::OpBuilder &b) override;
  void beforeProducts(mlir::OpBuilder &b) override;
  void afterProducts(mlir::OpBuilder &b) override;
  void afterKVLoops(mlir::OpBuilder &b) override;

private:
  /// Wait for this warpgroup's turn (named barrier 1 + its index).
  void takeTurn(mlir::OpBuilder &b);
  /// Pass the turn to warpgroup `wg` (an index value).
  void passTurn(mlir::OpBuilder &b, mlir::Value wg);
};

/// The schedule of kernel `lowering`: cooperative when its plan is
/// warp-specialized, else pingpong when the two warpgroups take turns, else
/// inline-producer.
std::unique_ptr<WarpgroupSchedule> makeSchedule(WgmmaLowering &lowering, bool warpSpecialized,
                                                bool pingpong);

} // namespace hopper
} // namespace faattn

#endif // FAATTN_TEMPLATES_HOPPER_SCHEDULE_H
