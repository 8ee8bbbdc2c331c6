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

// With a learnable param (ALiBi's slopes): the block's contributions go to the CTA's
// partials, f32 [batch, heads, KV blocks, 4 slots x 8 entries], and the element's index
// to i32 [batch, heads, 8 entries] (zeroed first); the post grid's first CTA then adds
// the partials into the gradient in (batch, head, entry) order (faattn.param_grad_sum).
// CHECK-LABEL: func.func @alibi_det(
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%arg10 : memref<4xf32>)
// CHECK:       %[[PG:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x4x?x32xf32>
// CHECK-NEXT:  %[[PI:.*]] = memref.alloc(%{{.*}}) : memref<?x4x8xi32>
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[PG]] : memref<?x4x?x32xf32>)
// CHECK-NEXT:  linalg.fill ins(%{{.*}} : i32) outs(%[[PI]] : memref<?x4x8xi32>)
// CHECK:       } {faattn.backward_grid = "pre", faattn.grid}
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %[[KB:.*]]) in (%{{.*}}, 2, %{{.*}}) {
// CHECK:         %[[COL0:.*]] = arith.muli %[[KB]], %{{.*}} : index
// CHECK:         %[[KVB:.*]] = arith.divui %[[COL0]], %{{.*}} : index
// CHECK:             faattn.tile_param_grad {{.*}} grads(%arg10 : memref<4xf32>) partials(%[[PG]], %[[PI]] : memref<?x4x?x32xf32>, memref<?x4x8xi32>) kv_block %[[KVB]] {requires_grad = array<i64: 0>
// CHECK:       } {faattn.backward_grid = "main", faattn.grid}
// CHECK:       scf.forall (%[[PB:.*]], %[[PH:.*]], %[[PQ:.*]]) in
// CHECK:         arith.cmpi eq, %[[PB]], %{{.*}} : index
// CHECK:         arith.cmpi eq, %[[PH]], %{{.*}} : index
// CHECK:         %[[ROW:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK-NEXT:    %[[FIRST:.*]] = arith.andi %{{.*}}, %[[ROW]] : i1
// CHECK-NEXT:    scf.if %[[FIRST]] {
// CHECK-NEXT:      faattn.param_grad_sum %[[PG]], %[[PI]] into(%arg10 : memref<4xf32>) {grad_of_entry = array<i64: 0>} : memref<?x4x?x32xf32>, memref<?x4x8xi32>
// CHECK:       } {faattn.backward_grid = "post", faattn.grid}

// On the GPU the partials and indices are workspace:pgrad and workspace:pgidx, after
// workspace:dqlock; the runtime zeroes them and the gradient.
// GPU-LABEL: func.func @alibi_det(
// GPU-SAME:  %{{.*}}: memref<?x4x?xi32>, %[[PG:arg[0-9]+]]: memref<?x4x?x32xf32>, %[[PI:arg[0-9]+]]: memref<?x4x8xi32>)
// GPU-NOT:   memref.alloc
// GPU-NOT:   linalg.fill
// GPU:       faattn.tile_param_grad {{.*}} partials(%[[PG]], %[[PI]]
// GPU:       faattn.param_grad_sum %[[PG]], %[[PI]]

// The CPU path adds each element's contribution into slot 0 (column 0 x 8 + entry 0) of
// its (batch, head, KV block) and stores the element's row-major index; the sum walks
// batch, head, then each entry's KV blocks and slots, and adds a sum other than 0.
// CPU-LABEL: func.func @alibi_det(
// CPU:       %[[PG:.*]] = memref.alloc({{.*}}) : memref<?x4x?x32xf32>
// CPU-NEXT:  %[[PI:.*]] = memref.alloc({{.*}}) : memref<?x4x8xi32>
// CPU:         %[[OLD:.*]] = memref.load %[[PG]][%[[B:.*]], %[[H:.*]], %{{.*}}, %{{.*}}] : memref<?x4x?x32xf32>
// CPU-NEXT:    %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CPU-NEXT:    memref.store %[[NEW]], %[[PG]][%[[B]], %[[H]], %{{.*}}, %{{.*}}] : memref<?x4x?x32xf32>
// CPU:         memref.store %{{.*}}, %[[PI]][%[[B]], %[[H]], %{{.*}}] : memref<?x4x8xi32>
// CPU:       } {faattn.backward_grid = "main", faattn.grid}
// CPU:       scf.for %[[SB:arg[0-9]+]] = %{{.*}} to %{{.*}} step
// CPU:         scf.for %[[SH:arg[0-9]+]] = %{{.*}} to %{{.*}} step
// CPU:           %[[TOTAL:.*]] = scf.for %[[SK:arg[0-9]+]] = {{.*}} -> (f32) {
// CPU:             scf.for %[[SS:arg[0-9]+]] = {{.*}} -> (f32) {
// CPU:               memref.load %[[PG]][%[[SB]], %[[SH]], %[[SK]], %{{.*}}] : memref<?x4x?x32xf32>
// CPU:           %[[ADDS:.*]] = arith.cmpf une, %[[TOTAL]], %{{.*}} : f32
// CPU-NEXT:      scf.if %[[ADDS]] {
// CPU:             memref.load %[[PI]][%[[SB]], %[[SH]], %{{.*}}] : memref<?x4x8xi32>
// CPU:             %[[G:.*]] = memref.load %arg10[%{{.*}}] : memref<4xf32>
// CPU-NEXT:        %[[GN:.*]] = arith.addf %[[G]], %[[TOTAL]] : f32
// CPU-NEXT:        memref.store %[[GN]], %arg10[%{{.*}}] : memref<4xf32>
// CPU-NOT:   faattn.param_grad_sum

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
  func.func @alibi_det(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x32xbf16>, %arg6: memref<?x?x4x32xbf16>, %arg7: memref<?x?x2x32xbf16>, %arg8: memref<?x?x2x32xbf16>, %arg9: memref<4xf32>, %arg10: memref<4xf32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x4x32xbf16>) lse(%arg4 : memref<?x4x?xf32>) params(%arg9 : memref<4xf32>) dout(%arg5 : memref<?x?x4x32xbf16>) dq(%arg6 : memref<?x?x4x32xbf16>) dk(%arg7 : memref<?x?x2x32xbf16>) dv(%arg8 : memref<?x?x2x32xbf16>) param_grads(%arg10 : memref<4xf32>) attributes {deterministic, layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, requires_grad = array<i64: 0>, scale = 0.176776692 : f32, tile = array<i64: 64, 64>} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg11: memref<4xf32>):
      %0 = arith.index_cast %h : i32 to index
      %1 = memref.load %arg11[%0] : memref<4xf32>
      %2 = arith.subi %q_idx, %kv_idx : i32
      %3 = math.absi %2 : i32
      %4 = arith.sitofp %3 : i32 to f32
      %5 = arith.mulf %1, %4 : f32
      %6 = arith.subf %score, %5 : f32
      faattn.yield %6 : f32
    } mask {
    ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg11: memref<4xf32>):
      %0 = arith.cmpi sge, %q_idx, %kv_idx : i32
      faattn.yield %0 : i1
    } grad {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg11: memref<4xf32>):
      %cst = arith.constant 1.000000e+00 : f32
      %0 = arith.index_cast %h : i32 to index
      %1 = memref.load %arg11[%0] : memref<4xf32>
      %2 = arith.subi %q_idx, %kv_idx : i32
      %3 = math.absi %2 : i32
      %4 = arith.sitofp %3 : i32 to f32
      %5 = arith.mulf %1, %4 : f32
      %6 = arith.subf %score, %5 : f32
      %7 = arith.negf %4 : f32
      faattn.grad_yield %6, %cst params(%7 -> %arg11[%0] : memref<4xf32>)
    }
    return
  }
}
