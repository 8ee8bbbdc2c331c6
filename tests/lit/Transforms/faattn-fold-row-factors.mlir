// RUN: faattn-opt %s -split-input-file -faattn-fold-row-factors | FileCheck %s

// q_descale per (batch, head) and k_descale per tensor (SpecToIR's guarded
// factors) leave the score: their product, once before the loop as a rows
// tile_score over 64x1, is the row_scale of softmax_update and
// softmax_finalize (clamped below at 2^-100), the softmax scale 0.125 moves
// into scale_log2 (1.44269502 * 0.125), and the tile_score goes. V's factor
// per (batch, head) becomes softmax_finalize's out_scale: no weight is left.

// CHECK-LABEL: func.func @per_head(
// CHECK:      %[[ONES:.*]] = faattn.tile_splat 1.000000e+00 : <64x1xf32>
// CHECK:      %[[R:.*]] = faattn.tile_score %[[ONES]] at[{{.*}}, %c0_i32] {{.*}} {rows, scale = 1.000000e+00 : f32} : <64x1xf32> {
// CHECK:        %[[QS:.*]] = memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<?x2xf32>
// CHECK:        %[[QG:.*]] = arith.select %{{.*}}, %{{.*}}, %[[QS]] : f32
// CHECK:        %[[KS:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK:        %[[KG:.*]] = arith.select %{{.*}}, %{{.*}}, %[[KS]] : f32
// CHECK:        %[[P:.*]] = arith.mulf %[[QG]], %[[KG]] : f32
// CHECK-NEXT:   faattn.yield %[[P]] : f32
// CHECK:      %[[RS:.*]] = faattn.tile_map %[[R]] : !faattn.tile<64x1xf32> -> <64x1xf32> {
// CHECK:        arith.constant 7.88860905E-31 : f32
// CHECK:        arith.maximumf
// CHECK:      %[[VONES:.*]] = faattn.tile_splat 1.000000e+00 : <64x1xf32>
// CHECK:      %[[W:.*]] = faattn.tile_score %[[VONES]] {{.*}} {rows, scale = 1.000000e+00 : f32} : <64x1xf32> {
// CHECK:        memref.load %{{.*}} : memref<?x2xf32>
// CHECK:      scf.for
// CHECK:        %[[S:.*]] = faattn.tile_dot
// CHECK-NOT:    faattn.tile_score
// CHECK:        %[[M:.*]] = faattn.tile_mask %[[S]]
// CHECK-NOT:    faattn.tile_score
// CHECK:        faattn.softmax_update %[[M]], %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} row_scale(%[[RS]] : !faattn.tile<64x1xf32>) {scale_log2 = 0.180336878 : f32}
// CHECK:      faattn.softmax_finalize {{.*}} row_scale(%[[RS]] : !faattn.tile<64x1xf32>) out_scale(%[[W]] : !faattn.tile<64x1xf32>) {scale_log2 = 0.180336878 : f32}
func.func @per_head(%q: !faattn.tile<64x64xf8E4M3FN>, %k: memref<?x?x2x64xf8E4M3FN>,
                    %v: memref<?x?x2x64xf8E4M3FN>, %qs: memref<?x2xf32>, %ks: memref<f32>,
                    %vs: memref<?x2xf32>, %bi: index, %hi: index, %n: index, %b: i32,
                    %h: i32, %row: i32, %sq: i32, %skv: i32)
    -> (!faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %acc0 = faattn.tile_splat 0.000000e+00 : <64x64xf32>
  %m0 = faattn.tile_splat 0xFF800000 : <64x1xf32>
  %l0 = faattn.tile_splat 0.000000e+00 : <64x1xf32>
  %r:3 = scf.for %kb = %c0 to %n step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0)
      -> (!faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>) {
    %col = arith.muli %kb, %c64 : index
    %col32 = arith.index_cast %col : index to i32
    %kt = faattn.tile_load %k[%bi, %hi, %col] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <64x64xf8E4M3FN>
    %s = faattn.tile_dot %q, %kt {transpose_rhs} : <64x64xf8E4M3FN>, <64x64xf8E4M3FN> -> <64x64xf32>
    %sc = faattn.tile_score %s at[%b, %h, %row, %col32] seq[%sq, %skv] params(%ks, %qs, %vs : memref<f32>, memref<?x2xf32>, memref<?x2xf32>) {scale = 1.250000e-01 : f32} : <64x64xf32> {
    ^bb0(%score: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %sqq: i32, %skk: i32, %pks: memref<f32>, %pqs: memref<?x2xf32>, %pvs: memref<?x2xf32>):
      %i0 = arith.index_cast %bb : i32 to index
      %i1 = arith.index_cast %hh : i32 to index
      %x = memref.load %pqs[%i0, %i1] : memref<?x2xf32>
      %zero = arith.constant 0.000000e+00 : f32
      %neg = arith.cmpf olt, %x, %zero : f32
      %nan = arith.constant 0x7FC00000 : f32
      %xg = arith.select %neg, %nan, %x : f32
      %s1 = arith.mulf %score, %xg : f32
      %y = memref.load %pks[] : memref<f32>
      %zero2 = arith.constant 0.000000e+00 : f32
      %neg2 = arith.cmpf olt, %y, %zero2 : f32
      %nan2 = arith.constant 0x7FC00000 : f32
      %yg = arith.select %neg2, %nan2, %y : f32
      %s2 = arith.mulf %s1, %yg : f32
      faattn.yield %s2 : f32
    }
    %mk = faattn.tile_mask %sc at[%b, %h, %row, %col32] seq[%sq, %skv] params(%ks, %qs, %vs : memref<f32>, memref<?x2xf32>, memref<?x2xf32>) : <64x64xf32>
    %vt = faattn.tile_load %v[%bi, %hi, %col] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <64x64xf8E4M3FN>
    %ones = faattn.tile_splat 1.000000e+00 : <64x64xf32>
    %w = faattn.tile_score %ones at[%b, %h, %row, %col32] seq[%sq, %skv] params(%ks, %qs, %vs : memref<f32>, memref<?x2xf32>, memref<?x2xf32>) {scale = 1.000000e+00 : f32} : <64x64xf32> {
    ^bb0(%score: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %sqq: i32, %skk: i32, %pks: memref<f32>, %pqs: memref<?x2xf32>, %pvs: memref<?x2xf32>):
      %i0 = arith.index_cast %bb : i32 to index
      %i1 = arith.index_cast %hh : i32 to index
      %z = memref.load %pvs[%i0, %i1] : memref<?x2xf32>
      faattn.yield %z : f32
    }
    %na, %nm, %nl = faattn.softmax_update %mk, %vt, %acc, %m, %l weight(%w : !faattn.tile<64x64xf32>) {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x64xf8E4M3FN>, <64x64xf32>, <64x1xf32>
    scf.yield %na, %nm, %nl : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>
  }
  %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x1xf32> -> <64x64xbf16>
  return %out, %lse : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32>
}

