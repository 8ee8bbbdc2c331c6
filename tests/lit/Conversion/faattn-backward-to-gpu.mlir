// RUN: faattn-opt %s -split-input-file -faattn-backward-to-gpu -verify-diagnostics | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-backward-to-gpu=rows=128 -verify-diagnostics | FileCheck %s --check-prefix=ROWS

// faattn-backward-to-gpu: a backward attention op (after faattn-score-grad)
// to two SIMT kernels. ALiBi with learnable slopes, GQA 4 : 2, causal, bshd
// (the input of faattn-backward-to-loops.mlir). The op leaves its function;
// both kernels take its arguments and then workspace:delta (shaped as the LSE).

// CHECK-LABEL: func.func @alibi_gqa(
// CHECK-NEXT: return
// CHECK: gpu.module @faattn_kernels
// `alibi_gqa_dq`: a thread per query row (block z * 64 + thread x) of query head y.
// CHECK: gpu.func @alibi_gqa_dq(%[[Q:[^:]*]]: memref<?x?x4x8xf32>, %[[K:[^:]*]]: memref<?x?x2x8xf32>, %[[V:[^:]*]]: memref<?x?x2x8xf32>, %[[O:[^:]*]]: memref<?x?x4x8xf32>, %[[LSE:[^:]*]]: memref<?x4x?xf32>, %[[DO:[^:]*]]: memref<?x?x4x8xf32>, %[[DQ:[^:]*]]: memref<?x?x4x8xf32>, %[[DK:[^:]*]]: memref<?x?x2x8xf32>, %[[DV:[^:]*]]: memref<?x?x2x8xf32>, %[[SL:[^:]*]]: memref<4xf32>, %[[GSL:[^:]*]]: memref<4xf32>, %[[WS:[^:]*]]: memref<?x4x?xf32>) kernel attributes {faattn.block_m = 64 : i64, known_block_size = array<i32: 64, 1, 1>}
// ROWS: gpu.func @alibi_gqa_dq({{.*}} kernel attributes {faattn.block_m = 128 : i64, known_block_size = array<i32: 128, 1, 1>}
// CHECK-DAG: %[[BX:.*]] = gpu.block_id x
// CHECK-DAG: %[[BY:.*]] = gpu.block_id y
// CHECK-DAG: %[[BZ:.*]] = gpu.block_id z
// CHECK-DAG: %[[TX:.*]] = gpu.thread_id x
// CHECK: %[[ZR:.*]] = arith.muli %[[BZ]], %c64
// CHECK: %[[I0:.*]] = arith.addi %[[ZR]], %[[TX]] : index
// Grid-stride over the sequence's rows (every row, whatever max_seqlen_q said).
// CHECK: %[[GZ:.*]] = gpu.grid_dim z
// CHECK: %[[STRIDE:.*]] = arith.muli %[[GZ]], %c64
// CHECK: scf.for %[[I:.*]] = %[[I0]] to %{{.*}} step %[[STRIDE]] {
// D_i = dO_i . O_i into the workspace, before anything else of the row.
// CHECK: %[[D:.*]] = scf.for {{.*}} -> (f32) {
// CHECK:   memref.load %[[DO]][%[[BX]], %[[I]], %[[BY]],
// CHECK:   memref.load %[[O]][%[[BX]], %[[I]], %[[BY]],
// CHECK: memref.store %[[D]], %[[WS]][%[[BX]], %[[BY]], %[[I]]]
// CHECK: %[[L:.*]] = memref.load %[[LSE]][%[[BX]], %[[BY]], %[[I]]]
// The row's q_i and dO_i, and its dq accumulator, private; the slopes'
// pending element (index, sum, whether one is pending).
// CHECK: %[[QI:.*]] = memref.alloca() : memref<8xf32>
// CHECK: %[[DOI:.*]] = memref.alloca() : memref<8xf32>
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<8xf32>
// CHECK: %[[PIDX:.*]] = memref.alloca() : memref<1xindex>
// CHECK: %[[PVAL:.*]] = memref.alloca() : memref<1xf32>
// CHECK: %[[PHAS:.*]] = memref.alloca() : memref<1xi1>
// CHECK: %[[LIVE:.*]] = arith.cmpf une, %[[L]]
// CHECK: scf.if %[[LIVE]] {
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} {
// The pair's code (BackwardCode.h), as on the CPU path: mask, score, grad region, P.
// CHECK: arith.cmpi sge
// CHECK: scf.if
// CHECK: memref.load %[[QI]]
// CHECK: memref.load %[[K]][%[[BX]], %[[J]],
// CHECK: math.exp
// CHECK: scf.if
// CHECK: memref.load %[[DOI]]
// CHECK: memref.load %[[V]][%[[BX]], %[[J]],
// dq_i += scale dS k_j in the private accumulator.
// CHECK: memref.load %[[ACC]]
// CHECK: memref.load %[[K]][%[[BX]], %[[J]],
// CHECK: memref.store %{{.*}}, %[[ACC]]
// The same slopes element as the pending one: added to it; another: the
// pending one flushed with an atomic, this one pending.
// CHECK: scf.if %{{.*}} {
// CHECK:   memref.store %{{.*}}, %[[PVAL]]
// CHECK: } else {
// CHECK:   scf.if
// CHECK:     memref.atomic_rmw addf %{{.*}}, %[[GSL]][%{{.*}}] : (f32, memref<4xf32>) -> f32
// After the keys, the last pending element flushed.
// CHECK: memref.atomic_rmw addf %{{.*}}, %[[GSL]][%{{.*}}] : (f32, memref<4xf32>) -> f32
// dq_i written once, from the accumulator (0 for a fully masked row).
// CHECK: memref.load %[[ACC]]
// CHECK: memref.store %{{.*}}, %[[DQ]][%[[BX]], %[[I]], %[[BY]],
// CHECK: gpu.return
// `alibi_gqa`: a thread per key row j of KV head y, over the group's query heads.
// CHECK: gpu.func @alibi_gqa(%[[Q2:[^:]*]]: memref<?x?x4x8xf32>, %{{[^:]*}}: memref<?x?x2x8xf32>, %{{[^:]*}}: memref<?x?x2x8xf32>, %{{[^:]*}}: memref<?x?x4x8xf32>, %[[LSE2:[^:]*]]: memref<?x4x?xf32>, %[[DO2:[^:]*]]: memref<?x?x4x8xf32>, %{{[^:]*}}: memref<?x?x4x8xf32>, %[[DK2:[^:]*]]: memref<?x?x2x8xf32>, %[[DV2:[^:]*]]: memref<?x?x2x8xf32>, %{{[^:]*}}: memref<4xf32>, %{{[^:]*}}: memref<4xf32>, %[[WS2:[^:]*]]: memref<?x4x?xf32>)
// CHECK-DAG: %[[KVH:.*]] = gpu.block_id y
// CHECK-DAG: %[[TX2:.*]] = gpu.thread_id x
// CHECK: %[[JR:.*]] = arith.addi %{{.*}}, %[[TX2]] : index
// k_j, v_j, dk and dv accumulators private.
// CHECK: %[[KJ:.*]] = memref.alloca() : memref<8xf32>
// CHECK: %[[VJ:.*]] = memref.alloca() : memref<8xf32>
// CHECK: %[[DKACC:.*]] = memref.alloca() : memref<8xf32>
// CHECK: %[[DVACC:.*]] = memref.alloca() : memref<8xf32>
// Query head h = KV head * 2 + g, then every query row, D from the workspace.
// CHECK: scf.for %[[G:.*]] = %{{.*}} to %c2
// CHECK:   %[[KVG:.*]] = arith.muli %[[KVH]], %c2
// CHECK:   %[[H:.*]] = arith.addi %[[KVG]], %[[G]] : index
// CHECK:   scf.for %[[I2:.*]] = %{{.*}} to %{{.*}} {
// CHECK:     memref.load %[[LSE2]][%{{.*}}, %[[H]], %[[I2]]]
// CHECK:     memref.load %[[WS2]][%{{.*}}, %[[H]], %[[I2]]]
// CHECK:     memref.load %[[Q2]][%{{.*}}, %[[I2]], %[[H]],
// CHECK:     memref.load %[[KJ]]
// dv_j += P dO_i, dk_j += scale dS q_i, in the accumulators; no atomics.
// CHECK-NOT: atomic_rmw
// CHECK:     memref.store %{{.*}}, %[[DVACC]]
// CHECK:     memref.store %{{.*}}, %[[DKACC]]
// CHECK: memref.store %{{.*}}, %[[DK2]][%{{.*}}, %[[JR]], %[[KVH]],
// CHECK: memref.store %{{.*}}, %[[DV2]][%{{.*}}, %[[JR]], %[[KVH]],
// CHECK: gpu.return
func.func @alibi_gqa(%q: memref<?x?x4x8xf32>, %k: memref<?x?x2x8xf32>, %v: memref<?x?x2x8xf32>, %o: memref<?x?x4x8xf32>, %lse: memref<?x4x?xf32>, %do: memref<?x?x4x8xf32>, %dq: memref<?x?x4x8xf32>, %dk: memref<?x?x2x8xf32>, %dv: memref<?x?x2x8xf32>, %slopes: memref<4xf32>, %gslopes: memref<4xf32>) {
  faattn.attention q(%q : memref<?x?x4x8xf32>) k(%k : memref<?x?x2x8xf32>) v(%v : memref<?x?x2x8xf32>) out(%o : memref<?x?x4x8xf32>) lse(%lse : memref<?x4x?xf32>) params(%slopes : memref<4xf32>) dout(%do : memref<?x?x4x8xf32>) dq(%dq : memref<?x?x4x8xf32>) dk(%dk : memref<?x?x2x8xf32>) dv(%dv : memref<?x?x2x8xf32>) param_grads(%gslopes : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 2 : i64, requires_grad = array<i64: 0>, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<4xf32>):
    %hi = arith.index_cast %h : i32 to index
    %sl = memref.load %p[%hi] : memref<4xf32>
    %diff = arith.subi %qi, %ki : i32
    %af = arith.sitofp %diff : i32 to f32
    %prod = arith.mulf %sl, %af : f32
    %r = arith.subf %s, %prod : f32
    faattn.yield %r : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<4xf32>):
    %c = arith.cmpi sge, %qi, %ki : i32
    faattn.yield %c : i1
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<4xf32>):
    %one = arith.constant 1.0 : f32
    %hi = arith.index_cast %h : i32 to index
    %sl = memref.load %p[%hi] : memref<4xf32>
    %diff = arith.subi %qi, %ki : i32
    %af = arith.sitofp %diff : i32 to f32
    %prod = arith.mulf %sl, %af : f32
    %r = arith.subf %s, %prod : f32
    %dsl = arith.negf %af : f32
    faattn.grad_yield %r, %one params(%dsl -> %p[%hi] : memref<4xf32>)
  }
  return
}


