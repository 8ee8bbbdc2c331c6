// RUN: faattn-opt %s -faattn-online-softmax | FileCheck %s

// CHECK-LABEL: func.func @update(
// CHECK-SAME: %[[S:.*]]: !faattn.tile<16x8xf32>, %[[V:.*]]: !faattn.tile<8x32xbf16>, %[[ACC:.*]]: !faattn.tile<16x32xf32>, %[[M:.*]]: !faattn.tile<16x1xf32>, %[[L:.*]]: !faattn.tile<16x1xf32>)
func.func @update(%s: !faattn.tile<16x8xf32>, %v: !faattn.tile<8x32xbf16>, %acc: !faattn.tile<16x32xf32>,
                  %m: !faattn.tile<16x1xf32>, %l: !faattn.tile<16x1xf32>)
    -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
  // m' = max(m, rowmax(s))
  // CHECK: %[[RM:.*]] = faattn.tile_reduce <max> %[[S]] : <16x8xf32> -> <16x1xf32>
  // CHECK: %[[MN:.*]] = faattn.tile_map %[[M]], %[[RM]]
  // CHECK:   arith.maximumf
  // base = m' == -inf ? 0 : m' * t
  // CHECK: %[[BASE:.*]] = faattn.tile_map %[[MN]]
  // CHECK:   %[[NI:.*]] = arith.cmpf oeq, %{{.*}}, %cst{{.*}} : f32
  // CHECK:   arith.mulf %{{.*}}, %cst{{.*}} : f32
  // CHECK:   arith.select %[[NI]]
  // p = exp2(fma(s, t, -base)): the scale folded into one multiply-add
  // CHECK: %[[P:.*]] = faattn.tile_map %[[S]], %[[BASE]] : !faattn.tile<16x8xf32>, !faattn.tile<16x1xf32> -> <16x8xf32>
  // CHECK:   %[[NB:.*]] = arith.negf
  // CHECK:   %[[C:.*]] = arith.constant 2.500000e-01 : f32
  // CHECK:   %[[FMA:.*]] = math.fma %{{.*}}, %[[C]], %[[NB]] : f32
  // CHECK:   math.exp2 %[[FMA]] : f32
  // alpha = m == -inf ? 0 : exp2((m - m') * t): exactly 1 while the max stays (not
  // exp2(fma(m, t, -base)), off 1 by the base's rounding, compounding over the blocks)
  // CHECK: %[[ALPHA:.*]] = faattn.tile_map %[[M]], %[[MN]] : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32>
  // CHECK-NEXT: ^bb0(%[[MO:.*]]: f32, %[[MW:.*]]: f32):
  // CHECK:   %[[NONE:.*]] = arith.cmpf oeq, %[[MO]], %{{.*}} : f32
  // CHECK:   %[[D:.*]] = arith.subf %[[MO]], %[[MW]] : f32
  // CHECK:   %[[T:.*]] = arith.constant 2.500000e-01 : f32
  // CHECK:   %[[DT:.*]] = arith.mulf %[[D]], %[[T]] : f32
  // CHECK:   %[[E:.*]] = math.exp2 %[[DT]] : f32
  // CHECK:   arith.select %[[NONE]], %{{.*}}, %[[E]] : f32
  // l' = fma(l, alpha, rowsum(p))
  // CHECK: %[[RS:.*]] = faattn.tile_reduce <sum> %[[P]]
  // CHECK: %[[LN:.*]] = faattn.tile_map %[[L]], %[[ALPHA]], %[[RS]]
  // CHECK:   math.fma
  // P in V's element type, then acc' = fma(acc, alpha, P V)
  // CHECK: %[[PB:.*]] = faattn.tile_map %[[P]] : !faattn.tile<16x8xf32> -> <16x8xbf16>
  // CHECK:   arith.truncf %{{.*}} : f32 to bf16
  // CHECK: %[[PV:.*]] = faattn.tile_dot %[[PB]], %[[V]] : <16x8xbf16>, <8x32xbf16> -> <16x32xf32>
  // CHECK: %[[AN:.*]] = faattn.tile_map %[[ACC]], %[[ALPHA]], %[[PV]]
  // CHECK:   math.fma
  // CHECK: return %[[AN]], %[[MN]], %[[LN]]
  // CHECK-NOT: faattn.softmax_update
  %a, %mm, %ll = faattn.softmax_update %s, %v, %acc, %m, %l {scale_log2 = 0.25 : f32} : <16x8xf32>, <8x32xbf16>, <16x32xf32>, <16x1xf32>
  return %a, %mm, %ll : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
}

