// RUN: faattn-opt %s -split-input-file -faattn-split-kv=workspace-args=true -verify-diagnostics
// (workspace-args only matters to the last case; the others fail before it.)

// A decode grid that is not faattn-tile's: no KV loop, no softmax_finalize.
func.func @no_kv_loop() {
  // expected-error @+1 {{faattn-split-kv expects the grid of faattn-tile (one KV loop and one softmax_finalize); run it right after faattn-tile}}
  scf.forall (%b, %h, %qb) in (1, 8, 1) {
  } {faattn.decode, faattn.grid}
  return
}

// -----

// The grid's output is never stored.
func.func @no_output_store(%q: memref<?x?x8x64xbf16>, %k: memref<?x?x2x64xbf16>, %v: memref<?x?x2x64xbf16>, %o: memref<?x?x8x64xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %batch = memref.dim %q, %c0 : memref<?x?x8x64xbf16>
  %skv = memref.dim %k, %c1 : memref<?x?x2x64xbf16>
  %nkb = arith.ceildivui %skv, %c64 : index
  // expected-error @+1 {{decode grid without an output store}}
  scf.forall (%b, %h, %qb) in (%batch, 8, 1) {
    %c4 = arith.constant 4 : index
    %hk = arith.divui %h, %c4 : index
    %qt = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
  } {faattn.decode, faattn.grid}
  return
}

// -----

// The KV loop's bound is computed inside the grid, and not as the min of a
// bound from above the grid (paged K/V): not faattn-tile's.
func.func @kv_bound_in_grid(%q: memref<?x?x8x64xbf16>, %k: memref<?x?x2x64xbf16>, %v: memref<?x?x2x64xbf16>, %o: memref<?x?x8x64xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %batch = memref.dim %q, %c0 : memref<?x?x8x64xbf16>
  %skv = memref.dim %k, %c1 : memref<?x?x2x64xbf16>
  // expected-error @+1 {{faattn-split-kv expects the KV loop bound of faattn-tile}}
  scf.forall (%b, %h, %qb) in (%batch, 8, 1) {
    %nkb = arith.ceildivui %skv, %c64 : index
    %c4 = arith.constant 4 : index
    %hk = arith.divui %h, %c4 : index
    %qt = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %o[%b, %h, %c0] <bshd> : <16x64xbf16>, memref<?x?x8x64xbf16>
  } {faattn.decode, faattn.grid}
  return
}

// -----

// With workspace-args the function's workspace arguments belong to one split
// grid: the first decode grid splits, the second is an error.
func.func @two_decode_grids(%q: memref<?x?x8x64xbf16>, %k: memref<?x?x2x64xbf16>, %v: memref<?x?x2x64xbf16>, %o: memref<?x?x8x64xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %batch = memref.dim %q, %c0 : memref<?x?x8x64xbf16>
  %skv = memref.dim %k, %c1 : memref<?x?x2x64xbf16>
  %nkb = arith.ceildivui %skv, %c64 : index
  scf.forall (%b, %h, %qb) in (%batch, 8, 1) {
    %hk = arith.divui %h, %c4 : index
    %qt = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %o[%b, %h, %c0] <bshd> : <16x64xbf16>, memref<?x?x8x64xbf16>
  } {faattn.decode, faattn.grid}
  // expected-error @+1 {{faattn-split-kv with workspace-args splits one decode grid per function}}
  scf.forall (%b, %h, %qb) in (%batch, 8, 1) {
    %hk = arith.divui %h, %c4 : index
    %qt = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %o[%b, %h, %c0] <bshd> : <16x64xbf16>, memref<?x?x8x64xbf16>
  } {faattn.decode, faattn.grid}
  return
}

// -----

// A packed (varlen) output store must say where its sequence ends: the combine walks its rows.
func.func @packed_without_limit(%q: memref<1x?x8x64xbf16>, %k: memref<1x?x2x64xbf16>, %v: memref<1x?x2x64xbf16>, %o: memref<1x?x8x64xbf16>, %cu: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %skv = memref.dim %k, %c1 : memref<1x?x2x64xbf16>
  %nkb = arith.ceildivui %skv, %c64 : index
  // expected-error @+1 {{a packed (varlen) output store without its sequence's limit}}
  scf.forall (%b, %h, %qb) in (2, 8, 1) {
    %c4 = arith.constant 4 : index
    %hk = arith.divui %h, %c4 : index
    %s32 = memref.load %cu[%b] : memref<?xi32>
    %start = arith.index_cast %s32 : i32 to index
    %qt = faattn.tile_load %q[%c0, %h, %c0] <bshd> offset %start : memref<1x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%c0, %hk, %row] <bshd> : memref<1x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%c0, %hk, %row] <bshd> : memref<1x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %o[%c0, %h, %c0] <bshd> offset %start : <16x64xbf16>, memref<1x?x8x64xbf16>
  } {faattn.decode, faattn.grid}
  return
}

// -----