// -----

// Factors per key stay: k_descale per key (it reads kv_idx) is left in the
// score, whose scale is now 1 (0.125 is in scale_log2); q_descale per row
// (q_idx) and the positive constant 0.5 fold. V's factor per key stays
// softmax_update's weight.

// CHECK-LABEL: func.func @per_key(
// CHECK:      %[[R:.*]] = faattn.tile_score {{.*}} {rows, scale = 1.000000e+00 : f32} : <64x1xf32> {
// CHECK:        %[[QS:.*]] = memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<?x?xf32>
// CHECK:        %[[QG:.*]] = arith.select %{{.*}}, %{{.*}}, %[[QS]] : f32
// CHECK:        %[[P:.*]] = arith.mulf %[[QG]], %{{.*}} : f32
// CHECK-NEXT:   faattn.yield %[[P]] : f32
// CHECK:      %[[RS:.*]] = faattn.tile_map %[[R]]
// CHECK:      scf.for
// CHECK:        %[[SC:.*]] = faattn.tile_score %{{.*}} {scale = 1.000000e+00 : f32} : <64x64xf32> {
// CHECK:          %[[KS:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xf32>
// CHECK:          %[[KG:.*]] = arith.select %{{.*}}, %{{.*}}, %[[KS]] : f32
// CHECK-NEXT:     %[[S1:.*]] = arith.mulf %score, %[[KG]] : f32
// CHECK-NEXT:     faattn.yield %[[S1]] : f32
// CHECK:        faattn.softmax_update {{.*}} weight(%{{.*}} : !faattn.tile<64x64xf32>) row_scale(%[[RS]] : !faattn.tile<64x1xf32>) {scale_log2 = 0.180336878 : f32}
// CHECK:      faattn.softmax_finalize {{.*}} row_scale(%[[RS]] : !faattn.tile<64x1xf32>) {scale_log2 = 0.180336878 : f32}
// CHECK-NOT:  out_scale
func.func @per_key(%q: !faattn.tile<64x64xf8E4M3FN>, %k: memref<?x?x2x64xf8E4M3FN>,
                   %v: memref<?x?x2x64xf8E4M3FN>, %qs: memref<?x?xf32>, %ks: memref<?xf32>,
                   %bi: index, %hi: index, %n: index, %b: i32, %h: i32, %row: i32, %sq: i32,
                   %skv: i32) -> (!faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %acc0 = faattn.tile_splat 0.000000e+00 : <64x64xf32>
  %m0 = faattn.tile_splat 0xFF800000 : <64x1xf32>
  %l0 = faattn.tile_splat 0.000000e+00 : <64x1xf32>
  %r:3 = scf.for %kb = %c0 to %n step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0)
      -> (!faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>) {
    %col = arith.muli %kb, %c64 : index
    %col32 = arith.index_cast %col : index to i32
    %kt = faattn.tile_load %k[%bi, %hi, %col] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <64x64xf8E4M3FN>
    %s = faattn.tile_dot %q, %kt {transpose_rhs} : <64x64xf8E4M3FN>, <64x64xf8E4M3FN> -> <64x64xf32>
    %sc = faattn.tile_score %s at[%b, %h, %row, %col32] seq[%sq, %skv] params(%qs, %ks : memref<?x?xf32>, memref<?xf32>) {scale = 1.250000e-01 : f32} : <64x64xf32> {
    ^bb0(%score: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %sqq: i32, %skk: i32, %pqs: memref<?x?xf32>, %pks: memref<?xf32>):
      %i0 = arith.index_cast %bb : i32 to index
      %i1 = arith.index_cast %qi : i32 to index
      %x = memref.load %pqs[%i0, %i1] : memref<?x?xf32>
      %zero = arith.constant 0.000000e+00 : f32
      %neg = arith.cmpf olt, %x, %zero : f32
      %nan = arith.constant 0x7FC00000 : f32
      %xg = arith.select %neg, %nan, %x : f32
      %s1 = arith.mulf %score, %xg : f32
      %i2 = arith.index_cast %ki : i32 to index
      %y = memref.load %pks[%i2] : memref<?xf32>
      %neg2 = arith.cmpf olt, %y, %zero : f32
      %yg = arith.select %neg2, %nan, %y : f32
      %s2 = arith.mulf %s1, %yg : f32
      %half = arith.constant 5.000000e-01 : f32
      %s3 = arith.mulf %half, %s2 : f32
      faattn.yield %s3 : f32
    }
    %mk = faattn.tile_mask %sc at[%b, %h, %row, %col32] seq[%sq, %skv] params(%qs, %ks : memref<?x?xf32>, memref<?xf32>) : <64x64xf32>
    %vt = faattn.tile_load %v[%bi, %hi, %col] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <64x64xf8E4M3FN>
    %ones = faattn.tile_splat 1.000000e+00 : <64x64xf32>
    %w = faattn.tile_score %ones at[%b, %h, %row, %col32] seq[%sq, %skv] params(%qs, %ks : memref<?x?xf32>, memref<?xf32>) {scale = 1.000000e+00 : f32} : <64x64xf32> {
    ^bb0(%score: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %sqq: i32, %skk: i32, %pqs: memref<?x?xf32>, %pks: memref<?xf32>):
      %i2 = arith.index_cast %ki : i32 to index
      %z = memref.load %pks[%i2] : memref<?xf32>
      faattn.yield %z : f32
    }
    %na, %nm, %nl = faattn.softmax_update %mk, %vt, %acc, %m, %l weight(%w : !faattn.tile<64x64xf32>) {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x64xf8E4M3FN>, <64x64xf32>, <64x1xf32>
    scf.yield %na, %nm, %nl : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>
  }
  %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x1xf32> -> <64x64xbf16>
  return %out, %lse : !faattn.tile<64x64xbf16>, !faattn.tile<64x1xf32>
}

