// RUN: faattn-opt %s -faattn-backward-tile | FileCheck %s
// RUN: faattn-opt %s -faattn-backward-tile -faattn-tiles-to-linalg | FileCheck %s --check-prefix=CPU
// RUN: faattn-opt %s -faattn-backward-tile='workspace-args=true block=64' | FileCheck %s --check-prefix=GPU

// GQA (4 query heads, 2 KV heads), a learnable param and a causal mask, at block sizes
// 64x32 (faattn-score-grad's output: the op with its grad region).
// CHECK-LABEL: func.func @alibi_bwd(
// The param gradient is zeroed (it is added into), then the delta (the LSE's shape) and
// the f32 dQ accumulator (dq's shape) are allocated.
// CHECK:       linalg.fill ins(%{{.*}} : f32) outs(%[[DSLOPES:.*]] : memref<4xf32>)
// CHECK:       %[[DELTA:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x4x?xf32>
// CHECK:       %[[ACC:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?x4x32xf32>
// "pre": a CTA per (batch, query head, Q block of 64): D = rowsum(dO * O), 0 into the accumulator.
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}}, 4, %{{.*}}) {
// CHECK:         %[[O:.*]] = faattn.tile_load %arg3{{.*}} -> <64x32xbf16>
// CHECK:         %[[DO:.*]] = faattn.tile_load %arg5{{.*}} -> <64x32xbf16>
// CHECK:         %[[PROD:.*]] = faattn.tile_map %[[O]], %[[DO]]
// CHECK:         %[[D:.*]] = faattn.tile_reduce <sum> %[[PROD]] : <64x32xf32> -> <64x1xf32>
// CHECK:         faattn.tile_store %[[D]], %[[DELTA]]
// CHECK:         %[[Z:.*]] = faattn.tile_splat 0.000000e+00 : <64x32xf32>
// CHECK:         faattn.tile_store %[[Z]], %[[ACC]]
// CHECK:       } {faattn.backward_grid = "pre", faattn.grid}
// "main": a CTA per (batch, KV head, KV block of 32); K and V loaded once.
// CHECK:       scf.forall (%{{.*}}, %[[HKV:.*]], %{{.*}}) in (%{{.*}}, 2, %{{.*}}) {
// CHECK:         %[[K:.*]] = faattn.tile_load %arg1{{.*}} -> <32x32xbf16>
// CHECK:         %[[V:.*]] = faattn.tile_load %arg2{{.*}} -> <32x32xbf16>
// The group's two query heads, then its Q blocks, carrying dK and dV (32x32 f32). Every
// Q block is visited with the mask here: faattn-mask-analysis splits the Q loop in
// column order (tests/lit/Transforms/faattn-mask-analysis-backward.mlir).
// CHECK:         %[[HEADS:.*]]:2 = scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step %{{.*}} iter_args({{.*}}) -> (!faattn.tile<32x32xf32>, !faattn.tile<32x32xf32>) {
// CHECK:           scf.for {{.*}} -> (!faattn.tile<32x32xf32>, !faattn.tile<32x32xf32>) {
// Rows whose LSE is -inf (no kept key) read q and dO as 0: nothing non-finite there
// reaches a gradient through the products' zeros.
// CHECK:               %[[LSE:.*]] = faattn.tile_load %arg4{{.*}} -> <64x1xf32>
// CHECK:               %[[QRAW:.*]] = faattn.tile_load %arg0{{.*}} -> <64x32xbf16>
// CHECK:               %[[Q:.*]] = faattn.tile_map %[[QRAW]], %[[LSE]] {{.*}} -> <64x32xbf16>
// CHECK:                 arith.cmpf oeq, %{{.*}}, %cst{{.*}} : f32
// CHECK:                 arith.select
// CHECK:               %[[DORAW:.*]] = faattn.tile_load %arg5{{.*}} -> <64x32xbf16>
// CHECK:               %[[DOI:.*]] = faattn.tile_map %[[DORAW]], %[[LSE]] {{.*}} -> <64x32xbf16>
// CHECK:               %[[DI:.*]] = faattn.tile_load %[[DELTA]]{{.*}} -> <64x1xf32>
// CHECK:               %[[S:.*]] = faattn.tile_dot %[[Q]], %[[K]] {transpose_rhs} : <64x32xbf16>, <32x32xbf16> -> <64x32xf32>
// CHECK:               %[[SG:.*]]:2 = faattn.tile_score_grad %[[S]] {{.*}} {scale = 0.176776692 : f32} : <64x32xf32> {
// CHECK:                 faattn.grad_yield
// CHECK:               %[[SM:.*]] = faattn.tile_mask %[[SG]]#0
// CHECK:               %[[P:.*]] = faattn.tile_map %[[SM]], %[[LSE]]
// CHECK:                 math.exp
// CHECK:               %[[DP:.*]] = faattn.tile_dot %[[DOI]], %[[V]] {transpose_rhs}
// CHECK:               %[[DSP:.*]] = faattn.tile_map %[[P]], %[[DP]], %[[DI]]
// CHECK:               %[[DS:.*]] = faattn.tile_map %[[P]], %[[DSP]], %[[SG]]#1 {{.*}} -> <64x32xbf16>
// The param gradients while S and dS' are fresh (before the three products that follow).
// CHECK:               faattn.tile_param_grad %[[S]], %[[DSP]] {{.*}} grads(%[[DSLOPES]] : memref<4xf32>) {requires_grad = array<i64: 0>, scale = 0.176776692 : f32}
// CHECK:               %[[PLO:.*]] = faattn.tile_map %[[P]] {{.*}} -> <64x32xbf16>
// CHECK:               %[[PV:.*]] = faattn.tile_dot %[[PLO]], %[[DOI]] {transpose_lhs} : <64x32xbf16>, <64x32xbf16> -> <32x32xf32>
// CHECK:               faattn.tile_map %{{.*}}, %[[PV]]
// CHECK:               %[[DSQ:.*]] = faattn.tile_dot %[[DS]], %[[Q]] {transpose_lhs} : <64x32xbf16>, <64x32xbf16> -> <32x32xf32>
// CHECK:               faattn.tile_map %{{.*}}, %[[DSQ]]
// CHECK:               %[[DQ:.*]] = faattn.tile_dot %[[DS]], %[[K]] : <64x32xbf16>, <32x32xbf16> -> <64x32xf32>
// CHECK:               faattn.tile_store %[[DQ]], %[[ACC]]{{.*}} {accumulate}
// CHECK:           } {faattn.q_loop}
// dK and dV in the inputs' type, into the KV head's rows.
// CHECK:         %[[DKO:.*]] = faattn.tile_map %[[HEADS]]#0 {{.*}} -> <32x32xbf16>
// CHECK:         faattn.tile_store %[[DKO]], %arg7[%{{.*}}, %[[HKV]], %{{.*}}]
// CHECK:         %[[DVO:.*]] = faattn.tile_map %[[HEADS]]#1 {{.*}} -> <32x32xbf16>
// CHECK:         faattn.tile_store %[[DVO]], %arg8[%{{.*}}, %[[HKV]], %{{.*}}]
// CHECK:       } {faattn.backward_grid = "main", faattn.grid}
// "post": dq = the accumulator, in the inputs' type.
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}}, 4, %{{.*}}) {
// CHECK:         %[[A:.*]] = faattn.tile_load %[[ACC]]{{.*}} -> <64x32xf32>
// CHECK:         %[[AO:.*]] = faattn.tile_map %[[A]] {{.*}} -> <64x32xbf16>
// CHECK:         faattn.tile_store %[[AO]], %arg6
// CHECK:       } {faattn.backward_grid = "post", faattn.grid}
// CHECK-NOT:   faattn.attention

// On the CPU the transposed product reads its left operand as (k, m), the score and its
// derivative come from one linalg.generic, the param gradient is a loop nest of
// read-add-writes, and the accumulate store adds to memory.
// CPU:       affine_map<(d0, d1, d2) -> (d2, d0)>
// CPU-LABEL: func.func @alibi_bwd(
// CPU:       linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%{{.*}} : tensor<64x32xf32>) outs(%{{.*}}, %{{.*}} : tensor<64x32xf32>, tensor<64x32xf32>)
// CPU:       %[[OLD:.*]] = memref.load %arg10[%{{.*}}] : memref<4xf32>
// CPU-NEXT:  %[[NEW:.*]] = arith.addf %[[OLD]], %{{.*}} : f32
// CPU-NEXT:  memref.store %[[NEW]], %arg10[%{{.*}}] : memref<4xf32>
// CPU:       memref.load %{{.*}} : memref<?x?x4x32xf32>
// CPU-NEXT:  arith.addf
// CPU-NEXT:  memref.store %{{.*}} : memref<?x?x4x32xf32>
// CPU-NOT:   faattn.tile

// varlen without a mask: each grid reads its sequence's rows from cu_seqlens, the rows
// of dq, dk and dv outside every sequence are zeroed first, and no param gradient.
// CHECK-LABEL: func.func @varlen_bwd(
// CHECK:       linalg.fill ins(%{{.*}} : bf16) outs(%arg6 : memref<?x?x2x32xbf16>)
// CHECK:       linalg.fill ins(%{{.*}} : bf16) outs(%arg7 : memref<?x?x2x32xbf16>)
// CHECK:       linalg.fill ins(%{{.*}} : bf16) outs(%arg8 : memref<?x?x2x32xbf16>)
// CHECK:       scf.forall
// CHECK:         memref.load %arg9
// CHECK:       } {faattn.backward_grid = "pre", faattn.grid}
// CHECK:       scf.forall
// CHECK:         memref.load %arg10
// CHECK:         faattn.tile_load %arg0{{.*}} offset %{{.*}} limit %{{.*}}
// CHECK-NOT:     faattn.tile_param_grad
// CHECK:       } {faattn.backward_grid = "main", faattn.grid}
// CHECK:       {faattn.backward_grid = "post", faattn.grid}

// The GPU form (workspace-args, the tensor-core backward's): the delta and the f32
// dQ accumulator are two arguments after the function's own, nothing is allocated or zeroed
// (the runtime zeroes the accumulator and the param gradients), and block=64 makes both blocks 64 rows (the op's
// tile is 64 x 32): the main grid's K blocks and the Q blocks' LSE.
// GPU-LABEL: func.func @alibi_bwd(
// GPU-SAME: %[[DELTA:arg11]]: memref<?x4x?xf32>, %[[ACC:arg12]]: memref<?x?x4x32xf32>)
// GPU-NOT:  linalg.fill
// GPU-NOT:  memref.alloc
// GPU:      faattn.tile_store %{{.*}}, %[[DELTA]]
// The accumulator is the runtime's to zero (a memset), not the pre grid's.
// GPU-NOT:  faattn.tile_store %{{.*}}, %[[ACC]]
// GPU:      } {faattn.backward_grid = "pre", faattn.grid}
// GPU:      faattn.tile_load %arg1{{.*}} -> <64x32xbf16>
// GPU:      faattn.tile_load %[[DELTA]]{{.*}} -> <64x1xf32>
// GPU:      faattn.tile_store %{{.*}}, %[[ACC]]{{.*}} {accumulate}
// GPU:      } {faattn.backward_grid = "main", faattn.grid}
// GPU:      faattn.tile_load %[[ACC]]

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
  func.func @varlen_bwd(%arg0: memref<?x?x2x32xbf16>, %arg1: memref<?x?x2x32xbf16>, %arg2: memref<?x?x2x32xbf16>, %arg3: memref<?x?x2x32xbf16>, %arg4: memref<?x2x?xf32>, %arg5: memref<?x?x2x32xbf16>, %arg6: memref<?x?x2x32xbf16>, %arg7: memref<?x?x2x32xbf16>, %arg8: memref<?x?x2x32xbf16>, %arg9: memref<?xi32>, %arg10: memref<?xi32>) attributes {faattn.kernel, faattn.target = "sm_90a"} {
    faattn.attention q(%arg0 : memref<?x?x2x32xbf16>) k(%arg1 : memref<?x?x2x32xbf16>) v(%arg2 : memref<?x?x2x32xbf16>) out(%arg3 : memref<?x?x2x32xbf16>) lse(%arg4 : memref<?x2x?xf32>) cu_seqlens_q(%arg9 : memref<?xi32>) cu_seqlens_kv(%arg10 : memref<?xi32>) dout(%arg5 : memref<?x?x2x32xbf16>) dq(%arg6 : memref<?x?x2x32xbf16>) dk(%arg7 : memref<?x?x2x32xbf16>) dv(%arg8 : memref<?x?x2x32xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.176776692 : f32, tile = array<i64: 64, 32>, varlen} score {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      faattn.yield %score : f32
    } grad {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
      %cst = arith.constant 1.000000e+00 : f32
      faattn.grad_yield %score, %cst
    }
    return
  }
}

