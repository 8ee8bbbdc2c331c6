// RUN: faattn-opt %s -split-input-file -verify-diagnostics

func.func @load_cols(%q: memref<?x?x2x32xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op tile must have 32 columns, got '!faattn.tile<16x16xbf16>'}}
  %t = faattn.tile_load %q[%i, %i, %i] <bshd> : memref<?x?x2x32xbf16> -> <16x16xbf16>
  return
}

// -----

// A padded head dim is the next multiple of 16 (40 -> 48), nothing wider.
func.func @load_padded_cols(%q: memref<?x?x2x40xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op tile must have 40 columns (or 48, padded), got '!faattn.tile<16x64xbf16>'}}
  %t = faattn.tile_load %q[%i, %i, %i] <bshd> : memref<?x?x2x40xbf16> -> <16x64xbf16>
  return
}

// -----

// Only a multiple of 8 pads (the lowerings copy 8-column chunks, all inside or all past it).
func.func @load_padded_not8(%q: memref<?x?x2x36xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op tile must have 36 columns, got '!faattn.tile<16x48xbf16>'}}
  %t = faattn.tile_load %q[%i, %i, %i] <bshd> : memref<?x?x2x36xbf16> -> <16x48xbf16>
  return
}

// -----

func.func @store_padded_cols(%t: !faattn.tile<16x56xbf16>, %o: memref<?x?x2x40xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_store' op tile must have 40 columns (or 48, padded), got '!faattn.tile<16x56xbf16>'}}
  faattn.tile_store %t, %o[%i, %i, %i] <bshd> : <16x56xbf16>, memref<?x?x2x40xbf16>
  return
}

// -----

func.func @load_elt(%q: memref<?x?x2x32xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op tile and memref element types differ: 'f16' vs 'bf16'}}
  %t = faattn.tile_load %q[%i, %i, %i] <bshd> : memref<?x?x2x32xbf16> -> <16x32xf16>
  return
}

// -----

func.func @load_rank(%q: memref<?x32xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op needs a 4-D (Q/K/V/O) or 3-D (LSE) memref, got 'memref<?x32xbf16>'}}
  %t = faattn.tile_load %q[%i, %i, %i] <bshd> : memref<?x32xbf16> -> <16x32xbf16>
  return
}

// -----

func.func @store_lse(%t: !faattn.tile<16x2xf32>, %lse: memref<?x2x?xf32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_store' op tile must have 1 columns, got '!faattn.tile<16x2xf32>'}}
  faattn.tile_store %t, %lse[%i, %i, %i] <bshd> : <16x2xf32>, memref<?x2x?xf32>
  return
}

// -----

func.func @splat_int() {
  // expected-error @+1 {{'faattn.tile_splat' op needs a float tile}}
  %t = faattn.tile_splat 0.0 : <16x2xi32>
  return
}

// -----

func.func @dot_k(%a: !faattn.tile<16x32xbf16>, %b: !faattn.tile<16x16xbf16>) {
  // expected-error @+1 {{'faattn.tile_dot' op contraction sizes differ: 32 vs 16}}
  %t = faattn.tile_dot %a, %b : <16x32xbf16>, <16x16xbf16> -> <16x16xf32>
  return
}

// -----

func.func @dot_result(%a: !faattn.tile<16x32xbf16>, %b: !faattn.tile<8x32xbf16>) {
  // expected-error @+1 {{'faattn.tile_dot' op result must be a 16x8 f32 tile, got '!faattn.tile<16x8xbf16>'}}
  %t = faattn.tile_dot %a, %b {transpose_rhs} : <16x32xbf16>, <8x32xbf16> -> <16x8xbf16>
  return
}

// -----

func.func @dot_int(%a: !faattn.tile<16x32xi8>, %b: !faattn.tile<32x16xi8>) {
  // expected-error @+1 {{'faattn.tile_dot' op operands must be float tiles}}
  %t = faattn.tile_dot %a, %b : <16x32xi8>, <32x16xi8> -> <16x16xf32>
  return
}

// -----