// With a weight per key (V's dequantization factors, v_descale, here an argument): each row's
// largest factor magnitude W over the keys it keeps weighs the product's rows, and P * (w / W)
// (at most 1 in magnitude, P itself where the row's factors are equal) feeds the product, so
// that a small factor is not rounded among e4m3's subnormals; the row sum l' takes P itself,
// a key scored -inf (masked) contributes 0 whatever its factor (a NaN factor there is not
// read), a row of zero factors weighs 0, a row that kept no key of the block adds 0.
// CHECK-LABEL: func.func @update_weighted(
// CHECK-SAME: %[[S:.*]]: !faattn.tile<16x8xf32>, %[[V:.*]]: !faattn.tile<8x32xf8E4M3FN>, %{{.*}}: !faattn.tile<16x32xf32>, %{{.*}}: !faattn.tile<16x1xf32>, %{{.*}}: !faattn.tile<16x1xf32>, %[[W:.*]]: !faattn.tile<16x8xf32>)
func.func @update_weighted(%s: !faattn.tile<16x8xf32>, %v: !faattn.tile<8x32xf8E4M3FN>, %acc: !faattn.tile<16x32xf32>,
                  %m: !faattn.tile<16x1xf32>, %l: !faattn.tile<16x1xf32>, %w: !faattn.tile<16x8xf32>)
    -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
  // CHECK: %[[MAX:.*]] = faattn.tile_reduce <max> %[[S]]
  // CHECK: %[[P:.*]] = faattn.tile_map %[[S]], %{{.*}} : !faattn.tile<16x8xf32>, !faattn.tile<16x1xf32> -> <16x8xf32>
  // CHECK:   math.exp2
  // CHECK: %[[RS:.*]] = faattn.tile_reduce <sum> %[[P]]
  // CHECK: %[[ABS:.*]] = faattn.tile_map %[[W]], %[[S]] : !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32> -> <16x8xf32>
  // CHECK:   math.absf
  // CHECK:   arith.select
  // CHECK: %[[WROW:.*]] = faattn.tile_reduce <max> %[[ABS]] : <16x8xf32> -> <16x1xf32>
  // CHECK: %[[INV:.*]] = faattn.tile_map %[[WROW]] : !faattn.tile<16x1xf32> -> <16x1xf32>
  // CHECK:   arith.divf
  // CHECK: %[[PW:.*]] = faattn.tile_map %[[P]], %[[W]], %[[S]], %[[INV]] : !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32>, !faattn.tile<16x1xf32> -> <16x8xf32>
  // CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[SC:.*]]: f32, %[[R:.*]]: f32):
  // CHECK-NEXT:   %[[NI:.*]] = arith.constant 0xFF800000 : f32
  // CHECK-NEXT:   %[[DEAD:.*]] = arith.cmpf oeq, %[[SC]], %[[NI]] : f32
  // CHECK-NEXT:   %[[RATIO:.*]] = arith.mulf %[[Y]], %[[R]] : f32
  // CHECK-NEXT:   %[[MUL:.*]] = arith.mulf %[[X]], %[[RATIO]] : f32
  // CHECK-NEXT:   %[[Z:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK-NEXT:   %[[SEL:.*]] = arith.select %[[DEAD]], %[[Z]], %[[MUL]] : f32
  // CHECK-NEXT:   faattn.yield %[[SEL]] : f32
  // e4m3 V: P stays f32 for the product; its rows weighed by W after it.
  // CHECK: %[[PV:.*]] = faattn.tile_dot %[[PW]], %[[V]] : <16x8xf32>, <8x32xf8E4M3FN> -> <16x32xf32>
  // CHECK: faattn.tile_map %{{.*}}, %{{.*}}, %[[PV]], %[[WROW]], %[[MAX]]
  %a, %mm, %ll = faattn.softmax_update %s, %v, %acc, %m, %l weight(%w : !faattn.tile<16x8xf32>) {scale_log2 = 0.25 : f32} : <16x8xf32>, <8x32xf8E4M3FN>, <16x32xf32>, <16x1xf32>
  return %a, %mm, %ll : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
}