// -----

// varlen: sequence x's rows start at cu_seqlens[x]; a thread past its
// sequence's length, or whose row is outside the memref, does nothing.
// CHECK-LABEL: func.func @varlen(
// CHECK: gpu.func @varlen_dq(%[[Q:[^:]*]]: memref<1x?x2x16xf32>, %[[LSE:[^:]*]]: memref<1x2x?xf32>, %[[CUQ:[^:]*]]: memref<?xi32>, %[[CUKV:[^:]*]]: memref<?xi32>, %[[WS:[^:]*]]: memref<1x2x?xf32>)
// CHECK: %[[BX:.*]] = gpu.block_id x
// CHECK: %[[NB:.*]] = arith.subi %{{.*}}, %c1{{.*}} : index
// CHECK: %[[INB:.*]] = arith.cmpi ult, %[[BX]], %[[NB]] : index
// CHECK: scf.if %[[INB]] {
// CHECK:   %[[QS:.*]] = memref.load %[[CUQ]][%[[BX]]] : memref<?xi32>
// CHECK:   arith.index_cast %{{.*}} : i32 to index
// CHECK:   %[[QLEN:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK:   scf.for %[[I:.*]] = %{{.*}} to %[[QLEN]] step %{{.*}} {
// CHECK:     %[[ROW:.*]] = arith.addi %{{.*}}, %[[I]] : index
// CHECK:     %[[INMEM:.*]] = arith.cmpi ult, %[[ROW]], %{{.*}} : index
// CHECK:     scf.if %[[INMEM]] {
// CHECK:       memref.store %{{.*}}, %[[WS]][%c0{{.*}}, %{{.*}}, %[[ROW]]] : memref<1x2x?xf32>
// CHECK: gpu.func @varlen(
func.func @varlen(%q: memref<1x?x2x16xf32>, %lse: memref<1x2x?xf32>, %cuq: memref<?xi32>, %cukv: memref<?xi32>) {
  faattn.attention q(%q : memref<1x?x2x16xf32>) k(%q : memref<1x?x2x16xf32>) v(%q : memref<1x?x2x16xf32>) out(%q : memref<1x?x2x16xf32>) lse(%lse : memref<1x2x?xf32>) cu_seqlens_q(%cuq : memref<?xi32>) cu_seqlens_kv(%cukv : memref<?xi32>) dout(%q : memref<1x?x2x16xf32>) dq(%q : memref<1x?x2x16xf32>) dk(%q : memref<1x?x2x16xf32>) dv(%q : memref<1x?x2x16xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.25 : f32, varlen} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c = arith.cmpi slt, %ki, %sq : i32
    faattn.yield %c : i1
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %s, %one
  }
  return
}