func.func @reduce_shape(%a: !faattn.tile<16x32xf32>) {
  // expected-error @+1 {{'faattn.tile_reduce' op result must be 16x1, got '!faattn.tile<16x2xf32>'}}
  %t = faattn.tile_reduce <sum> %a : <16x32xf32> -> <16x2xf32>
  return
}

// -----

func.func @reduce_type(%a: !faattn.tile<16x32xbf16>) {
  // expected-error @+1 {{'faattn.tile_reduce' op reduces f32 tiles only}}
  %t = faattn.tile_reduce <sum> %a : <16x32xbf16> -> <16x1xf32>
  return
}

// -----

func.func @map_shape(%a: !faattn.tile<16x32xf32>, %b: !faattn.tile<16x2xf32>) {
  // expected-error @+1 {{'faattn.tile_map' op input #1 ('!faattn.tile<16x2xf32>') must be 16x32 or 16x1}}
  %t = faattn.tile_map %a, %b : !faattn.tile<16x32xf32>, !faattn.tile<16x2xf32> -> <16x32xf32> {
  ^bb0(%x: f32, %y: f32):
    faattn.yield %x : f32
  }
  return
}

// -----

func.func @map_args(%a: !faattn.tile<16x32xf32>) {
  // expected-error @+1 {{'faattn.tile_map' op region must take one scalar per input (1), got 2}}
  %t = faattn.tile_map %a : !faattn.tile<16x32xf32> -> <16x32xf32> {
  ^bb0(%x: f32, %y: f32):
    faattn.yield %x : f32
  }
  return
}

// -----

func.func @map_arg_type(%a: !faattn.tile<16x32xf32>) {
  // expected-error @+1 {{'faattn.tile_map' op region argument #0 must be 'f32'}}
  %t = faattn.tile_map %a : !faattn.tile<16x32xf32> -> <16x32xf32> {
  ^bb0(%x: f16):
    %e = arith.extf %x : f16 to f32
    faattn.yield %e : f32
  }
  return
}

// -----

func.func @map_yield(%a: !faattn.tile<16x32xf32>) {
  // expected-error @+1 {{'faattn.tile_map' op region must yield 'bf16'}}
  %t = faattn.tile_map %a : !faattn.tile<16x32xf32> -> <16x32xbf16> {
  ^bb0(%x: f32):
    faattn.yield %x : f32
  }
  return
}

// -----

func.func @score_elt(%a: !faattn.tile<16x32xbf16>, %i: i32) {
  // expected-error @+1 {{'faattn.tile_score' op input and result must be the same f32 tile}}
  %t = faattn.tile_score %a at[%i, %i, %i, %i] seq[%i, %i] {scale = 1.0 : f32} : <16x32xbf16> {
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %k: i32, %sq: i32, %skv: i32):
    faattn.yield %x : f32
  }
  return
}

// -----

func.func @mask_yield(%a: !faattn.tile<16x32xf32>, %i: i32) {
  // expected-error @+1 {{'faattn.tile_mask' op 'mask' region must yield 'i1', got 'i32'}}
  %t = faattn.tile_mask %a at[%i, %i, %i, %i] seq[%i, %i] : <16x32xf32> {
  ^bb0(%b: i32, %h: i32, %q: i32, %k: i32, %sq: i32, %skv: i32):
    faattn.yield %q : i32
  }
  return
}

// -----

func.func @mask_params(%a: !faattn.tile<16x32xf32>, %i: i32, %p: memref<?xi32>) {
  // expected-error @+1 {{'faattn.tile_mask' op 'mask' region must take ('i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'memref<?xi32>')}}
  %t = faattn.tile_mask %a at[%i, %i, %i, %i] seq[%i, %i] params(%p : memref<?xi32>) : <16x32xf32> {
  ^bb0(%b: i32, %h: i32, %q: i32, %k: i32, %sq: i32, %skv: i32):
    %c = arith.constant true
    faattn.yield %c : i1
  }
  return
}

// -----

func.func @update_v(%s: !faattn.tile<16x16xf32>, %v: !faattn.tile<8x32xbf16>, %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_update' op v must have 16 rows, got '!faattn.tile<8x32xbf16>'}}
  %a, %b, %c = faattn.softmax_update %s, %v, %acc, %m, %m {scale_log2 = 1.0 : f32} : <16x16xf32>, <8x32xbf16>, <16x32xf32>, <16x1xf32>
  return
}

