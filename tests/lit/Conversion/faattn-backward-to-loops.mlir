// RUN: faattn-opt %s -split-input-file -faattn-backward-to-loops -verify-diagnostics | FileCheck %s

// faattn-backward-to-loops: a backward attention op (after faattn-score-grad)
// to f32 scalar loops. ALiBi with learnable slopes, GQA 4 : 2 (KV head h / 2),
// causal, bshd. The grad region is what faattn-score-grad derives for
// score - slopes[h] * f32(q_idx - kv_idx): d/d score = 1, d/d slopes[h] = -f.

// CHECK-LABEL: func.func @alibi_gqa(
// CHECK-SAME: %[[Q:[^:]*]]: memref<?x?x4x8xf32>, %[[K:[^:]*]]: memref<?x?x2x8xf32>, %[[V:[^:]*]]: memref<?x?x2x8xf32>, %[[O:[^:]*]]: memref<?x?x4x8xf32>, %[[LSE:[^:]*]]: memref<?x4x?xf32>, %[[DO:[^:]*]]: memref<?x?x4x8xf32>, %[[DQ:[^:]*]]: memref<?x?x4x8xf32>, %[[DK:[^:]*]]: memref<?x?x2x8xf32>, %[[DV:[^:]*]]: memref<?x?x2x8xf32>, %[[SL:[^:]*]]: memref<4xf32>, %[[GSL:[^:]*]]: memref<4xf32>)
// CHECK-NOT: faattn.attention
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 1.250000e-01 : f32
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// Every output zeroed first: dq, dk, dv (4-D) and the slopes' gradient.
// CHECK: memref.store %{{.*}}, %[[DQ]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[DK]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[DV]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[GSL]][%{{.*}}]
// Batch, query head, KV head h / 2, query row; rows with lse = -inf skipped.
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %{{.*}}
// CHECK: scf.for %[[H:.*]] = %{{.*}} to %c4
// CHECK: %[[KVH:.*]] = arith.divui %[[H]], %c2
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}}
// CHECK: %[[L:.*]] = memref.load %[[LSE]][%[[B]], %[[H]], %[[I]]]
// CHECK: %[[LIVE:.*]] = arith.cmpf une, %[[L]], %[[NEGINF]]
// CHECK: scf.if %[[LIVE]] {
// D = dO_i . O_i
// CHECK: %[[D:.*]] = scf.for {{.*}} -> (f32) {
// CHECK:   memref.load %[[DO]][%[[B]], %[[I]], %[[H]],
// CHECK:   memref.load %[[O]][%[[B]], %[[I]], %[[H]],
// The key loop; the mask region inlined at (i, j).
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} {
// CHECK: %[[I32:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK: %[[J32:.*]] = arith.index_cast %[[J]] : index to i32
// CHECK: %[[KEEP:.*]] = arith.cmpi sge, %[[I32]], %[[J32]] : i32
// CHECK: scf.if %[[KEEP]] {
// s = scale * q_i . k_j (K at the KV head)
// CHECK: %[[QK:.*]] = scf.for {{.*}} -> (f32) {
// CHECK:   memref.load %[[Q]][%[[B]], %[[I]], %[[H]],
// CHECK:   memref.load %[[K]][%[[B]], %[[J]], %[[KVH]],
// CHECK: %[[S:.*]] = arith.mulf %[[SCALE]], %[[QK]] : f32
// The grad region inlined: s', d s'/d s = 1, d s'/d slopes[h] = -f.
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[HI:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[SLOPE:.*]] = memref.load %[[SL]][%[[HI]]]
// CHECK: %[[F:.*]] = arith.sitofp
// CHECK: %[[PROD:.*]] = arith.mulf %[[SLOPE]], %[[F]]
// CHECK: %[[SP:.*]] = arith.subf %[[S]], %[[PROD]]
// CHECK: %[[DSL:.*]] = arith.negf %[[F]]
// P = exp(s' - lse); nothing flows where P = 0.
// CHECK: %[[X:.*]] = arith.subf %[[SP]], %[[L]]
// CHECK: %[[P:.*]] = math.exp %[[X]]
// CHECK: %[[FLOWS:.*]] = arith.cmpf une, %[[P]], %{{.*}} : f32
// CHECK: scf.if %[[FLOWS]] {
// dP = dO_i . v_j, dS' = P (dP - D), dS = dS' * 1, scaled.
// CHECK: %[[DP:.*]] = scf.for {{.*}} -> (f32) {
// CHECK:   memref.load %[[DO]][%[[B]], %[[I]], %[[H]],
// CHECK:   memref.load %[[V]][%[[B]], %[[J]], %[[KVH]],
// CHECK: %[[DPD:.*]] = arith.subf %[[DP]], %[[D]]
// CHECK: %[[DSP:.*]] = arith.mulf %[[P]], %[[DPD]]
// CHECK: %[[DS:.*]] = arith.mulf %[[DSP]], %[[ONE]]
// CHECK: %[[SDS:.*]] = arith.mulf %[[SCALE]], %[[DS]]
// dv_j += P dO_i (at the KV head: the group's query heads add up)
// CHECK: scf.for %[[C:.*]] = {{.*}} {
// CHECK:   %[[G:.*]] = memref.load %[[DO]][%[[B]], %[[I]], %[[H]], %[[C]]]
// CHECK:   %[[PG:.*]] = arith.mulf %[[P]], %[[G]]
// CHECK:   %[[OLDV:.*]] = memref.load %[[DV]][%[[B]], %[[J]], %[[KVH]], %[[C]]]
// CHECK:   %[[NEWV:.*]] = arith.addf %[[OLDV]], %[[PG]]
// CHECK:   memref.store %[[NEWV]], %[[DV]][%[[B]], %[[J]], %[[KVH]], %[[C]]]
// dq_i += scale dS k_j, dk_j += scale dS q_i
// CHECK: scf.for %[[C2:.*]] = {{.*}} {
// CHECK:   %[[KC:.*]] = memref.load %[[K]][%[[B]], %[[J]], %[[KVH]], %[[C2]]]
// CHECK:   %[[QC:.*]] = memref.load %[[Q]][%[[B]], %[[I]], %[[H]], %[[C2]]]
// CHECK:   arith.mulf %[[SDS]], %[[KC]]
// CHECK:   memref.store %{{.*}}, %[[DQ]][%[[B]], %[[I]], %[[H]], %[[C2]]]
// CHECK:   arith.mulf %[[SDS]], %[[QC]]
// CHECK:   memref.store %{{.*}}, %[[DK]][%[[B]], %[[J]], %[[KVH]], %[[C2]]]
// slopes' gradient at the index the score read: += dS' * (-f)
// CHECK: %[[DPAR:.*]] = arith.mulf %[[DSP]], %[[DSL]]
// CHECK: %[[OLDG:.*]] = memref.load %[[GSL]][%[[HI]]]
// CHECK: %[[NEWG:.*]] = arith.addf %[[OLDG]], %[[DPAR]]
// CHECK: memref.store %[[NEWG]], %[[GSL]][%[[HI]]]
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

// bhsd: the head before the row in every access; no mask (every key kept).
// CHECK-LABEL: func.func @bhsd(
// CHECK-NOT: faattn.attention
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %{{.*}}
// CHECK: scf.for %[[H:.*]] = %{{.*}} to %c2
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}}
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} {
// CHECK-NOT: arith.cmpi
// CHECK: memref.load %{{.*}}[%[[B]], %[[H]], %[[I]], %{{.*}}] : memref<?x2x?x16xf32>
// CHECK: memref.load %{{.*}}[%[[B]], %{{.*}}, %[[J]], %{{.*}}] : memref<?x2x?x16xf32>
func.func @bhsd(%q: memref<?x2x?x16xf32>, %lse: memref<?x2x?xf32>) {
  faattn.attention q(%q : memref<?x2x?x16xf32>) k(%q : memref<?x2x?x16xf32>) v(%q : memref<?x2x?x16xf32>) out(%q : memref<?x2x?x16xf32>) lse(%lse : memref<?x2x?xf32>) dout(%q : memref<?x2x?x16xf32>) dq(%q : memref<?x2x?x16xf32>) dk(%q : memref<?x2x?x16xf32>) dv(%q : memref<?x2x?x16xf32>) attributes {layout = #faattn.layout<bhsd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.25 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } grad {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %s, %one
  }
  return
}

// -----

// varlen: the batch is size(cu_seqlens_q) - 1; sequence b's rows start at
// cu_seqlens[b] in the memrefs' one batch, its lengths (>= 0) bound the loops
// and are the regions' seq_q / seq_kv (the mask kv_idx < seq_q reads it); a
// row outside the memref is skipped.
// CHECK-LABEL: func.func @varlen(
// CHECK-SAME: %[[Q:[^:]*]]: memref<1x?x2x16xf32>, %[[LSE:[^:]*]]: memref<1x2x?xf32>, %[[CUQ:[^:]*]]: memref<?xi32>, %[[CUKV:[^:]*]]: memref<?xi32>)
// CHECK-NOT: faattn.attention
// CHECK: %[[SEQQ:.*]] = memref.dim %[[Q]], %c1{{.*}} : memref<1x?x2x16xf32>
// CHECK: %[[NCU:.*]] = memref.dim %[[CUQ]], %c0{{.*}} : memref<?xi32>
// CHECK: %[[NB:.*]] = arith.subi %[[NCU]], %c1{{.*}} : index
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %[[NB]]
// CHECK:   %[[B0:.*]] = arith.constant 0 : index
// CHECK:   %[[QS:.*]] = memref.load %[[CUQ]][%[[B]]] : memref<?xi32>
// CHECK:   %[[QE:.*]] = memref.load %[[CUQ]][%{{.*}}] : memref<?xi32>
// CHECK:   %[[QD:.*]] = arith.subi %[[QE]], %[[QS]] : i32
// CHECK:   %[[QL:.*]] = arith.maxsi %[[QD]], %{{.*}} : i32
// CHECK:   %[[QSI:.*]] = arith.index_cast %[[QS]] : i32 to index
// CHECK:   %[[QLI:.*]] = arith.index_cast %[[QL]] : i32 to index
// CHECK:   memref.load %[[CUKV]][%[[B]]] : memref<?xi32>
// CHECK:   %[[LENQ32:.*]] = arith.index_cast %[[QLI]] : index to i32
// CHECK:   scf.for %[[H:.*]] = %{{.*}} to %c2
// CHECK:     scf.for %[[I:.*]] = %{{.*}} to %[[QLI]]
// CHECK:       %[[ROW:.*]] = arith.addi %[[QSI]], %[[I]] : index
// CHECK:       %[[IN:.*]] = arith.cmpi ult, %[[ROW]], %[[SEQQ]] : index
// CHECK:       scf.if %[[IN]] {
// CHECK:         memref.load %[[LSE]][%[[B0]], %[[H]], %[[ROW]]] : memref<1x2x?xf32>
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %{{.*}} {
// CHECK:           %[[KROW:.*]] = arith.addi %{{.*}}, %[[J]] : index
// CHECK:           %[[KIN:.*]] = arith.cmpi ult, %[[KROW]], %{{.*}} : index
// CHECK:           scf.if %[[KIN]] {
// CHECK:             %[[J32:.*]] = arith.index_cast %[[J]] : index to i32
// CHECK:             %[[KEEP:.*]] = arith.cmpi slt, %[[J32]], %[[LENQ32]] : i32
// CHECK:             scf.if %[[KEEP]] {
// CHECK:               memref.load %[[Q]][%[[B0]], %[[ROW]], %[[H]], %{{.*}}]
// CHECK:               memref.load %[[Q]][%[[B0]], %[[KROW]], %{{.*}}, %{{.*}}]
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
  // expected-error @+1 {{has no 'grad' region: run faattn-score-grad first}}
  faattn.attention q(%q : memref<?x?x2x16xf32>) k(%q : memref<?x?x2x16xf32>) v(%q : memref<?x?x2x16xf32>) out(%q : memref<?x?x2x16xf32>) lse(%lse : memref<?x2x?xf32>) dout(%q : memref<?x?x2x16xf32>) dq(%q : memref<?x?x2x16xf32>) dk(%q : memref<?x?x2x16xf32>) dv(%q : memref<?x?x2x16xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.25 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Without its gradient operands: an error (a forward op is left alone).
func.func @no_operands(%q: memref<?x?x2x16xf32>) {
  // expected-error @+1 {{has no gradient operands (dout, lse, dq, dk, dv): faattn-backward-to-loops lowers a complete backward op}}
  faattn.attention q(%q : memref<?x?x2x16xf32>) k(%q : memref<?x?x2x16xf32>) v(%q : memref<?x?x2x16xf32>) out(%q : memref<?x?x2x16xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 2 : i64, num_kv_heads = 2 : i64, scale = 0.25 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}