// -----

// Without its grad region (faattn-score-grad not run): an error.
func.func @no_grad(%q: memref<?x?x2x16xf32>, %lse: memref<?x2x?xf32>) {
  // expected-error @+1 {{faattn-backward-to-gpu lowers a complete backward op with its 'grad' region (run faattn-score-grad first)}}
  faattn.attention q(%q : memref<?x?x2x16xf32>) k(%q : memref<?x?x2x16xf32>) v(%q : memref<?x?x2x16xf32>) out(%q : memref<?x?x2x16xf32>) lse(%lse : memref<?x2x?xf32>) dout(%q : memref<?x?x2x16xf32>) dq(%q : memref<?x?x2x16xf32>) dk(%q : memref<?x?x2x16xf32>) dv(%q : memref<?x?x2x16xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.25 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}


// -----

// An operand that is not an argument of the kernel function: an error (the
// kernels take the function's arguments).
func.func @not_args(%q: memref<?x?x2x16xf32>, %n: index) {
  %lse = memref.alloc(%n, %n) : memref<?x2x?xf32>
  // expected-error @+1 {{faattn-backward-to-gpu needs every operand to be an argument of the kernel function}}
  faattn.attention q(%q : memref<?x?x2x16xf32>) k(%q : memref<?x?x2x16xf32>) v(%q : memref<?x?x2x16xf32>) out(%q : memref<?x?x2x16xf32>) lse(%lse : memref<?x2x?xf32>) dout(%q : memref<?x?x2x16xf32>) dq(%q : memref<?x?x2x16xf32>) dk(%q : memref<?x?x2x16xf32>) dv(%q : memref<?x?x2x16xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.25 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %s, %one
  }
  return
}