// The combine computes a packed store's sequence rows again from its batch index: they
// cannot come from an op with effects (here an atomic add).
func.func @packed_rows_with_effects(%q: memref<1x?x8x64xbf16>, %k: memref<1x?x2x64xbf16>, %v: memref<1x?x2x64xbf16>, %o: memref<1x?x8x64xbf16>, %cu: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %skv = memref.dim %k, %c1 : memref<1x?x2x64xbf16>
  %nkb = arith.ceildivui %skv, %c64 : index
  // expected-error @+1 {{the sequence rows of a packed (varlen) output store must be computed by pure ops and memref.load in the grid, for the combine to compute them again}}
  scf.forall (%b, %h, %qb) in (2, 8, 1) {
    %c4 = arith.constant 4 : index
    %hk = arith.divui %h, %c4 : index
    %one = arith.constant 1 : i32
    %s32 = memref.atomic_rmw addi %one, %cu[%b] : (i32, memref<?xi32>) -> i32
    %start = arith.index_cast %s32 : i32 to index
    %limit = arith.constant 5 : index
    %qt = faattn.tile_load %q[%c0, %h, %c0] <bshd> offset %start limit %limit : memref<1x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%c0, %hk, %row] <bshd> : memref<1x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%c0, %hk, %row] <bshd> : memref<1x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %o[%c0, %h, %c0] <bshd> offset %start limit %limit : <16x64xbf16>, memref<1x?x8x64xbf16>
  } {faattn.decode, faattn.grid}
  return
}

// -----

// ... nor from the grid's own indices (here the q-block), which the combine grid does not have.
func.func @packed_rows_from_the_grid_index(%q: memref<1x?x8x64xbf16>, %k: memref<1x?x2x64xbf16>, %v: memref<1x?x2x64xbf16>, %o: memref<1x?x8x64xbf16>, %cu: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %skv = memref.dim %k, %c1 : memref<1x?x2x64xbf16>
  %nkb = arith.ceildivui %skv, %c64 : index
  // expected-error @+1 {{the sequence rows of a packed (varlen) output store must be computed by pure ops and memref.load in the grid, for the combine to compute them again}}
  scf.forall (%b, %h, %qb) in (2, 8, 1) {
    %c4 = arith.constant 4 : index
    %hk = arith.divui %h, %c4 : index
    %limit = arith.constant 5 : index
    %qt = faattn.tile_load %q[%c0, %h, %c0] <bshd> offset %qb limit %limit : memref<1x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%c0, %hk, %row] <bshd> : memref<1x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%c0, %hk, %row] <bshd> : memref<1x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xbf16>
    faattn.tile_store %out, %o[%c0, %h, %c0] <bshd> offset %qb limit %limit : <16x64xbf16>, memref<1x?x8x64xbf16>
  } {faattn.decode, faattn.grid}
  return
}

// -----

// The output is quantized (an e4m3 output: softmax_finalize with descale): split-KV's
// combine writes the output and knows no factor, so the grid is not split.
func.func @quantized_output(%q: memref<?x?x8x64xbf16>, %k: memref<?x?x2x64xbf16>, %v: memref<?x?x2x64xbf16>, %o: memref<?x?x8x64xf8E4M3FN>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %batch = memref.dim %q, %c0 : memref<?x?x8x64xbf16>
  %skv = memref.dim %k, %c1 : memref<?x?x2x64xbf16>
  %nkb = arith.ceildivui %skv, %c64 : index
  // expected-error @+1 {{faattn-split-kv does not split a grid whose output is quantized (softmax_finalize with descale)}}
  scf.forall (%b, %h, %qb) in (%batch, 8, 1) {
    %c4 = arith.constant 4 : index
    %hk = arith.divui %h, %c4 : index
    %qt = faattn.tile_load %q[%b, %h, %c0] <bshd> : memref<?x?x8x64xbf16> -> <16x64xbf16>
    %acc0 = faattn.tile_splat 0.000000e+00 : <16x64xf32>
    %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
    %l0 = faattn.tile_splat 0.000000e+00 : <16x1xf32>
    %r:3 = scf.for %kb = %c0 to %nkb step %c1 iter_args(%acc = %acc0, %m = %m0, %l = %l0) -> (!faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>) {
      %row = arith.muli %kb, %c64 : index
      %kt = faattn.tile_load %k[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %s = faattn.tile_dot %qt, %kt {transpose_rhs} : <16x64xbf16>, <64x64xbf16> -> <16x64xf32>
      %vt = faattn.tile_load %v[%b, %hk, %row] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16>
      %na, %nm, %nl = faattn.softmax_update %s, %vt, %acc, %m, %l {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <64x64xbf16>, <16x64xf32>, <16x1xf32>
      scf.yield %na, %nm, %nl : !faattn.tile<16x64xf32>, !faattn.tile<16x1xf32>, !faattn.tile<16x1xf32>
    } {faattn.kv_loop}
    %d = faattn.tile_splat 2.000000e+00 : <16x64xf32>
    %out, %lse = faattn.softmax_finalize %r#0, %r#1, %r#2 descale %d : !faattn.tile<16x64xf32> {scale_log2 = 0.180336878 : f32} : <16x64xf32>, <16x1xf32> -> <16x64xf8E4M3FN>
    faattn.tile_store %out, %o[%b, %h, %c0] <bshd> : <16x64xf8E4M3FN>, memref<?x?x8x64xf8E4M3FN>
  } {faattn.decode, faattn.grid}
  return
}
