// RUN: faattn-opt %s -faattn-backward-tile | FileCheck %s
// RUN: faattn-opt %s -faattn-backward-tile='workspace-args=true block=64' | FileCheck %s --check-prefix=GPU
// RUN: faattn-opt %s -faattn-backward-tile -faattn-mask-analysis | FileCheck %s --check-prefix=SPLIT
// RUN: faattn-opt %s -faattn-backward-tile -faattn-tiles-to-linalg | FileCheck %s --check-prefix=CPU

// A deterministic backward (the op's `deterministic`, the spec's key): the adds into a Q
// block's dQ rows follow the KV blocks' order through a turn lock per (batch, query head,
// Q block), an i32 memref shaped as the LSE.
// CHECK-LABEL: func.func @causal_det(
// CHECK:       %[[LOCK:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x4x?xi32>
// "pre" sets each Q block's lock (at its first row) to 0, for blocks inside the sequence.
// CHECK:       scf.forall (%[[B:.*]], %[[H:.*]], %{{.*}}) in (%{{.*}}, 4, %{{.*}}) {
// CHECK:         %[[ROW:.*]] = arith.muli
// CHECK:         %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %{{.*}} : index
// CHECK:         scf.if %[[IN]] {
// CHECK-NEXT:      %[[Z:.*]] = arith.constant 0 : i32
// CHECK-NEXT:      memref.store %[[Z]], %[[LOCK]][%[[B]], %[[H]], %[[ROW]]] : memref<?x4x?xi32>
// CHECK:       } {faattn.backward_grid = "pre", faattn.grid}
// "main": the turn is the CTA's KV block, col0 / 64.
// CHECK:       scf.forall (%[[MB:.*]], %{{.*}}, %[[KB:.*]]) in (%{{.*}}, 2, %{{.*}}) {
// CHECK:         %[[COL0:.*]] = arith.muli %[[KB]], %{{.*}} : index
// CHECK:         %[[TURN:.*]] = arith.divui %[[COL0]], %{{.*}} : index
// The Q loop carries the first block not yet passed (from 0 for each head).
// CHECK:         scf.for {{.*}} iter_args(
// CHECK:           %[[HQ:.*]] = arith.addi
// CHECK:           %[[QL:.*]]:3 = scf.for %[[I:.*]] = %{{.*}} to %[[NQ:.*]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[CUR:.*]] = %c0{{.*}}) -> (!faattn.tile<64x32xf32>, !faattn.tile<64x32xf32>, index) {
// The blocks skipped since the last add are passed, then this block's turn waited for;
// where it had not come the add is NaN; the add, then the turn's end.
// CHECK:             %[[DQ:.*]] = faattn.tile_dot %{{[0-9a-z_]+}}, %{{[0-9a-z_]+}} : <64x64xbf16>, <64x32xbf16> -> <64x32xf32>
// CHECK-NEXT:        faattn.turn_pass %[[LOCK]][%[[MB]], %[[HQ]]] blocks[%[[CUR]], %[[I]]) turn %[[TURN]] {rows = 64 : i64}
// CHECK-NEXT:        %[[READY:.*]] = faattn.turn_wait %[[LOCK]][%[[MB]], %[[HQ]]] block %[[I]] turn %[[TURN]] {rows = 64 : i64}
// CHECK-NEXT:        %[[GATED:.*]] = faattn.tile_map %[[DQ]]
// CHECK:               arith.select %[[READY]], %{{.*}}, %cst{{.*}} : f32
// CHECK:             faattn.tile_store %[[GATED]], %{{.*}} {accumulate}
// CHECK-NEXT:        faattn.turn_end %[[LOCK]][%[[MB]], %[[HQ]]] block %[[I]] turn %[[TURN]] {rows = 64 : i64}
// CHECK:             %[[NEXT:.*]] = arith.addi %[[I]], %c1{{.*}} : index
// CHECK-NEXT:        scf.yield %{{.*}}, %{{.*}}, %[[NEXT]] : !faattn.tile<64x32xf32>, !faattn.tile<64x32xf32>, index
// CHECK:           } {faattn.q_loop}
// After a head's blocks, the rest of the sequence's blocks are passed.
// CHECK-NEXT:      faattn.turn_pass %[[LOCK]][%[[MB]], %[[HQ]]] blocks[%[[QL]]#2, %[[NQ]]) turn %[[TURN]] {rows = 64 : i64}
// CHECK:       } {faattn.backward_grid = "main", faattn.grid}

