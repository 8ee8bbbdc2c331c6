// RUN: faattn-opt %s -split-input-file -faattn-tile -verify-diagnostics | FileCheck %s

// faattn-tile materializes each attention op at its block sizes (`tile`, which the spec
// or faattn-tune gives): the grid, the KV loop and the tile ops.
// The whole structure, GQA 8:2 with a mask and a score modification.
// CHECK-LABEL: func.func @structure(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: memref<?x?x8x64xbf16>, %[[K:[a-z0-9]+]]: memref<?x?x2x64xbf16>, %[[V:[a-z0-9]+]]: memref<?x?x2x32xbf16>, %[[O:[a-z0-9]+]]: memref<?x?x8x32xbf16>, %[[LSE:[a-z0-9]+]]: memref<?x8x?xf32>, %[[P:[a-z0-9]+]]: memref<8xf32>
// CHECK-DAG: %[[B:.*]] = memref.dim %[[Q]], %c0
// CHECK-DAG: %[[SQ:.*]] = memref.dim %[[Q]], %c1
// CHECK-DAG: %[[SKV:.*]] = memref.dim %[[K]], %c1
// CHECK: %[[NQ:.*]] = arith.ceildivui %[[SQ]], %c64
// CHECK: %[[NKV:.*]] = arith.ceildivui %[[SKV]], %c32
// CHECK: scf.forall (%[[BI:.*]], %[[HI:.*]], %[[QB:.*]]) in (%[[B]], 8, %[[NQ]]) {
// CHECK:   %[[HKV:.*]] = arith.divui %[[HI]], %c4
// CHECK:   %[[ROW:.*]] = arith.muli %[[QB]], %c64
// CHECK:   %[[QT:.*]] = faattn.tile_load %[[Q]][%[[BI]], %[[HI]], %[[ROW]]] <bshd> : memref<?x?x8x64xbf16> -> <64x64xbf16>
// CHECK:   faattn.tile_splat 0.000000e+00 : <64x32xf32>
// CHECK:   faattn.tile_splat 0xFF800000 : <64x1xf32>
// CHECK:   faattn.tile_splat 0.000000e+00 : <64x1xf32>
// CHECK:   %[[R:.*]]:3 = scf.for %[[KB:.*]] = %{{.*}} to %[[NKV]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}})
// CHECK:     %[[COL:.*]] = arith.muli %[[KB]], %c32
// CHECK:     %[[KT:.*]] = faattn.tile_load %[[K]][%[[BI]], %[[HKV]], %[[COL]]] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
// CHECK:     %[[S:.*]] = faattn.tile_dot %[[QT]], %[[KT]] {transpose_rhs} : <64x64xbf16>, <32x64xbf16> -> <64x32xf32>
// CHECK:     %[[S1:.*]] = faattn.tile_score %[[S]] at[{{.*}}] seq[{{.*}}] params(%[[P]] : memref<8xf32>) {scale = 1.250000e-01 : f32}
// CHECK:       math.tanh
// CHECK:     %[[S2:.*]] = faattn.tile_mask %[[S1]] at[{{.*}}] seq[{{.*}}] params(%[[P]] : memref<8xf32>)
// CHECK:       arith.cmpi sge
// CHECK:     %[[VT:.*]] = faattn.tile_load %[[V]][%[[BI]], %[[HKV]], %[[COL]]] <bshd> : memref<?x?x2x32xbf16> -> <32x32xbf16>
// Without a score modification the scale would be folded here; with one, scale_log2 = log2(e).
// CHECK:     faattn.softmax_update %[[S2]], %[[VT]], %[[ACC]], %[[M]], %[[L]] {scale_log2 = 1.44269502 : f32}
// CHECK:   } {faattn.kv_loop}
// CHECK:   %out, %lse = faattn.softmax_finalize %[[R]]#0, %[[R]]#1, %[[R]]#2 {scale_log2 = 1.44269502 : f32} : <64x32xf32>, <64x1xf32> -> <64x32xbf16>
// CHECK:   faattn.tile_store %out, %[[O]][%[[BI]], %[[HI]], %[[ROW]]] <bshd>
// CHECK:   faattn.tile_store %lse, %[[LSE]][%[[BI]], %[[HI]], %[[ROW]]] <bshd>
// CHECK: } {faattn.grid}
// CHECK-NOT: faattn.attention
func.func @structure(%q: memref<?x?x8x64xbf16>, %k: memref<?x?x2x64xbf16>, %v: memref<?x?x2x32xbf16>, %o: memref<?x?x8x32xbf16>, %lse: memref<?x8x?xf32>, %p: memref<8xf32>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x8x64xbf16>) k(%k : memref<?x?x2x64xbf16>) v(%v : memref<?x?x2x32xbf16>) out(%o : memref<?x?x8x32xbf16>) lse(%lse : memref<?x8x?xf32>) params(%p : memref<8xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<8xf32>):
    %t = math.tanh %s : f32
    faattn.yield %t : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %pp: memref<8xf32>):
    %m = arith.cmpi sge, %qi, %ki : i32
    faattn.yield %m : i1
  }
  return
}

