// RUN: faattn-opt %s -split-input-file -faattn-score-grad | FileCheck %s
// A second run leaves the grad regions as they are (and they parse back).
// RUN: faattn-opt %s -split-input-file -faattn-score-grad | faattn-opt -split-input-file -faattn-score-grad | FileCheck %s

// faattn-score-grad gives every backward attention op a `grad` region: the score
// region's code, then d score'/d score and d score'/d p[idx] for each learnable
// param element it reads (requires_grad), ending with faattn.grad_yield.

// Softcap, 50 * tanh(score / 50): d/d score = 50 (1 - t^2) / 50 with t = tanh(score / 50).
// The adjoint of t is the constant 50 (1 * 50 folded); no param.
// CHECK-LABEL: func.func @softcap(
// CHECK: } grad {
// CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   %[[C50:.*]] = arith.constant 5.000000e+01 : f32
// CHECK-NEXT:   %[[C50B:.*]] = arith.constant 5.000000e+01 : f32
// CHECK-NEXT:   %[[D:.*]] = arith.divf %score, %[[C50B]] : f32
// CHECK-NEXT:   %[[T:.*]] = math.tanh %[[D]] : f32
// CHECK-NEXT:   %[[V:.*]] = arith.mulf %[[C50]], %[[T]] : f32
// CHECK-NEXT:   %[[TT:.*]] = arith.mulf %[[T]], %[[T]] : f32
// CHECK-NEXT:   %[[OMT:.*]] = arith.subf %[[ONE]], %[[TT]] : f32
// CHECK-NEXT:   %[[DT:.*]] = arith.mulf %[[C50]], %[[OMT]] : f32
// CHECK-NEXT:   %[[DS:.*]] = arith.divf %[[DT]], %[[C50B]] : f32
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[DS]]{{$}}
// CHECK-NEXT: }
func.func @softcap(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c50 = arith.constant 50.0 : f32
    %c50b = arith.constant 50.0 : f32
    %d = arith.divf %s, %c50b : f32
    %t = math.tanh %d : f32
    %m = arith.mulf %c50, %t : f32
    faattn.yield %m : f32
  }
  return
}

// -----

// ALiBi with learnable slopes, score - slopes[h] * abs(q_idx - kv_idx) as the
// frontend builds it: d/d score = 1; d/d slopes[h] = -f32(abs(q_idx - kv_idx)),
// at the index the score reads (the -1 of the subtraction folded into a negf).
// CHECK-LABEL: func.func @alibi(
// CHECK: } grad {
// CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %[[SLOPES:.*]]: memref<4xf32>):
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   %[[HI:.*]] = arith.index_cast %h : i32 to index
// CHECK-NEXT:   %[[SL:.*]] = memref.load %[[SLOPES]][%[[HI]]] : memref<4xf32>
// CHECK-NEXT:   %[[DIFF:.*]] = arith.subi %q_idx, %kv_idx : i32
// CHECK-NEXT:   %[[ABS:.*]] = math.absi %[[DIFF]] : i32
// CHECK-NEXT:   %[[F:.*]] = arith.sitofp %[[ABS]] : i32 to f32
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[SL]], %[[F]] : f32
// CHECK-NEXT:   %[[V:.*]] = arith.subf %score, %[[P]] : f32
// CHECK-NEXT:   %[[DSL:.*]] = arith.negf %[[F]] : f32
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[ONE]] params(%[[DSL]] -> %[[SLOPES]][%[[HI]]] : memref<4xf32>)
// CHECK-NEXT: }
func.func @alibi(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>, %slopes: memref<4xf32>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) params(%slopes : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<4xf32>):
    %hi = arith.index_cast %h : i32 to index
    %sl = memref.load %p[%hi] : memref<4xf32>
    %diff = arith.subi %qi, %ki : i32
    %a = math.absi %diff : i32
    %af = arith.sitofp %a : i32 to f32
    %prod = arith.mulf %sl, %af : f32
    %r = arith.subf %s, %prod : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// The same without requires_grad: the slopes are data, only d/d score.
// CHECK-LABEL: func.func @alibi_fixed_slopes(
// CHECK: } grad {
// CHECK: faattn.grad_yield %{{.*}}, %{{.*}}{{$}}
func.func @alibi_fixed_slopes(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>, %slopes: memref<4xf32>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) params(%slopes : memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<4xf32>):
    %hi = arith.index_cast %h : i32 to index
    %sl = memref.load %p[%hi] : memref<4xf32>
    %r = arith.subf %s, %sl : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// A scalar temperature, score / temperature: d/d score = 1 / t and