// On the GPU the locks are the third workspace argument, workspace:dqlock.
// GPU-LABEL: func.func @causal_det(
// GPU-SAME:  %{{.*}}: memref<?x4x?xf32>, %{{.*}}: memref<?x?x4x32xf32>, %[[LOCK:arg11]]: memref<?x4x?xi32>)
// GPU-NOT:   memref.alloc
// GPU:       memref.store %{{.*}}, %[[LOCK]]
// GPU:       faattn.turn_wait %[[LOCK]]

// faattn-mask-analysis threads the cursor through its three loops (masked, full,
// masked), from 0 at the first: the blocks below the first kept one are passed at the
// first add, the ones after the last kept one after the loops.
// SPLIT:     %[[L1:.*]]:3 = scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %c0{{.*}}) -> ({{.*}}, index)
// SPLIT:       faattn.turn_pass
// SPLIT:       faattn.turn_wait
// SPLIT:       faattn.turn_end
// SPLIT:     } {faattn.q_loop = "masked"}
// SPLIT:     %[[L2:.*]]:3 = scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[L1]]#2) -> ({{.*}}, index)
// SPLIT:       faattn.turn_wait
// SPLIT:     } {faattn.q_loop = "full"}
// SPLIT:     %[[L3:.*]]:3 = scf.for {{.*}} iter_args({{.*}}, %{{.*}} = %[[L2]]#2) -> ({{.*}}, index)
// SPLIT:     } {faattn.q_loop = "masked"}
// SPLIT-NEXT: faattn.turn_pass %{{.*}} blocks[%[[L3]]#2, %{{.*}})

// The CPU path runs the CTAs in grid order and does not wait: a pass stores turn + 1
// where the lock held the turn, else -1 (which no later turn matches); a wait is the
// comparison; an end stores turn + 1.
// CPU-LABEL: func.func @causal_det(
// CPU:       scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CPU:         %[[HELD:.*]] = memref.load %[[LOCK:.*]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x4x?xi32>
// CPU:         %[[OURS:.*]] = arith.cmpi eq, %[[HELD]], %{{.*}} : i32
// CPU:         %[[BROKEN:.*]] = arith.constant -1 : i32
// CPU:         %[[V:.*]] = arith.select %[[OURS]], %{{.*}}, %[[BROKEN]] : i32
// CPU:         memref.store %[[V]], %[[LOCK]]
// CPU:       %[[HELD2:.*]] = memref.load %[[LOCK]]
// CPU:       %[[READY:.*]] = arith.cmpi eq, %[[HELD2]], %{{.*}} : i32
// CPU:       arith.select %[[READY]]
// CPU:       memref.store %{{.*}}, %[[LOCK]]
// CPU-NOT:   faattn.turn

module {
  func.func @causal_det(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x32xbf16>, %arg6: memref<?x?x4x32xbf16>, %arg7: memref<?x?x2x32xbf16>, %arg8: memref<?x?x2x32xbf16>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x4x32xbf16>) lse(%arg4 : memref<?x4x?xf32>) dout(%arg5 : memref<?x?x4x32xbf16>) dq(%arg6 : memref<?x?x4x32xbf16>) dk(%arg7 : memref<?x?x2x32xbf16>) dv(%arg8 : memref<?x?x2x32xbf16>) attributes {deterministic, layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, scale = 0.176776692 : f32, tile = array<i64: 64, 64>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
      faattn.yield %0 : i1
    } grad {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %cst = arith.constant 1.000000e+00 : f32
      faattn.grad_yield %score, %cst
    }
    return
  }
}