// -----

func.func @update_acc(%s: !faattn.tile<16x16xf32>, %v: !faattn.tile<16x32xbf16>, %acc: !faattn.tile<16x16xf32>, %m: !faattn.tile<16x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_update' op accumulator must be 16x32}}
  %a, %b, %c = faattn.softmax_update %s, %v, %acc, %m, %m {scale_log2 = 1.0 : f32} : <16x16xf32>, <16x32xbf16>, <16x16xf32>, <16x1xf32>
  return
}

// -----

func.func @update_rows(%s: !faattn.tile<16x16xf32>, %v: !faattn.tile<16x32xbf16>, %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<8x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_update' op row max and row sum must be 16x1 f32 tiles}}
  %a, %b, %c = faattn.softmax_update %s, %v, %acc, %m, %m {scale_log2 = 1.0 : f32} : <16x16xf32>, <16x32xbf16>, <16x32xf32>, <8x1xf32>
  return
}

// -----

func.func @update_scores(%s: !faattn.tile<16x16xbf16>, %v: !faattn.tile<16x32xbf16>, %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_update' op scores and accumulator must be f32}}
  %a, %b, %c = faattn.softmax_update %s, %v, %acc, %m, %m {scale_log2 = 1.0 : f32} : <16x16xbf16>, <16x32xbf16>, <16x32xf32>, <16x1xf32>
  return
}

// -----

func.func @update_weight(%s: !faattn.tile<16x16xf32>, %v: !faattn.tile<16x32xbf16>, %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>, %w: !faattn.tile<16x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_update' op weight must be an f32 tile shaped like the scores (16x16), got '!faattn.tile<16x1xf32>'}}
  %a, %b, %c = faattn.softmax_update %s, %v, %acc, %m, %m weight(%w : !faattn.tile<16x1xf32>) {scale_log2 = 1.0 : f32} : <16x16xf32>, <16x32xbf16>, <16x32xf32>, <16x1xf32>
  return
}

// -----

func.func @finalize_rows(%acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<8x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_finalize' op row max, row sum and lse must be 16x1 f32 tiles}}
  %o, %l = faattn.softmax_finalize %acc, %m, %m {scale_log2 = 1.0 : f32} : <16x32xf32>, <8x1xf32> -> <16x32xbf16>
  return
}

// -----

func.func @finalize_out(%acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_finalize' op out must be a float tile of the accumulator's shape}}
  %o, %l = faattn.softmax_finalize %acc, %m, %m {scale_log2 = 1.0 : f32} : <16x32xf32>, <16x1xf32> -> <16x16xbf16>
  return
}

// -----