// A 16-bit V: the weighted P is what is rounded to V's type for the product.
// CHECK-LABEL: func.func @update_weighted_bf16(
// CHECK: %[[PW:.*]] = faattn.tile_map %[[P:.*]], %{{.*}}, %{{.*}}, %{{.*}} : !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32>, !faattn.tile<16x1xf32> -> <16x8xf32>
// CHECK: %[[PB:.*]] = faattn.tile_map %[[PW]] : !faattn.tile<16x8xf32> -> <16x8xbf16>
// CHECK: faattn.tile_dot %[[PB]], %{{.*}} : <16x8xbf16>, <8x32xbf16> -> <16x32xf32>
func.func @update_weighted_bf16(%s: !faattn.tile<16x8xf32>, %v: !faattn.tile<8x32xbf16>, %acc: !faattn.tile<16x32xf32>,
                  %m: !faattn.tile<16x1xf32>, %l: !faattn.tile<16x1xf32>, %w: !faattn.tile<16x8xf32>)
    -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
  %a, %mm, %ll = faattn.softmax_update %s, %v, %acc, %m, %l weight(%w : !faattn.tile<16x8xf32>) {scale_log2 = 0.25 : f32} : <16x8xf32>, <8x32xbf16>, <16x32xf32>, <16x1xf32>
  return %a, %mm, %ll : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
}

// A weight the same for every key of a row (faattn-tile's tile_score over ones whose region
// reads neither the score nor kv_idx: v_descale = vs[b, h]): P enters the product unweighted
// (the FP8 wgmma rounds it to e4m3 alone, not P * w among e4m3's subnormals), the row's factor
// is the max of the weight at the kept keys (a masked column's, which the region yields as 1
// outside the sequence, left out), and it weighs the product's rows; a row that kept no key
// of the block (its max -inf) adds 0 whatever its factor.
// CHECK-LABEL: func.func @update_row_weighted(
// CHECK-SAME: %[[S:[a-z0-9_]+]]: !faattn.tile<16x8xf32>, %[[V:[a-z0-9_]+]]: !faattn.tile<8x32xf8E4M3FN>
// CHECK: %[[W:.*]] = faattn.tile_score
// CHECK: %[[MAX:.*]] = faattn.tile_reduce <max> %[[S]]
// CHECK: %[[P:.*]] = faattn.tile_map %[[S]], %{{.*}} : !faattn.tile<16x8xf32>, !faattn.tile<16x1xf32> -> <16x8xf32>
// CHECK:   math.exp2
// CHECK: %[[KEPT:.*]] = faattn.tile_map %[[W]], %[[S]] : !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32> -> <16x8xf32>
// CHECK:   arith.cmpf oeq
// CHECK:   arith.select
// CHECK: %[[WROW:.*]] = faattn.tile_reduce <max> %[[KEPT]] : <16x8xf32> -> <16x1xf32>
// CHECK: %[[PV:.*]] = faattn.tile_dot %[[P]], %[[V]] : <16x8xf32>, <8x32xf8E4M3FN> -> <16x32xf32>
// CHECK: faattn.tile_map %{{.*}}, %{{.*}}, %[[PV]], %[[WROW]], %[[MAX]] : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x32xf32>
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32, %[[ALPHA:.*]]: f32, %[[X:.*]]: f32, %[[WR:.*]]: f32, %[[MR:.*]]: f32):
// CHECK-NEXT:   %[[NI:.*]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT:   %[[NONE:.*]] = arith.cmpf oeq, %[[MR]], %[[NI]] : f32
// CHECK-NEXT:   %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:   %[[XW:.*]] = arith.mulf %[[X]], %[[WR]] : f32
// CHECK-NEXT:   %[[SEL:.*]] = arith.select %[[NONE]], %[[Z]], %[[XW]] : f32
// CHECK-NEXT:   %[[R:.*]] = math.fma %[[ACC]], %[[ALPHA]], %[[SEL]] : f32
func.func @update_row_weighted(%s: !faattn.tile<16x8xf32>, %v: !faattn.tile<8x32xf8E4M3FN>,
                  %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>, %l: !faattn.tile<16x1xf32>,
                  %ones: !faattn.tile<16x8xf32>, %bi: i32, %hi: i32, %r0: i32, %c0: i32, %sq: i32,
                  %skv: i32, %vs: memref<?x2xf32>)
    -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
  %w = faattn.tile_score %ones at[%bi, %hi, %r0, %c0] seq[%sq, %skv] params(%vs : memref<?x2xf32>) {scale = 1.000000e+00 : f32} : <16x8xf32> {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %t: memref<?x2xf32>):
    %bx = arith.index_cast %b : i32 to index
    %hx = arith.index_cast %h : i32 to index
    %f = memref.load %t[%bx, %hx] : memref<?x2xf32>
    faattn.yield %f : f32
  }
  %a, %mm, %ll = faattn.softmax_update %s, %v, %acc, %m, %l weight(%w : !faattn.tile<16x8xf32>) {scale_log2 = 0.25 : f32} : <16x8xf32>, <8x32xf8E4M3FN>, <16x32xf32>, <16x1xf32>
  return %a, %mm, %ll : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
}