// -----

// Identity score: no tile_score, and the softmax scale folds into scale_log2 = scale * log2(e).
// CHECK-LABEL: func.func @folded_scale(
// CHECK-NOT: faattn.tile_score
// CHECK: faattn.tile_mask %{{.*}} : <128x176xf32>
// CHECK-NOT: ^bb0
// CHECK: faattn.softmax_update {{.*}}{scale_log2 = 0.180336878 : f32}
func.func @folded_scale(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 0.125 : f32, tile = array<i64: 128, 176>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Without block sizes there is nothing to materialize: an error (faattn-tune runs first).
func.func @untiled(%q: memref<?x?x4x64xbf16>, %k: memref<?x?x4x64xbf16>, %v: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) attributes {faattn.target = "sm_90a"} {
  // expected-error @+1 {{'faattn.attention' op has no tile (block sizes): faattn-tune chooses them}}
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%k : memref<?x?x4x64xbf16>) v(%v : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// GQA packing (head_group = 4, faattn-tune's for decode): the grid runs over the 2 KV groups,
// its q-blocks are 64 / 4 = 16 rows of each of the group's 4 query heads (first head g * 4);
// the Q load, the mask and the stores carry the head group, K and V are the group's.
// CHECK-LABEL: func.func @packed(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: memref<?x?x8x64xbf16>, %[[K:[a-z0-9]+]]: memref<?x?x2x64xbf16>, %[[V:[a-z0-9]+]]: memref<?x?x2x64xbf16>, %[[O:[a-z0-9]+]]: memref<?x?x8x64xbf16>
// CHECK: %[[NQ:.*]] = arith.ceildivui %{{.*}}, %c16
// CHECK: scf.forall (%[[BI:.*]], %[[G:.*]], %[[QB:.*]]) in (%{{.*}}, 2, %[[NQ]]) {
// CHECK:   %[[H:.*]] = arith.muli %[[G]], %c4
// CHECK:   %[[HKV:.*]] = arith.divui %[[H]], %c4
// CHECK:   %[[ROW:.*]] = arith.muli %[[QB]], %c16
// CHECK:   faattn.tile_load %[[Q]][%[[BI]], %[[H]], %[[ROW]]] <bshd> {head_group = 4 : i64} : memref<?x?x8x64xbf16> -> <64x64xbf16>
// CHECK:     faattn.tile_load %[[K]][%[[BI]], %[[HKV]], %{{.*}}] <bshd> :
// CHECK:     faattn.tile_mask {{.*}} {head_group = 4 : i64} : <64x32xf32>
// CHECK:     faattn.tile_load %[[V]][%[[BI]], %[[HKV]], %{{.*}}] <bshd> :
// CHECK:   faattn.tile_store %out, %[[O]][%[[BI]], %[[H]], %[[ROW]]] <bshd> {head_group = 4 : i64}
// CHECK: } {faattn.decode, faattn.grid}
func.func @packed(%q: memref<?x?x8x64xbf16>, %k: memref<?x?x2x64xbf16>, %v: memref<?x?x2x64xbf16>, %o: memref<?x?x8x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x8x64xbf16>) k(%k : memref<?x?x2x64xbf16>) v(%v : memref<?x?x2x64xbf16>) out(%o : memref<?x?x8x64xbf16>) attributes {head_group = 4 : i64, layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sge, %qi, %ki : i32
    faattn.yield %m : i1
  }
  return
}

// -----

// e4m3 with v_descale: the region becomes a tile_score over ones (its score
// argument added, unused) whose result weights P in softmax_update.
// CHECK-LABEL: func.func @v_descale(
// CHECK: %[[S:.*]] = faattn.tile_dot
// CHECK: %[[MASKED:.*]] = faattn.tile_mask %[[S]]
// CHECK: %[[ONES:.*]] = faattn.tile_splat 1.000000e+00 : <64x32xf32>
// CHECK: %[[W:.*]] = faattn.tile_score %[[ONES]] at[{{.*}}] seq[{{.*}}] params(%[[P:.*]] : memref<?x2xf32>) {scale = 1.000000e+00 : f32} : <64x32xf32> {
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[B:.*]]: i32, %[[H:.*]]: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %[[PA:.*]]: memref<?x2xf32>):
// CHECK: memref.load %[[PA]]
// CHECK: faattn.softmax_update %[[MASKED]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} weight(%[[W]] :
func.func @v_descale(%q: memref<?x?x8x64xf8E4M3FN>, %k: memref<?x?x2x64xf8E4M3FN>, %v: memref<?x?x2x64xf8E4M3FN>, %o: memref<?x?x8x64xbf16>, %p: memref<?x2xf32>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x8x64xf8E4M3FN>) k(%k : memref<?x?x2x64xf8E4M3FN>) v(%v : memref<?x?x2x64xf8E4M3FN>) out(%o : memref<?x?x8x64xbf16>) params(%p : memref<?x2xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %ps: memref<?x2xf32>):
    faattn.yield %s : f32
  } v_descale {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %ps: memref<?x2xf32>):
    %bi = arith.index_cast %b : i32 to index
    %c4 = arith.constant 4 : i32
    %g = arith.divsi %h, %c4 : i32
    %gi = arith.index_cast %g : i32 to index
    %x = memref.load %ps[%bi, %gi] : memref<?x2xf32>
    faattn.yield %x : f32
  }
  return
}

