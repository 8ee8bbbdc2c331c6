// RUN: faattn-opt %s -faattn-backward-tile='max-cols=16' | FileCheck %s
// RUN: faattn-opt %s -faattn-backward-tile='max-cols=16' -faattn-tiles-to-linalg | FileCheck %s --check-prefix=CPU
// RUN: faattn-opt %s -faattn-backward-tile='max-cols=32' | FileCheck %s --check-prefix=WHOLE

// max-cols (the tensor-core backward's 128, here 16 at head dim 32): the main grid's CTA
// keeps K and V whole and runs its heads and Q loops once a column chunk. S and dP read
// the whole head dim; dV, dK and dQ accumulate the chunk's columns from tile_columns of
// dO, Q and K, and are stored at col0. The param gradient is added in chunk 0 only.
// CHECK-LABEL: func.func @alibi_bwd(
// CHECK:       scf.forall {{.*}} in (%{{.*}}, 2, %{{.*}}) {
// CHECK:         %[[K:.*]] = faattn.tile_load %arg1{{.*}} -> <32x32xbf16>
// CHECK:         %[[DK0:.*]] = faattn.tile_splat 0.000000e+00 : <32x16xf32>
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} -> (!faattn.tile<32x16xf32>, !faattn.tile<32x16xf32>) {
// CHECK:             %[[Q:.*]] = faattn.tile_map
// CHECK:             %[[DO:.*]] = faattn.tile_map
// CHECK:             faattn.tile_dot %[[Q]], %[[K]] {transpose_rhs} : <64x32xbf16>, <32x32xbf16> -> <64x32xf32>
// CHECK:             faattn.tile_param_grad
// CHECK:             %[[DOC:.*]] = faattn.tile_columns %[[DO]][0] : <64x32xbf16> -> <64x16xbf16>
// CHECK:             faattn.tile_dot %{{.*}}, %[[DOC]] {transpose_lhs} : <64x32xbf16>, <64x16xbf16> -> <32x16xf32>
// CHECK:             %[[QC:.*]] = faattn.tile_columns %[[Q]][0] : <64x32xbf16> -> <64x16xbf16>
// CHECK:             faattn.tile_dot %{{.*}}, %[[QC]] {transpose_lhs} : <64x32xbf16>, <64x16xbf16> -> <32x16xf32>
// CHECK:             %[[KC:.*]] = faattn.tile_columns %[[K]][0] : <32x32xbf16> -> <32x16xbf16>
// CHECK:             %[[DQ:.*]] = faattn.tile_dot %{{.*}}, %[[KC]] : <64x32xbf16>, <32x16xbf16> -> <64x16xf32>
// CHECK:             faattn.tile_store %[[DQ]], %{{.*}} {accumulate, col0 = 0 : i64} : <64x16xf32>, memref<?x?x4x32xf32>
// CHECK:         faattn.tile_store %{{.*}}, %arg7{{.*}} {col0 = 0 : i64} : <32x16xbf16>, memref<?x?x2x32xbf16>
// CHECK:         faattn.tile_store %{{.*}}, %arg8{{.*}} {col0 = 0 : i64} : <32x16xbf16>, memref<?x?x2x32xbf16>
// Chunk 1: the same loops, columns 16..31, no param gradient.
// CHECK:         faattn.tile_splat 0.000000e+00 : <32x16xf32>
// CHECK:           scf.for
// CHECK-NOT:         faattn.tile_param_grad
// CHECK:             faattn.tile_columns %{{.*}}[16] : <64x32xbf16> -> <64x16xbf16>
// CHECK-NOT:         faattn.tile_param_grad
// CHECK:             faattn.tile_store %{{.*}} {accumulate, col0 = 16 : i64} : <64x16xf32>, memref<?x?x4x32xf32>
// CHECK:         faattn.tile_store %{{.*}}, %arg7{{.*}} {col0 = 16 : i64}
// CHECK:         faattn.tile_store %{{.*}}, %arg8{{.*}} {col0 = 16 : i64}
// CHECK:       } {faattn.backward_grid = "main"
// CPU-LABEL:   func.func @alibi_bwd(
// CPU:         tensor.extract_slice %{{.*}}[0, 16] [64, 16] [1, 1] : tensor<64x32xbf16> to tensor<64x16xbf16>
// CPU-NOT:     faattn.tile_columns
// A head dim that fits: no chunks.
// WHOLE-LABEL: func.func @alibi_bwd(
// WHOLE-NOT:   faattn.tile_columns
// WHOLE-NOT:   col0

// deterministic: chunk c of KV block j takes turn j * 2 + c.
// CHECK-LABEL: func.func @causal_det(
// CHECK:       %[[J:.*]] = arith.divui %{{.*}}, %c64{{.*}} : index
// CHECK:       %[[J2:.*]] = arith.muli %[[J]], %c2{{.*}} : index
// CHECK:       %[[T0:.*]] = arith.addi %[[J2]], %c0{{.*}} : index
// CHECK:       faattn.turn_wait %{{.*}} turn %[[T0]]
// CHECK:       faattn.turn_end %{{.*}} turn %[[T0]]
// CHECK:       faattn.turn_pass %{{.*}} turn %[[T0]]
// CHECK:       %[[J2B:.*]] = arith.muli %[[J]], %c2{{.*}} : index
// CHECK:       %[[T1:.*]] = arith.addi %[[J2B]], %c1{{.*}} : index
// CHECK:       faattn.turn_wait %{{.*}} turn %[[T1]]
// CHECK:       faattn.turn_end %{{.*}} turn %[[T1]]

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