// A weight per key (its region reads kv_idx: v_descale = vs[b, kv_idx]): P * (w / W) feeds the
// product, as for @update_weighted.
// CHECK-LABEL: func.func @update_key_weighted(
// CHECK: %[[PW:.*]] = faattn.tile_map %[[P:.*]], %{{.*}}, %{{.*}}, %{{.*}} : !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32>, !faattn.tile<16x8xf32>, !faattn.tile<16x1xf32> -> <16x8xf32>
// CHECK: faattn.tile_dot %[[PW]], %{{.*}} : <16x8xf32>, <8x32xf8E4M3FN> -> <16x32xf32>
func.func @update_key_weighted(%s: !faattn.tile<16x8xf32>, %v: !faattn.tile<8x32xf8E4M3FN>,
                  %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>, %l: !faattn.tile<16x1xf32>,
                  %ones: !faattn.tile<16x8xf32>, %bi: i32, %hi: i32, %r0: i32, %c0: i32, %sq: i32,
                  %skv: i32, %vs: memref<?x?xf32>)
    -> (!faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
  %w = faattn.tile_score %ones at[%bi, %hi, %r0, %c0] seq[%sq, %skv] params(%vs : memref<?x?xf32>) {scale = 1.000000e+00 : f32} : <16x8xf32> {
  ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %t: memref<?x?xf32>):
    %bx = arith.index_cast %b : i32 to index
    %kx = arith.index_cast %kv_idx : i32 to index
    %f = memref.load %t[%bx, %kx] : memref<?x?xf32>
    faattn.yield %f : f32
  }
  %a, %mm, %ll = faattn.softmax_update %s, %v, %acc, %m, %l weight(%w : !faattn.tile<16x8xf32>) {scale_log2 = 0.25 : f32} : <16x8xf32>, <8x32xf8E4M3FN>, <16x32xf32>, <16x1xf32>
  return %a, %mm, %ll : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
}