// expected-error @+1 {{warpgroups must be between 1 and 4, got 0}}
func.func @acc_wg(%a: !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 0>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_acc tile has 64 rows per warpgroup: expected 128 rows, got 64}}
func.func @acc_rows(%a: !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_acc tile holds f32, got 'bf16'}}
func.func @acc_type(%a: !faattn.tile<64x64xbf16, #faattn.wgmma_acc<warpgroups = 1>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_a tile has 64 rows per warpgroup: expected 128 rows, got 64}}
func.func @a_rows(%a: !faattn.tile<64x64xbf16, #faattn.wgmma_a<warpgroups = 2>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_a tile holds 16-bit elements, got 'f32'}}
func.func @a_type(%a: !faattn.tile<64x64xf32, #faattn.wgmma_a<warpgroups = 1>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_cols tile splits its columns over 2 to 4 warpgroups, got 1}}
func.func @cols_wg(%a: !faattn.tile<64x128xf32, #faattn.wgmma_cols<warpgroups = 1>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_cols tile has 64 rows, got 128}}
func.func @cols_rows(%a: !faattn.tile<128x128xf32, #faattn.wgmma_cols<warpgroups = 2>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_cols tile's columns split into blocks of multiples of 8: 40 columns over 2 warpgroups}}
func.func @cols_cols(%a: !faattn.tile<64x40xf32, #faattn.wgmma_cols<warpgroups = 2>>) {
  return
}

// -----

// expected-error @+1 {{a wgmma_cols tile holds f32 or 16-bit elements, got 'i32'}}
func.func @cols_type(%a: !faattn.tile<64x128xi32, #faattn.wgmma_cols<warpgroups = 2>>) {
  return
}

// -----

// expected-error @+1 {{swizzle must be 0, 32, 64 or 128 bytes, got 48}}
func.func @swizzle(%a: !faattn.tile<64x64xbf16, #faattn.smem<swizzle = 48, stages = 1>>) {
  return
}

// -----

// expected-error @+1 {{stages must be between 1 and 8, got 9}}
func.func @stages(%a: !faattn.tile<64x64xbf16, #faattn.smem<swizzle = 128, stages = 9>>) {
  return
}

// -----

// expected-error @+1 {{a 128-byte swizzled tile needs rows of a multiple of 128 bytes, got 64}}
func.func @row_bytes(%a: !faattn.tile<64x32xbf16, #faattn.smem<swizzle = 128, stages = 1>>) {
  return
}

// -----

func.func @pages_without_size(%k: memref<?x64x2x32xbf16>, %t: memref<?x?xi32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op 'pages' and 'page_size' go together}}
  %x = faattn.tile_load %k[%i, %i, %i] <bshd> pages(%t : memref<?x?xi32>) : memref<?x64x2x32xbf16> -> <16x32xbf16>
  return
}

// -----

func.func @pages_table_type(%k: memref<?x64x2x32xbf16>, %t: memref<?xi32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op page table must be a 2-D i32 memref, got 'memref<?xi32>'}}
  %x = faattn.tile_load %k[%i, %i, %i] <bshd> pages(%t : memref<?xi32>) {page_size = 64 : i64} : memref<?x64x2x32xbf16> -> <16x32xbf16>
  return
}

// -----

func.func @pages_size(%k: memref<?x64x2x32xbf16>, %t: memref<?x?xi32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op page_size must be positive}}
  %x = faattn.tile_load %k[%i, %i, %i] <bshd> pages(%t : memref<?x?xi32>) {page_size = 0 : i64} : memref<?x64x2x32xbf16> -> <16x32xbf16>
  return
}

// -----

func.func @pages_and_offset(%k: memref<?x64x2x32xbf16>, %t: memref<?x?xi32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op takes 'offset' or 'pages', not both}}
  %x = faattn.tile_load %k[%i, %i, %i] <bshd> offset %i pages(%t : memref<?x?xi32>) {page_size = 64 : i64} : memref<?x64x2x32xbf16> -> <16x32xbf16>
  return
}

// -----

func.func @pages_of_lse(%l: memref<?x2x?xf32>, %t: memref<?x?xi32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op reads pages of a 4-D memref only}}
  %x = faattn.tile_load %l[%i, %i, %i] <bshd> pages(%t : memref<?x?xi32>) {page_size = 64 : i64} : memref<?x2x?xf32> -> <16x1xf32>
  return
}

// -----

// GQA packing: a head group splits the tile's rows evenly.
func.func @load_head_group(%q: memref<?x?x8x32xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_load' op head_group must be positive and divide the tile's 16 rows, got 3}}
  %t = faattn.tile_load %q[%i, %i, %i] <bshd> {head_group = 3 : i64} : memref<?x?x8x32xbf16> -> <16x32xbf16>
  return
}

// -----

func.func @store_head_group(%t: !faattn.tile<16x32xbf16>, %o: memref<?x?x8x32xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_store' op head_group must be positive and divide the tile's 16 rows, got 0}}
  faattn.tile_store %t, %o[%i, %i, %i] <bshd> {head_group = 0 : i64} : <16x32xbf16>, memref<?x?x8x32xbf16>
  return
}

// -----

func.func @mask_head_group(%s: !faattn.tile<16x32xf32>, %i: i32) {
  // expected-error @+1 {{'faattn.tile_mask' op head_group must be positive and divide the tile's 16 rows, got 32}}
  %m = faattn.tile_mask %s at[%i, %i, %i, %i] seq[%i, %i] {head_group = 32 : i64} : <16x32xf32>
  return
}