// -----

// An e4m3 output (o_descale): after the KV loop, the region becomes a `rows`
// tile_score over ones of the output's shape (columns are not keys: kv_idx is
// col0 = 0, only the row is range-checked), passed to softmax_finalize as its
// descale; the finalized tile is e4m3 and stored as before.
// CHECK-LABEL: func.func @o_descale(
// CHECK: %[[LOOP:.*]]:3 = scf.for
// CHECK: %[[ONES:.*]] = faattn.tile_splat 1.000000e+00 : <64x64xf32>
// CHECK: %[[F:.*]] = faattn.tile_score %[[ONES]] at[{{.*}}] seq[{{.*}}] params(%{{.*}} : memref<?x8xf32>) {rows, scale = 1.000000e+00 : f32} : <64x64xf32> {
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[B:.*]]: i32, %[[H:.*]]: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %[[PA:.*]]: memref<?x8xf32>):
// CHECK: memref.load %[[PA]]
// CHECK: %[[OUT:.*]], %{{.*}} = faattn.softmax_finalize %[[LOOP]]#0, %[[LOOP]]#1, %[[LOOP]]#2 descale %[[F]] : !faattn.tile<64x64xf32> {{.*}} -> <64x64xf8E4M3FN>
// CHECK: faattn.tile_store %[[OUT]], %{{.*}}
func.func @o_descale(%q: memref<?x?x8x64xf8E4M3FN>, %k: memref<?x?x2x64xf8E4M3FN>, %v: memref<?x?x2x64xf8E4M3FN>, %o: memref<?x?x8x64xf8E4M3FN>, %p: memref<?x8xf32>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x8x64xf8E4M3FN>) k(%k : memref<?x?x2x64xf8E4M3FN>) v(%v : memref<?x?x2x64xf8E4M3FN>) out(%o : memref<?x?x8x64xf8E4M3FN>) params(%p : memref<?x8xf32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 0.125 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %ps: memref<?x8xf32>):
    faattn.yield %s : f32
  } o_descale {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32, %ps: memref<?x8xf32>):
    %bi = arith.index_cast %b : i32 to index
    %hi = arith.index_cast %h : i32 to index
    %x = memref.load %ps[%bi, %hi] : memref<?x8xf32>
    faattn.yield %x : f32
  }
  return
}