// CHECK-LABEL: func.func @finalize(
// CHECK-SAME: %[[ACC:.*]]: !faattn.tile<16x32xf32>, %[[M:.*]]: !faattn.tile<16x1xf32>, %[[L:.*]]: !faattn.tile<16x1xf32>)
func.func @finalize(%acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>, %l: !faattn.tile<16x1xf32>)
    -> (!faattn.tile<16x32xf16>, !faattn.tile<16x1xf32>) {
  // out = l == 0 ? 0 : acc / l, in the output's element type (l == 0, not l > 0: a NaN l
  // gives a NaN out, never a 0 that looks like a fully masked row)
  // CHECK: %[[OUT:.*]] = faattn.tile_map %[[ACC]], %[[L]] : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32> -> <16x32xf16>
  // CHECK:   %[[NONE:.*]] = arith.cmpf oeq
  // CHECK:   %[[Q:.*]] = arith.divf
  // CHECK:   %[[SEL:.*]] = arith.select %[[NONE]], %{{.*}}, %[[Q]] : f32
  // CHECK:   arith.truncf %[[SEL]] : f32 to f16
  // lse = l == 0 ? -inf : fma(m, t, log2 l) * ln 2
  // CHECK: %[[LSE:.*]] = faattn.tile_map %[[M]], %[[L]]
  // CHECK:   %[[NONE2:.*]] = arith.cmpf oeq
  // CHECK:   math.log2
  // CHECK:   math.fma
  // CHECK:   arith.constant 0.693147182 : f32
  // CHECK:   %[[LN:.*]] = arith.mulf
  // CHECK:   %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK:   arith.select %[[NONE2]], %[[NEGINF]], %[[LN]] : f32
  // CHECK: return %[[OUT]], %[[LSE]]
  %o, %lse = faattn.softmax_finalize %acc, %m, %l {scale_log2 = 0.25 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xf16>
  return %o, %lse : !faattn.tile<16x32xf16>, !faattn.tile<16x1xf32>
}

// CHECK-LABEL: func.func @finalize_descale(
// CHECK-SAME: %[[ACC:.*]]: !faattn.tile<16x32xf32>, %[[M:.*]]: !faattn.tile<16x1xf32>, %[[L:.*]]: !faattn.tile<16x1xf32>, %[[D:.*]]: !faattn.tile<16x32xf32>)
func.func @finalize_descale(%acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>,
                            %l: !faattn.tile<16x1xf32>, %d: !faattn.tile<16x32xf32>)
    -> (!faattn.tile<16x32xf8E4M3FN>, !faattn.tile<16x1xf32>) {
  // An e4m3 output: (l == 0 ? 0 : acc / l) / descale, saturated at the largest finite e4m3
  // (minimumf / maximumf: a NaN stays NaN), then converted.
  // CHECK: %[[OUT:.*]] = faattn.tile_map %[[ACC]], %[[L]], %[[D]] : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x32xf32> -> <16x32xf8E4M3FN>
  // CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[S:.*]]: f32, %[[F:.*]]: f32):
  // CHECK:   %[[NONE:.*]] = arith.cmpf oeq, %[[S]]
  // CHECK:   %[[Q:.*]] = arith.divf %[[A]], %[[S]]
  // CHECK:   %[[SEL:.*]] = arith.select %[[NONE]], %{{.*}}, %[[Q]] : f32
  // CHECK:   %[[X:.*]] = arith.divf %[[SEL]], %[[F]] : f32
  // CHECK:   %[[MAX:.*]] = arith.constant 4.480000e+02 : f32
  // CHECK:   %[[LO:.*]] = arith.minimumf %[[X]], %[[MAX]] : f32
  // CHECK:   %[[MIN:.*]] = arith.constant -4.480000e+02 : f32
  // CHECK:   %[[SAT:.*]] = arith.maximumf %[[LO]], %[[MIN]] : f32
  // CHECK:   arith.truncf %[[SAT]] : f32 to f8E4M3FN
  // CHECK: return %[[OUT]]
  %o, %lse = faattn.softmax_finalize %acc, %m, %l descale %d : !faattn.tile<16x32xf32> {scale_log2 = 0.25 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xf8E4M3FN>
  return %o, %lse : !faattn.tile<16x32xf8E4M3FN>, !faattn.tile<16x1xf32>
}

// Folded row factors (faattn-fold-row-factors): each row's exponent factor is
// t = scale_log2 * row_scale, computed once (a 16x1 map), and every use of t reads
// it: base = m' * t, p = exp2(fma(s, t, -base)) (still one multiply-add a score),
// alpha = exp2((m - m') * t), lse = fma(m, t, log2 l) ln 2. out_scale (V's factor of
// the row) multiplies acc / l before the select, so a row that kept no key stays 0.
// CHECK-LABEL: func.func @row_scale(
// CHECK-SAME: %[[S:.*]]: !faattn.tile<16x8xf32>, %[[V:.*]]: !faattn.tile<8x32xbf16>, %[[ACC:.*]]: !faattn.tile<16x32xf32>, %[[M:.*]]: !faattn.tile<16x1xf32>, %[[L:.*]]: !faattn.tile<16x1xf32>, %[[R:.*]]: !faattn.tile<16x1xf32>, %[[W:.*]]: !faattn.tile<16x1xf32>)
func.func @row_scale(%s: !faattn.tile<16x8xf32>, %v: !faattn.tile<8x32xbf16>,
                     %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>,
                     %l: !faattn.tile<16x1xf32>, %r: !faattn.tile<16x1xf32>,
                     %w: !faattn.tile<16x1xf32>)
    -> (!faattn.tile<16x32xbf16>, !faattn.tile<16x1xf32>) {
  // CHECK: %[[T:.*]] = faattn.tile_map %[[R]] : !faattn.tile<16x1xf32> -> <16x1xf32>
  // CHECK:   %[[C:.*]] = arith.constant 2.500000e-01 : f32
  // CHECK:   arith.mulf %{{.*}}, %[[C]] : f32
  // CHECK: %[[MN:.*]] = faattn.tile_map %[[M]], %{{.*}}
  // CHECK: %[[BASE:.*]] = faattn.tile_map %[[MN]], %[[T]] : !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x1xf32>
  // CHECK-NEXT: ^bb0(%[[BM:.*]]: f32, %[[BT:.*]]: f32):
  // CHECK:   arith.mulf %[[BM]], %[[BT]] : f32
  // CHECK: %[[P:.*]] = faattn.tile_map %[[S]], %[[BASE]], %[[T]] : !faattn.tile<16x8xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x8xf32>
  // CHECK-NEXT: ^bb0(%[[PS:.*]]: f32, %[[PB:.*]]: f32, %[[PT:.*]]: f32):
  // CHECK:   %[[NB:.*]] = arith.negf %[[PB]]
  // CHECK:   %[[FMA:.*]] = math.fma %[[PS]], %[[PT]], %[[NB]] : f32
  // CHECK:   math.exp2 %[[FMA]] : f32
  // CHECK: faattn.tile_map %[[M]], %[[MN]], %[[T]]
  // CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %[[AT:.*]]: f32):
  // CHECK:   arith.mulf %{{.*}}, %[[AT]] : f32
  // CHECK:   math.exp2
  %a, %m2, %l2 = faattn.softmax_update %s, %v, %acc, %m, %l row_scale(%r : !faattn.tile<16x1xf32>) {scale_log2 = 0.25 : f32} : <16x8xf32>, <8x32xbf16>, <16x32xf32>, <16x1xf32>
  // CHECK: %[[T2:.*]] = faattn.tile_map %[[R]] : !faattn.tile<16x1xf32> -> <16x1xf32>
  // CHECK: %[[OUT:.*]] = faattn.tile_map %{{.*}}, %{{.*}}, %[[W]] : !faattn.tile<16x32xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32> -> <16x32xbf16>
  // CHECK-NEXT: ^bb0(%[[OA:.*]]: f32, %[[OL:.*]]: f32, %[[OW:.*]]: f32):
  // CHECK:   %[[NONE:.*]] = arith.cmpf oeq, %[[OL]]
  // CHECK:   %[[Q:.*]] = arith.divf %[[OA]], %[[OL]]
  // CHECK:   %[[QW:.*]] = arith.mulf %[[Q]], %[[OW]] : f32
  // CHECK:   arith.select %[[NONE]], %{{.*}}, %[[QW]] : f32
  // CHECK: %[[LSE:.*]] = faattn.tile_map %{{.*}}, %{{.*}}, %[[T2]]
  // CHECK-NEXT: ^bb0(%[[LM:.*]]: f32, %[[LL:.*]]: f32, %[[LT:.*]]: f32):
  // CHECK:   %[[LOG:.*]] = math.log2 %[[LL]]
  // CHECK:   math.fma %[[LM]], %[[LT]], %[[LOG]] : f32
  %o, %lse = faattn.softmax_finalize %a, %m2, %l2 row_scale(%r : !faattn.tile<16x1xf32>) out_scale(%w : !faattn.tile<16x1xf32>) {scale_log2 = 0.25 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
  return %o, %lse : !faattn.tile<16x32xbf16>, !faattn.tile<16x1xf32>
}