// -----

func.func @dot_transpose_lhs(%a: !faattn.tile<16x32xbf16>, %b: !faattn.tile<32x8xbf16>) {
  // transpose_lhs: lhs^T is 32x16, whose 16 columns do not meet rhs's 32 rows.
  // expected-error @+1 {{'faattn.tile_dot' op contraction sizes differ: 16 vs 32}}
  %t = faattn.tile_dot %a, %b {transpose_lhs} : <16x32xbf16>, <32x8xbf16> -> <32x8xf32>
  return
}

// -----

func.func @dot_transpose_lhs_result(%a: !faattn.tile<16x32xbf16>, %b: !faattn.tile<16x8xbf16>) {
  // expected-error @+1 {{'faattn.tile_dot' op result must be a 32x8 f32 tile, got '!faattn.tile<16x8xf32>'}}
  %t = faattn.tile_dot %a, %b {transpose_lhs} : <16x32xbf16>, <16x8xbf16> -> <16x8xf32>
  return
}

// -----

func.func @store_accumulate_elt(%t: !faattn.tile<16x32xf32>, %dq: memref<?x?x2x32xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_store' op accumulates f32 tiles into f32 memrefs only}}
  faattn.tile_store %t, %dq[%i, %i, %i] <bshd> {accumulate} : <16x32xf32>, memref<?x?x2x32xbf16>
  return
}

// -----

// A column chunk's store stays inside the head dim (col0 + N <= D).
func.func @store_col0_outside(%t: !faattn.tile<16x64xf32>, %dq: memref<?x?x2x96xf32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_store' op columns 64 .. 127 are not inside the memref's head dim: 'memref<?x?x2x96xf32>'}}
  faattn.tile_store %t, %dq[%i, %i, %i] <bshd> {accumulate, col0 = 64 : i64} : <16x64xf32>, memref<?x?x2x96xf32>
  return
}

// -----

func.func @store_col0_lse(%t: !faattn.tile<16x1xf32>, %lse: memref<?x2x?xf32>, %i: index) {
  // expected-error @+1 {{'faattn.tile_store' op columns 0 .. 0 are not inside the memref's head dim: 'memref<?x2x?xf32>'}}
  faattn.tile_store %t, %lse[%i, %i, %i] <bshd> {col0 = 0 : i64} : <16x1xf32>, memref<?x2x?xf32>
  return
}

// -----

func.func @store_col0_elt(%t: !faattn.tile<16x32xf32>, %dk: memref<?x?x2x64xbf16>, %i: index) {
  // expected-error @+1 {{'faattn.tile_store' op tile and memref element types differ}}
  faattn.tile_store %t, %dk[%i, %i, %i] <bshd> {col0 = 32 : i64} : <16x32xf32>, memref<?x?x2x64xbf16>
  return
}

// -----

func.func @columns_outside(%t: !faattn.tile<16x64xbf16>) {
  // expected-error @+1 {{'faattn.tile_columns' op result '!faattn.tile<16x32xbf16>' is not columns 48.. of '!faattn.tile<16x64xbf16>'}}
  %c = faattn.tile_columns %t [48] : <16x64xbf16> -> <16x32xbf16>
  return
}

// -----

func.func @columns_rows(%t: !faattn.tile<16x64xbf16>) {
  // expected-error @+1 {{'faattn.tile_columns' op result '!faattn.tile<8x32xbf16>' is not columns 0.. of '!faattn.tile<16x64xbf16>'}}
  %c = faattn.tile_columns %t [0] : <16x64xbf16> -> <8x32xbf16>
  return
}

// -----

func.func @score_grad_elt(%s: !faattn.tile<16x16xbf16>, %i: i32) {
  // expected-error @+1 {{'faattn.tile_score_grad' op input and results must be the same f32 tile}}
  %v, %d = faattn.tile_score_grad %s at[%i, %i, %i, %i] seq[%i, %i] {scale = 1.0 : f32} : <16x16xbf16> {
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }
  return
}

