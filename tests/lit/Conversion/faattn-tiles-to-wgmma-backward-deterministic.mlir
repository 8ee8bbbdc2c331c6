// faattn-tiles-to-wgmma with `backward` on a deterministic backward (the op's
// `deterministic`; faattn-backward-tile's Q-block turns, here from its GPU form):
//   kernel causal_det { mode = backward; heads = 4 : 2; head_dim = 32; dtype = bf16
//     mask = causal; deterministic }
// Thread 0 polls a Q block's lock (an atomic OR of 0, 128 ns apart) until it holds the CTA's turn, a
// fence and a CTA barrier follow, then every thread's atomic adds of dQ; a CTA barrier,
// thread 0's fence and an atomic exchange (turn + 1) end the turn. The skipped blocks are
// passed by the threads in parallel, a poll and an exchange each.
// RUN: faattn-opt %s -pass-pipeline='builtin.module(func.func(faattn-backward-tile{workspace-args=true block=64},faattn-mask-analysis),faattn-tiles-to-wgmma{backward=true})' | FileCheck %s

// CHECK-LABEL: gpu.func @causal_det(
// CHECK-SAME:  %[[LOCK:arg11]]: memref<?x4x?xi32>)
// CHECK-SAME:  faattn.mapping = "wgmma"
// The pass of the blocks skipped since the last add: the threads a block each (from + tid,
// step 128), each polling and exchanging; no barrier.
// CHECK:       %[[FIRST:.*]] = arith.addi %arg{{[0-9]+}}, %thread_id_x : index
// CHECK:       scf.for %[[K:.*]] = %[[FIRST]] to %arg{{[0-9]+}} step %c128{{.*}} {
// CHECK-NEXT:    arith.constant 64 : index
// CHECK-NEXT:    arith.muli %[[K]], %{{.*}} : index
// CHECK-NEXT:    scf.while : () -> () {
// CHECK:           %[[HELD:.*]] = memref.atomic_rmw ori %{{.*}}, %[[LOCK]][%{{.*}}, %{{.*}}, %{{.*}}] : (i32, memref<?x4x?xi32>) -> i32
// CHECK-NEXT:      %[[WAIT:.*]] = arith.cmpi ne, %[[HELD]], %{{.*}} : i32
// CHECK-NEXT:      scf.condition(%[[WAIT]])
// CHECK-NEXT:    } do {
// CHECK-NEXT:      %[[PAUSE:.*]] = arith.constant 128 : i32
// CHECK-NEXT:      nvvm.nanosleep %[[PAUSE]]
// CHECK-NEXT:      scf.yield
// CHECK-NEXT:    }
// CHECK:         memref.atomic_rmw assign %{{.*}}, %[[LOCK]]
// This block's turn: poll, fence, barrier.
// CHECK:       %[[LEAD2:.*]] = arith.cmpi eq, %thread_id_x, %{{.*}} : index
// CHECK:       scf.if %[[LEAD2]] {
// CHECK-NEXT:    scf.while
// CHECK:           memref.atomic_rmw ori %{{.*}}, %[[LOCK]]
// CHECK:         nvvm.memory.barrier <gpu>
// CHECK-NEXT:  }
// CHECK-NEXT:  gpu.barrier
// The adds, then the end of the turn.
// CHECK-COUNT-16: memref.atomic_rmw addf
// CHECK:       gpu.barrier
// CHECK-NEXT:  scf.if %{{.*}} {
// CHECK-NEXT:    nvvm.memory.barrier <gpu>
// CHECK-NEXT:    memref.atomic_rmw assign %{{.*}}, %[[LOCK]]
// CHECK-NOT:   faattn.turn_

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