// d/d t = -1 * ((score / t) / t) (PyTorch's order), the -1 folded into a negf.
// CHECK-LABEL: func.func @temperature(
// CHECK: } grad {
// CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %[[TEMP:.*]]: memref<f32>):
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   %[[T:.*]] = memref.load %[[TEMP]][] : memref<f32>
// CHECK-NEXT:   %[[V:.*]] = arith.divf %score, %[[T]] : f32
// CHECK-NEXT:   %[[DS:.*]] = arith.divf %[[ONE]], %[[T]] : f32
// CHECK-NEXT:   %[[Q:.*]] = arith.divf %[[V]], %[[T]] : f32
// CHECK-NEXT:   %[[DT:.*]] = arith.negf %[[Q]] : f32
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[DS]] params(%[[DT]] -> %[[TEMP]][] : memref<f32>)
// CHECK-NEXT: }
func.func @temperature(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>, %temp: memref<f32>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) params(%temp : memref<f32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<f32>):
    %t = memref.load %p[] : memref<f32>
    %r = arith.divf %s, %t : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// where(kv_idx < prefix[b], score + bias[h, kv_idx], -abs(score)), bias learnable,
// prefix (i32) not: each branch gets the adjoint where it is taken and 0 elsewhere
// (TAKEN, OTHER); the condition and prefix get nothing. abs' is sgn(score) with
// sgn(0) = 0. d/d score sums both paths; d/d bias[h, kv_idx] is the first branch's.
// CHECK-LABEL: func.func @where(
// CHECK: } grad {
// CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %[[BIAS:.*]]: memref<4x?xf32>, %[[PREFIX:.*]]: memref<?xi32>):
// CHECK-DAG:    %[[MONE:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-DAG:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:    %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:        %[[BI:.*]] = arith.index_cast %b : i32 to index
// CHECK-NEXT:   %[[PRE:.*]] = memref.load %[[PREFIX]][%[[BI]]] : memref<?xi32>
// CHECK-NEXT:   %[[C:.*]] = arith.cmpi slt, %kv_idx, %[[PRE]] : i32
// CHECK-NEXT:   %[[HI:.*]] = arith.index_cast %h : i32 to index
// CHECK-NEXT:   %[[KI:.*]] = arith.index_cast %kv_idx : i32 to index
// CHECK-NEXT:   %[[BV:.*]] = memref.load %[[BIAS]][%[[HI]], %[[KI]]] : memref<4x?xf32>
// CHECK-NEXT:   %[[SUM:.*]] = arith.addf %score, %[[BV]] : f32
// CHECK-NEXT:   %[[ABS:.*]] = math.absf %score : f32
// CHECK-NEXT:   %[[NEG:.*]] = arith.negf %[[ABS]] : f32
// CHECK-NEXT:   %[[V:.*]] = arith.select %[[C]], %[[SUM]], %[[NEG]] : f32
// CHECK-NEXT:   %[[TAKEN:.*]] = arith.select %[[C]], %[[ONE]], %[[ZERO]] : f32
// CHECK-NEXT:   %[[OTHER:.*]] = arith.select %[[C]], %[[ZERO]], %[[ONE]] : f32
// CHECK-NEXT:   %[[DABS:.*]] = arith.negf %[[OTHER]] : f32
// CHECK-NEXT:   %[[POS:.*]] = arith.cmpf ogt, %score, %[[ZERO]] : f32
// CHECK-NEXT:   %[[NEGATIVE:.*]] = arith.cmpf olt, %score, %[[ZERO]] : f32
// CHECK-NEXT:   %[[S1:.*]] = arith.select %[[NEGATIVE]], %[[MONE]], %[[ZERO]] : f32
// CHECK-NEXT:   %[[SGN:.*]] = arith.select %[[POS]], %[[ONE]], %[[S1]] : f32
// CHECK-NEXT:   %[[DSABS:.*]] = arith.mulf %[[DABS]], %[[SGN]] : f32
// CHECK-NEXT:   %[[DS:.*]] = arith.addf %[[DSABS]], %[[TAKEN]] : f32
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[DS]] params(%[[TAKEN]] -> %[[BIAS]][%[[HI]], %[[KI]]] : memref<4x?xf32>)
// CHECK-NEXT: }
func.func @where(%q: memref<?x4x?x64xf16>, %o: memref<?x4x?x64xf16>, %bias: memref<4x?xf32>, %prefix: memref<?xi32>) {
  faattn.attention q(%q : memref<?x4x?x64xf16>) k(%q : memref<?x4x?x64xf16>) v(%q : memref<?x4x?x64xf16>) out(%o : memref<?x4x?x64xf16>) params(%bias, %prefix : memref<4x?xf32>, memref<?xi32>) attributes {layout = #faattn.layout<bhsd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %bp: memref<4x?xf32>, %pp: memref<?xi32>):
    %bi = arith.index_cast %b : i32 to index
    %pre = memref.load %pp[%bi] : memref<?xi32>
    %c = arith.cmpi slt, %ki, %pre : i32
    %hi = arith.index_cast %h : i32 to index
    %kx = arith.index_cast %ki : i32 to index
    %bv = memref.load %bp[%hi, %kx] : memref<4x?xf32>
    %sum = arith.addf %s, %bv : f32
    %a = math.absf %s : f32
    %n = arith.negf %a : f32
    %r = arith.select %c, %sum, %n : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// max / min: the larger (smaller) side gets the adjoint, a tie half to each
// (torch.maximum / torch.minimum). max(score, cap) with a learnable scalar cap:
// score gets it unless score < cap, cap unless score > cap.
// CHECK-LABEL: func.func @max_min(
// CHECK: } grad {
// CHECK-DAG:    %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:    %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:    %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:        %[[CAP:.*]] = memref.load
// CHECK-NEXT:   %[[V:.*]] = arith.maximumf %score, %[[CAP]] : f32
// CHECK-NEXT:   %[[TIE:.*]] = arith.cmpf oeq, %score, %[[CAP]] : f32
// CHECK-NEXT:   %[[LT:.*]] = arith.cmpf olt, %score, %[[CAP]] : f32
// CHECK-NEXT:   %[[L1:.*]] = arith.select %[[LT]], %[[ZERO]], %[[ONE]] : f32
// CHECK-NEXT:   %[[DS:.*]] = arith.select %[[TIE]], %[[HALF]], %[[L1]] : f32
// CHECK-NEXT:   %[[GT:.*]] = arith.cmpf ogt, %score, %[[CAP]] : f32
// CHECK-NEXT:   %[[R1:.*]] = arith.select %[[GT]], %[[ZERO]], %[[ONE]] : f32
// CHECK-NEXT:   %[[DCAP:.*]] = arith.select %[[TIE]], %[[HALF]], %[[R1]] : f32
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[DS]] params(%[[DCAP]] -> %{{.*}}[] : memref<f32>)
// The minimum's sides are the other way round.
// CHECK-LABEL: func.func @min_side(
// CHECK: } grad {
// CHECK:        %[[V:.*]] = arith.minimumf %score, %{{.*}} : f32
// CHECK-NEXT:   %[[TIE:.*]] = arith.cmpf oeq, %score
// CHECK-NEXT:   %[[GT:.*]] = arith.cmpf ogt, %score
// CHECK-NEXT:   arith.select %[[GT]]
// CHECK-NEXT:   %[[DS:.*]] = arith.select %[[TIE]]
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[DS]]{{$}}
func.func @max_min(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>, %cap: memref<f32>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) params(%cap : memref<f32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0>, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %p: memref<f32>):
    %c = memref.load %p[] : memref<f32>
    %r = arith.maximumf %s, %c : f32
    faattn.yield %r : f32
  }
  return
}
func.func @min_side(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c = arith.constant 3.0 : f32
    %r = arith.minimumf %s, %c : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// exp, exp2, log: exp2(score) * log(score) + exp(score), g the adjoint of the result:
//   d exp2 = g * r * ln 2, d log = g / x, d exp = g * r.
// Every g here but exp2's and log's is 1, and products with 1 fold: exp's
// contribution is E itself, the product's adjoints are the other factor (log's g
// is exp2(score), exp2's is log(score)); the constant 1 is then unused and goes.
// CHECK-LABEL: func.func @exp_log(
// CHECK: } grad {
// CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
// CHECK-NEXT:   %[[LN2:.*]] = arith.constant 0.693147182 : f32
// CHECK-NEXT:   %[[E2:.*]] = math.exp2 %score : f32
// CHECK-NEXT:   %[[L:.*]] = math.log %score : f32
// CHECK-NEXT:   %[[M:.*]] = arith.mulf %[[E2]], %[[L]] : f32
// CHECK-NEXT:   %[[E:.*]] = math.exp %score : f32
// CHECK-NEXT:   %[[V:.*]] = arith.addf %[[M]], %[[E]] : f32
// CHECK-NEXT:   %[[DLS:.*]] = arith.divf %[[E2]], %score : f32
// CHECK-NEXT:   %[[A1:.*]] = arith.addf %[[E]], %[[DLS]] : f32
// CHECK-NEXT:   %[[X:.*]] = arith.mulf %[[L]], %[[E2]] : f32
// CHECK-NEXT:   %[[DE2S:.*]] = arith.mulf %[[X]], %[[LN2]] : f32
// CHECK-NEXT:   %[[DS:.*]] = arith.addf %[[A1]], %[[DE2S]] : f32
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[DS]]{{$}}
func.func @exp_log(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %e2 = math.exp2 %s : f32
    %l = math.log %s : f32
    %m = arith.mulf %e2, %l : f32
    %e = math.exp %s : f32
    %r = arith.addf %m, %e : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// Reads of one element add up into one entry (two loads of a scalar, two
// index_casts of h); a read that may leave its param (bias[q_idx + 1], clamped
// to index 0 and selected to 0 as the frontend builds it) gets its derivative
// only where it is inside (the select's taken branch), at the clamped index.
// CHECK-LABEL: func.func @reads(
// CHECK: } grad {
// CHECK-NEXT: ^bb0(%score: f32, {{.*}}, %[[BP:.*]]: memref<?xf32>, %[[TP:.*]]: memref<f32>, %[[WP:.*]]: memref<4xf32>):
// CHECK-NEXT:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   %[[T1:.*]] = memref.load %[[TP]][] : memref<f32>
// CHECK:        %[[H1:.*]] = arith.index_cast %h : i32 to index
// CHECK-NEXT:   %[[W1:.*]] = memref.load %[[WP]][%[[H1]]] : memref<4xf32>
// CHECK-NEXT:   %[[H2:.*]] = arith.index_cast %h : i32 to index
// CHECK-NEXT:   %[[W2:.*]] = memref.load %[[WP]][%[[H2]]] : memref<4xf32>
// CHECK:        %[[IN:.*]] = arith.cmpi ult
// CHECK-NEXT:   %[[IDX:.*]] = arith.select %[[IN]], %{{.*}}, %{{.*}} : index
// CHECK-NEXT:   %[[BV:.*]] = memref.load %[[BP]][%[[IDX]]] : memref<?xf32>
// CHECK:        %[[V:.*]] = arith.addf
// The select's taken branch: bias's derivative is 1 where the read is inside, else 0.
// CHECK-NEXT:   %[[DB:.*]] = arith.select %[[IN]], %[[ONE]], %[[ZERO]] : f32
// score * t + t: d/d t = score + 1; w[h] * w[h]: d/d w[h] = w[h] + w[h]; d/d score = t.
// CHECK-NEXT:   %[[DT:.*]] = arith.addf %score, %[[ONE]] : f32
// CHECK-NEXT:   %[[DW:.*]] = arith.addf %[[W2]], %[[W1]] : f32
// CHECK-NEXT:   faattn.grad_yield %[[V]], %[[T1]] params(%[[DT]] -> %[[TP]][] : memref<f32>, %[[DW]] -> %[[WP]][%[[H1]]] : memref<4xf32>, %[[DB]] -> %[[BP]][%[[IDX]]] : memref<?xf32>)
// CHECK-NEXT: }
func.func @reads(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>, %bias: memref<?xf32>, %t: memref<f32>, %w: memref<4xf32>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) params(%bias, %t, %w : memref<?xf32>, memref<f32>, memref<4xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, requires_grad = array<i64: 0, 1, 2>, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %bp: memref<?xf32>, %tp: memref<f32>, %wp: memref<4xf32>):
    %t1 = memref.load %tp[] : memref<f32>
    %x1 = arith.mulf %s, %t1 : f32
    %t2 = memref.load %tp[] : memref<f32>
    %x2 = arith.addf %x1, %t2 : f32
    %h1 = arith.index_cast %h : i32 to index
    %w1 = memref.load %wp[%h1] : memref<4xf32>
    %h2 = arith.index_cast %h : i32 to index
    %w2 = memref.load %wp[%h2] : memref<4xf32>
    %ww = arith.mulf %w1, %w2 : f32
    %x3 = arith.addf %x2, %ww : f32
    %one = arith.constant 1 : i32
    %q1 = arith.addi %qi, %one : i32
    %qx = arith.index_cast %q1 : i32 to index
    %c0 = arith.constant 0 : index
    %dim = memref.dim %bp, %c0 : memref<?xf32>
    %in = arith.cmpi ult, %qx, %dim : index
    %idx = arith.select %in, %qx, %c0 : index
    %bv = memref.load %bp[%idx] : memref<?xf32>
    %zero = arith.constant 0.0 : f32
    %bsafe = arith.select %in, %bv, %zero : f32
    %r = arith.addf %x3, %bsafe : f32
    faattn.yield %r : f32
  }
  return
}

// -----

// Forward and decode ops are left alone.
// CHECK-LABEL: func.func @forward(
// CHECK-NOT: } grad {
// CHECK: return
func.func @forward(%q: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%q : memref<?x?x4x64xbf16>) v(%q : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %t = math.tanh %s : f32
    faattn.yield %t : f32
  }
  return
}