// -----

func.func @score_grad_args(%s: !faattn.tile<16x16xf32>, %i: i32) {
  // expected-error @+1 {{'faattn.tile_score_grad' op 'grad' region must take ('f32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32')}}
  %v, %d = faattn.tile_score_grad %s at[%i, %i, %i, %i] seq[%i, %i] {scale = 1.0 : f32} : <16x16xf32> {
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }
  return
}

// -----

func.func @param_grad_count(%s: !faattn.tile<16x16xf32>, %i: i32, %p: memref<2xf32>) {
  // expected-error @+1 {{'faattn.tile_param_grad' op needs one gradient per requires_grad entry (1), got 0}}
  "faattn.tile_param_grad"(%s, %s, %i, %i, %i, %i, %i, %i, %p) <{scale = 1.0 : f32, requires_grad = array<i64: 0>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0>}> ({
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32, %pp: memref<2xf32>):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }) : (!faattn.tile<16x16xf32>, !faattn.tile<16x16xf32>, i32, i32, i32, i32, i32, i32, memref<2xf32>) -> ()
  return
}

// -----

func.func @param_grad_type(%s: !faattn.tile<16x16xf32>, %i: i32, %p: memref<2xf32>, %g: memref<3xf32>) {
  // expected-error @+1 {{'faattn.tile_param_grad' op the gradient of param 0 must have its type 'memref<2xf32>', got 'memref<3xf32>'}}
  faattn.tile_param_grad %s, %s at[%i, %i, %i, %i] seq[%i, %i] params(%p : memref<2xf32>) grads(%g : memref<3xf32>) {requires_grad = array<i64: 0>, scale = 1.0 : f32} : <16x16xf32>, <16x16xf32> {
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32, %pp: memref<2xf32>):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }
  return
}

// -----

func.func @param_grad_not_learnable(%s: !faattn.tile<16x16xf32>, %i: i32, %p: memref<2xf32>, %p2: memref<2xf32>, %g: memref<2xf32>) {
  faattn.tile_param_grad %s, %s at[%i, %i, %i, %i] seq[%i, %i] params(%p, %p2 : memref<2xf32>, memref<2xf32>) grads(%g : memref<2xf32>) {requires_grad = array<i64: 0>, scale = 1.0 : f32} : <16x16xf32>, <16x16xf32> {
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32, %pp: memref<2xf32>, %pp2: memref<2xf32>):
    %one = arith.constant 1.0 : f32
    %c0 = arith.constant 0 : index
    // expected-error @+1 {{'faattn.grad_yield' op yields a derivative for param 1, which the op's requires_grad does not list}}
    faattn.grad_yield %x, %one params(%one -> %pp2[%c0] : memref<2xf32>)
  }
  return
}

// -----

func.func @param_grad_twice(%s: !faattn.tile<16x16xf32>, %i: i32, %p: memref<2xf32>, %g: memref<2xf32>) {
  // expected-error @+1 {{'faattn.tile_param_grad' op requires_grad must list params in increasing order, each once}}
  faattn.tile_param_grad %s, %s at[%i, %i, %i, %i] seq[%i, %i] params(%p : memref<2xf32>) grads(%g, %g : memref<2xf32>, memref<2xf32>) {requires_grad = array<i64: 0, 0>, scale = 1.0 : f32} : <16x16xf32>, <16x16xf32> {
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32, %pp: memref<2xf32>):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }
  return
}

// -----

// The deterministic backward's partials: [batch, heads, KV blocks, slots x entries].
func.func @param_grad_partials_extent(%s: !faattn.tile<16x16xf32>, %i: i32, %k: index, %p: memref<2xf32>, %g: memref<2xf32>, %pt: memref<?x2x?x16xf32>, %pi: memref<?x2x8xi32>) {
  // expected-error @+1 {{'faattn.tile_param_grad' op partials' last extent must be 4 x 8 (slots x entries), got 'memref<?x2x?x16xf32>'}}
  faattn.tile_param_grad %s, %s at[%i, %i, %i, %i] seq[%i, %i] params(%p : memref<2xf32>) grads(%g : memref<2xf32>) partials(%pt, %pi : memref<?x2x?x16xf32>, memref<?x2x8xi32>) kv_block %k {requires_grad = array<i64: 0>, scale = 1.0 : f32} : <16x16xf32>, <16x16xf32> {
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32, %pp: memref<2xf32>):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }
  return
}

