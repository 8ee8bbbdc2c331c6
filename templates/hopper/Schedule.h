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
//                       warpgroups take turns at the tensor cores; for e4m3
//                       Q, K and V the cooperative roles with those turns
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

protected:
  WgmmaLowering &L;

private:
  /// e4m3 Q, K, V: the producer's warps 1-3 transpose every V stage.
  void transposeRing(mlir::OpBuilder &b);
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

  /// The turns, shared with the warp-specialized form: the first given to
  /// warpgroup 0 (startRing), this warpgroup's waited for (named barrier 1 +
  /// its index), passed to the other after its products, the last taken
  /// after the KV loops.
  static void firstTurn(WgmmaLowering &L, mlir::OpBuilder &b);
  static void takeTurn(WgmmaLowering &L, mlir::OpBuilder &b);
  static void otherTurn(WgmmaLowering &L, mlir::OpBuilder &b);
  static void lastTurn(WgmmaLowering &L, mlir::OpBuilder &b);

private:
  static void passTurn(WgmmaLowering &L, mlir::OpBuilder &b, mlir::Value wg);
};

/// Schedule "pingpong" with a producer warpgroup (Pingpong.cpp; e4m3 Q, K
/// and V, whose V the producer transposes): cooperative's roles, pingpong's
/// turns between the two consumer warpgroups.
class WarpSpecializedPingpongSchedule : public CooperativeSchedule {
public:
  using CooperativeSchedule::CooperativeSchedule;
  llvm::StringRef name() const override { return "pingpong"; }
  void startRing(mlir::OpBuilder &b) override;
  void beforeProducts(mlir::OpBuilder &b) override;
  void afterProducts(mlir::OpBuilder &b) override;
  void afterKVLoops(mlir::OpBuilder &b) override;
};

/// The schedule of kernel `lowering`: cooperative when its plan is
/// warp-specialized (with pingpong's turns when `pingpong`), else pingpong
/// when the two warpgroups take turns, else inline-producer.
std::unique_ptr<WarpgroupSchedule> makeSchedule(WgmmaLowering &lowering, bool warpSpecialized,
                                                bool pingpong);

} // namespace hopper
} // namespace faattn

#endif // FAATTN_TEMPLATES_HOPPER_SCHEDULE_H
