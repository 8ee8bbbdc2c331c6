// RUN: faattn-opt %s -faattn-backward-tile='workspace-args=true block=64 block-kv=128' | FileCheck %s
// RUN: faattn-opt %s -faattn-backward-tile='workspace-args=true block=64 block-kv=128' -faattn-mask-analysis | FileCheck %s --check-prefix=SPLIT
// RUN: faattn-opt %s -faattn-backward-tile='workspace-args=true block=64' | FileCheck %s --check-prefix=OFF

// block-kv (the GPU pipeline's 128: two warpgroups split a CTA's keys, faattn-tiles-to-wgmma's
// key split): the main grid's KV blocks are 128 keys, its Q blocks stay `block` (64) rows.
// S, P, dP and dS are 64 x 128 (query rows x the CTA's keys), dK and dV 128 x head dim, dQ
// 64 x head dim; the pre and post grids keep 64-row blocks. A deterministic op keeps `block`
// (its turns are a CTA's: one warpgroup's work).
// CHECK-LABEL: func.func @alibi_bwd(
// CHECK:       } {faattn.backward_grid = "pre", faattn.grid}
// CHECK:       %[[KVB:.*]] = arith.ceildivui %{{.*}}, %c128{{.*}} : index
// CHECK:       scf.forall ({{.*}}) in (%{{.*}}, 2, %[[KVB]]) {
// CHECK:         faattn.tile_load %arg1[{{.*}}] <bshd> : memref<?x?x2x32xbf16> -> <128x32xbf16>
// CHECK:         faattn.tile_load %arg2[{{.*}}] <bshd> : memref<?x?x2x32xbf16> -> <128x32xbf16>
// CHECK:         faattn.tile_splat 0.000000e+00 : <128x32xf32>
// CHECK:         faattn.tile_load %arg0[{{.*}}] <bshd> : memref<?x?x4x32xbf16> -> <64x32xbf16>
// CHECK:         faattn.tile_dot %{{.*}}, %{{.*}} {transpose_rhs} : <64x32xbf16>, <128x32xbf16> -> <64x128xf32>
// CHECK:         faattn.tile_param_grad
// CHECK:         faattn.tile_dot %{{.*}}, %{{.*}} {transpose_lhs} : <64x128xbf16>, <64x32xbf16> -> <128x32xf32>
// CHECK:         faattn.tile_dot %{{.*}}, %{{.*}} : <64x128xbf16>, <128x32xbf16> -> <64x32xf32>
// CHECK:         faattn.tile_store %{{.*}} {accumulate} : <64x32xf32>
// CHECK:       } {faattn.backward_grid = "main", faattn.grid}
// CHECK:       } {faattn.backward_grid = "post", faattn.grid}
// CHECK-LABEL: func.func @causal_det(
// CHECK:       scf.forall ({{.*}}) in (%{{.*}}, 2, %{{.*}}) {
// CHECK:         faattn.tile_load %arg1[{{.*}}] <bshd> : memref<?x?x2x32xbf16> -> <64x32xbf16>
// CHECK-NOT:     <128x
// CHECK:       } {faattn.backward_grid = "main", faattn.grid}
// The mask analysis in column order over 128-key blocks: a KV block's Q-block range, in
// blocks of 64 rows, from the block's first key (j * 128) to its last (j * 128 + 127).
// SPLIT-LABEL: func.func @alibi_bwd(
// SPLIT:       scf.parallel
// SPLIT:       } {faattn.block_scan}
// SPLIT:       scf.for {{.*}} -> (!faattn.tile<128x32xf32>, !faattn.tile<128x32xf32>) {
// SPLIT:       } {faattn.q_loop = "masked"}
// OFF-LABEL: func.func @alibi_bwd(

module {
  func.func @alibi_bwd(%arg0: memref<?x?x4x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x4x32xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x?x4x32xbf16>, %arg6: memref<?x?x4x32xbf16>, %arg7: memref<?x?x2x32xbf16>, %arg8: memref<?x?x2x32xbf16>, %arg9: memref<4xf32>, %arg10: memref<4xf32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x4x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x4x32xbf16>) lse(%arg4 : memref<?x4x?xf32>) params(%arg9 : memref<4xf32>) dout(%arg5 : memref<?x?x4x32xbf16>) dq(%arg6 : memref<?x?x4x32xbf16>) dk(%arg7 : memref<?x?x2x32xbf16>) dv(%arg8 : memref<?x?x2x32xbf16>) param_grads(%arg10 : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, requires_grad = array<i64: 0>, scale = 0.176776692 : f32, tile = array<i64: 64, 32>} score {
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