// -----

func.func @param_grad_partials_alone(%s: !faattn.tile<16x16xf32>, %i: i32, %p: memref<2xf32>, %g: memref<2xf32>, %pt: memref<?x2x?x32xf32>) {
  // expected-error @+1 {{'faattn.tile_param_grad' op partials, partial_indices and kv_block go together}}
  "faattn.tile_param_grad"(%s, %s, %i, %i, %i, %i, %i, %i, %p, %g, %pt) <{scale = 1.0 : f32, requires_grad = array<i64: 0>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0>}> ({
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32, %pp: memref<2xf32>):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }) : (!faattn.tile<16x16xf32>, !faattn.tile<16x16xf32>, i32, i32, i32, i32, i32, i32, memref<2xf32>, memref<2xf32>, memref<?x2x?x32xf32>) -> ()
  return
}

// -----

func.func @param_grad_indices_alone(%s: !faattn.tile<16x16xf32>, %i: i32, %k: index, %p: memref<2xf32>, %g: memref<2xf32>, %pi: memref<?x2x8xi32>) {
  // expected-error @+1 {{'faattn.tile_param_grad' op partials, partial_indices and kv_block go together}}
  "faattn.tile_param_grad"(%s, %s, %i, %i, %i, %i, %i, %i, %p, %g, %pi, %k) <{scale = 1.0 : f32, requires_grad = array<i64: 0>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1>}> ({
  ^bb0(%x: f32, %b: i32, %h: i32, %q: i32, %kv: i32, %sq: i32, %skv: i32, %pp: memref<2xf32>):
    %one = arith.constant 1.0 : f32
    faattn.grad_yield %x, %one
  }) : (!faattn.tile<16x16xf32>, !faattn.tile<16x16xf32>, i32, i32, i32, i32, i32, i32, memref<2xf32>, memref<2xf32>, memref<?x2x8xi32>, index) -> ()
  return
}

// -----

func.func @param_grad_sum_heads(%pt: memref<?x2x?x32xf32>, %pi: memref<?x4x8xi32>, %g: memref<2xf32>) {
  // expected-error @+1 {{'faattn.param_grad_sum' op partials and partial_indices must have the same heads, got 'memref<?x2x?x32xf32>' and 'memref<?x4x8xi32>'}}
  faattn.param_grad_sum %pt, %pi into(%g : memref<2xf32>) {grad_of_entry = array<i64: 0>} : memref<?x2x?x32xf32>, memref<?x4x8xi32>
  return
}

// -----

func.func @param_grad_sum_entry(%pt: memref<?x2x?x32xf32>, %pi: memref<?x2x8xi32>, %g: memref<2xf32>) {
  // expected-error @+1 {{'faattn.param_grad_sum' op grad_of_entry names gradient 1, but there are 1}}
  faattn.param_grad_sum %pt, %pi into(%g : memref<2xf32>) {grad_of_entry = array<i64: 0, 1>} : memref<?x2x?x32xf32>, memref<?x2x8xi32>
  return
}

// -----

func.func @param_grad_sum_indices(%pt: memref<?x2x?x32xf32>, %pi: memref<?x2x4xi32>, %g: memref<2xf32>) {
  // expected-error @+1 {{'faattn.param_grad_sum' op partial_indices' last extent must be 8, got 'memref<?x2x4xi32>'}}
  faattn.param_grad_sum %pt, %pi into(%g : memref<2xf32>) {grad_of_entry = array<i64: 0>} : memref<?x2x?x32xf32>, memref<?x2x4xi32>
  return
}

// -----

func.func @param_grad_sum_entries(%pt: memref<?x2x?x32xf32>, %pi: memref<?x2x8xi32>, %g: memref<2xf32>) {
  // expected-error @+1 {{'faattn.param_grad_sum' op has 9 entries; partials hold 8}}
  faattn.param_grad_sum %pt, %pi into(%g : memref<2xf32>) {grad_of_entry = array<i64: 0, 0, 0, 0, 0, 0, 0, 0, 0>} : memref<?x2x?x32xf32>, memref<?x2x8xi32>
  return
}