// -----

// What does not fold: a score that is not the score times factors (softcap:
// tanh), and factors not >= 0 by construction (a param temperature, a
// negative constant). Nothing changes.

// CHECK-LABEL: func.func @unfolded(
// CHECK-NOT:  rows
// CHECK:      faattn.tile_score %{{.*}} {scale = 1.250000e-01 : f32}
// CHECK:        math.tanh
// CHECK:      faattn.tile_score %{{.*}} {scale = 1.250000e-01 : f32}
// CHECK:        memref.load
// CHECK:        arith.mulf %score
// CHECK:        arith.constant -2.000000e+00 : f32
// CHECK:        arith.mulf
// CHECK-NOT:  row_scale
// CHECK:      return
func.func @unfolded(%s0: !faattn.tile<64x64xf32>, %s1: !faattn.tile<64x64xf32>,
                    %vt: !faattn.tile<64x64xbf16>, %temp: memref<f32>, %n: index, %b: i32,
                    %h: i32, %row: i32, %sq: i32, %skv: i32)
    -> (!faattn.tile<64x64xbf16>, !faattn.tile<64x64xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %acc0 = faattn.tile_splat 0.000000e+00 : <64x64xf32>
  %m0 = faattn.tile_splat 0xFF800000 : <64x1xf32>
  %l0 = faattn.tile_splat 0.000000e+00 : <64x1xf32>
  %r:3 = scf.for %kb = %c0 to %n step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0)
      -> (!faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>) {
    %col32 = arith.index_cast %kb : index to i32
    %sc = faattn.tile_score %s0 at[%b, %h, %row, %col32] seq[%sq, %skv] params(%temp : memref<f32>) {scale = 1.250000e-01 : f32} : <64x64xf32> {
    ^bb0(%score: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %sqq: i32, %skk: i32, %pt: memref<f32>):
      %c30 = arith.constant 3.000000e+01 : f32
      %x = arith.divf %score, %c30 : f32
      %t = math.tanh %x : f32
      %y = arith.mulf %t, %c30 : f32
      faattn.yield %y : f32
    }
    %mk = faattn.tile_mask %sc at[%b, %h, %row, %col32] seq[%sq, %skv] params(%temp : memref<f32>) : <64x64xf32>
    %na, %nm, %nl = faattn.softmax_update %mk, %vt, %acc, %m, %l {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x64xbf16>, <64x64xf32>, <64x1xf32>
    scf.yield %na, %nm, %nl : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>
  }
  %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x1xf32> -> <64x64xbf16>
  %r2:3 = scf.for %kb = %c0 to %n step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0)
      -> (!faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>) {
    %col32 = arith.index_cast %kb : index to i32
    %sc = faattn.tile_score %s1 at[%b, %h, %row, %col32] seq[%sq, %skv] params(%temp : memref<f32>) {scale = 1.250000e-01 : f32} : <64x64xf32> {
    ^bb0(%score: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %sqq: i32, %skk: i32, %pt: memref<f32>):
      %t = memref.load %pt[] : memref<f32>
      %x = arith.mulf %score, %t : f32
      %c = arith.constant -2.000000e+00 : f32
      %y = arith.mulf %x, %c : f32
      faattn.yield %y : f32
    }
    %mk = faattn.tile_mask %sc at[%b, %h, %row, %col32] seq[%sq, %skv] params(%temp : memref<f32>) : <64x64xf32>
    %na, %nm, %nl = faattn.softmax_update %mk, %vt, %acc, %m, %l {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x64xbf16>, <64x64xf32>, <64x1xf32>
    scf.yield %na, %nm, %nl : !faattn.tile<64x64xf32>, !faattn.tile<64x1xf32>, !faattn.tile<64x1xf32>
  }
  %out2, %lse2 = faattn.softmax_finalize %r2#0, %r2#1, %r2#2 {scale_log2 = 1.44269502 : f32} : <64x64xf32>, <64x1xf32> -> <64x64xbf16>
  return %out, %out2 : !faattn.tile<64x64xbf16>, !faattn.tile<64x64xbf16>
}