// -----

// A turn lock is an i32 memref shaped as the LSE (batch, heads, seq).
func.func @turn_lock_type(%lock: memref<?x4x?xf32>, %i: index) {
  // expected-error @+1 {{'faattn.turn_end' op operand #0 must be 3D memref of 32-bit signless integer values, but got 'memref<?x4x?xf32>'}}
  faattn.turn_end %lock[%i, %i] block %i turn %i {rows = 64} : memref<?x4x?xf32>
  return
}

// -----

func.func @turn_lock_rank(%lock: memref<?x?x4x64xi32>, %i: index) {
  // expected-error @+1 {{'faattn.turn_pass' op operand #0 must be 3D memref of 32-bit signless integer values, but got 'memref<?x?x4x64xi32>'}}
  faattn.turn_pass %lock[%i, %i] blocks [%i, %i) turn %i {rows = 64} : memref<?x?x4x64xi32>
  return
}

// -----

func.func @turn_rows(%lock: memref<?x4x?xi32>, %i: index) -> i1 {
  // expected-error @+1 {{'faattn.turn_wait' op attribute 'rows' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %r = faattn.turn_wait %lock[%i, %i] block %i turn %i {rows = 0} : memref<?x4x?xi32>
  return %r : i1
}

// -----

func.func @finalize_descale_shape(%acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>,
                                  %l: !faattn.tile<16x1xf32>, %d: !faattn.tile<16x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_finalize' op descale must be an f32 tile of the accumulator's shape}}
  %o, %lse = faattn.softmax_finalize %acc, %m, %l descale %d : !faattn.tile<16x1xf32> {scale_log2 = 0.25 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xf8E4M3FN>
  return
}

// -----

func.func @update_row_scale(%s: !faattn.tile<16x16xf32>, %v: !faattn.tile<16x32xbf16>, %acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>, %r: !faattn.tile<16x16xf32>) {
  // expected-error @+1 {{'faattn.softmax_update' op row_scale must be a 16x1 f32 tile, got '!faattn.tile<16x16xf32>'}}
  %a, %b, %c = faattn.softmax_update %s, %v, %acc, %m, %m row_scale(%r : !faattn.tile<16x16xf32>) {scale_log2 = 1.0 : f32} : <16x16xf32>, <16x32xbf16>, <16x32xf32>, <16x1xf32>
  return
}

// -----

func.func @finalize_row_scale(%acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>, %r: !faattn.tile<8x1xf32>) {
  // expected-error @+1 {{'faattn.softmax_finalize' op row_scale must be a 16x1 f32 tile, got '!faattn.tile<8x1xf32>'}}
  %o, %lse = faattn.softmax_finalize %acc, %m, %m row_scale(%r : !faattn.tile<8x1xf32>) {scale_log2 = 1.0 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
  return
}

// -----

func.func @finalize_out_scale(%acc: !faattn.tile<16x32xf32>, %m: !faattn.tile<16x1xf32>, %w: !faattn.tile<16x1xbf16>) {
  // expected-error @+1 {{'faattn.softmax_finalize' op out_scale must be a 16x1 f32 tile, got '!faattn.tile<16x1xbf16>'}}
  %o, %lse = faattn.softmax_finalize %acc, %m, %m out_scale(%w : !faattn.tile<16x1xbf16>) {scale_log2 = 1.0 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
  return
}

// -----

// A split-KV tile's arrival counter is an i32 memref (batch, heads, seq_q).
func.func @split_arrive_type(%count: memref<?x8x?xf32>, %i: index) -> i1 {
  // expected-error @+1 {{'faattn.split_arrive' op operand #0 must be 3D memref of 32-bit signless integer values, but got 'memref<?x8x?xf32>'}}
  %last = faattn.split_arrive %count[%i, %i, %i] splits %i : memref<?x8x?xf32>
  return %last : i1
}
