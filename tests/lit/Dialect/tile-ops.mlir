// RUN: faattn-opt %s | FileCheck %s
// RUN: faattn-opt %s | faattn-opt | FileCheck %s
// RUN: faattn-opt %s -mlir-print-op-generic | faattn-opt | FileCheck %s

// One CTA's work for a 16x16 block with a score modification, a mask and
// the decomposed pieces, as the algorithm passes write them.
// CHECK-LABEL: func.func @cta
func.func @cta(%q: memref<?x?x2x32xbf16>, %o: memref<?x?x2x32xbf16>, %lse: memref<?x2x?xf32>,
               %p: memref<2xf32>, %b: index, %h: index, %r: index, %b32: i32, %h32: i32,
               %r32: i32, %c32: i32, %sq: i32, %skv: i32) {
  // CHECK: %[[Q:.*]] = faattn.tile_load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] <bshd> : memref<?x?x2x32xbf16> -> <16x32xbf16>
  %qt = faattn.tile_load %q[%b, %h, %r] <bshd> : memref<?x?x2x32xbf16> -> <16x32xbf16>
  // CHECK: faattn.tile_dot %[[Q]], %[[Q]] {transpose_rhs} : <16x32xbf16>, <16x32xbf16> -> <16x16xf32>
  %s = faattn.tile_dot %qt, %qt {transpose_rhs} : <16x32xbf16>, <16x32xbf16> -> <16x16xf32>
  // CHECK: faattn.tile_score %{{.*}} at[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] seq[%{{.*}}, %{{.*}}] params(%{{.*}} : memref<2xf32>) {scale = 1.250000e-01 : f32} : <16x16xf32> {
  // CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %{{.*}}: memref<2xf32>):
  %s1 = faattn.tile_score %s at[%b32, %h32, %r32, %c32] seq[%sq, %skv] params(%p : memref<2xf32>) {scale = 0.125 : f32} : <16x16xf32> {
  ^bb0(%x: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32, %pp: memref<2xf32>):
    %t = math.tanh %x : f32
    faattn.yield %t : f32
  }
  // CHECK: faattn.tile_mask %{{.*}} at[{{.*}}] seq[{{.*}}] : <16x16xf32> {
  // CHECK-NEXT: ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
  %s2 = faattn.tile_mask %s1 at[%b32, %h32, %r32, %c32] seq[%sq, %skv] : <16x16xf32> {
  ^bb0(%bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32):
    %m = arith.cmpi sge, %qi, %ki : i32
    faattn.yield %m : i1
  }
  // A tile_mask without a region applies only the bound kv_idx < seq_kv.
  // CHECK: faattn.tile_mask %{{.*}} : <16x16xf32>
  // CHECK-NOT: ^bb0
  %s3 = faattn.tile_mask %s2 at[%b32, %h32, %r32, %c32] seq[%sq, %skv] : <16x16xf32>
  // CHECK: faattn.tile_splat 0xFF800000 : <16x1xf32>
  %m0 = faattn.tile_splat 0xFF800000 : <16x1xf32>
  %l0 = faattn.tile_splat 0.0 : <16x1xf32>
  %acc0 = faattn.tile_splat 0.0 : <16x32xf32>
  // CHECK: faattn.tile_reduce <max> %{{.*}} : <16x16xf32> -> <16x1xf32>
  %mx = faattn.tile_reduce <max> %s3 : <16x16xf32> -> <16x1xf32>
  // CHECK: faattn.tile_map %{{.*}}, %{{.*}} : !faattn.tile<16x16xf32>, !faattn.tile<16x1xf32> -> <16x16xf32> {
  %e = faattn.tile_map %s3, %mx : !faattn.tile<16x16xf32>, !faattn.tile<16x1xf32> -> <16x16xf32> {
  ^bb0(%x: f32, %y: f32):
    %d = arith.subf %x, %y : f32
    %ex = math.exp2 %d : f32
    faattn.yield %ex : f32
  }
  // CHECK: faattn.softmax_update %{{.*}}, %[[Q]], %{{.*}}, %{{.*}}, %{{.*}} {scale_log2 = 1.44269502 : f32} : <16x16xf32>, <16x32xbf16>, <16x32xf32>, <16x1xf32>
  %acc, %m, %l = faattn.softmax_update %e, %qt, %acc0, %m0, %l0 {scale_log2 = 1.44269502 : f32} : <16x16xf32>, <16x32xbf16>, <16x32xf32>, <16x1xf32>
  // With V's dequantization factors (v_descale) as a weight shaped like the scores.
  // CHECK: faattn.softmax_update %{{.*}}, %[[Q]], %{{.*}}, %{{.*}}, %{{.*}} weight(%{{.*}} : !faattn.tile<16x16xf32>) {scale_log2 = 1.44269502 : f32} : <16x16xf32>, <16x32xbf16>, <16x32xf32>, <16x1xf32>
  %accw, %mw, %lw = faattn.softmax_update %e, %qt, %acc0, %m0, %l0 weight(%e : !faattn.tile<16x16xf32>) {scale_log2 = 1.44269502 : f32} : <16x16xf32>, <16x32xbf16>, <16x32xf32>, <16x1xf32>
  // CHECK: %out, %lse = faattn.softmax_finalize %{{.*}}, %{{.*}}, %{{.*}} {scale_log2 = 1.44269502 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
  %out, %ls = faattn.softmax_finalize %acc, %m, %l {scale_log2 = 1.44269502 : f32} : <16x32xf32>, <16x1xf32> -> <16x32xbf16>
  // CHECK: faattn.tile_store %out, %{{.*}}[{{.*}}] <bshd> : <16x32xbf16>, memref<?x?x2x32xbf16>
  faattn.tile_store %out, %o[%b, %h, %r] <bshd> : <16x32xbf16>, memref<?x?x2x32xbf16>
  // CHECK: faattn.tile_store %lse, %{{.*}}[{{.*}}] <bshd> : <16x1xf32>, memref<?x2x?xf32>
  faattn.tile_store %ls, %lse[%b, %h, %r] <bshd> : <16x1xf32>, memref<?x2x?xf32>
  return
}

// Rows that are not one dense range: packed (offset, limit) and paged.
// CHECK-LABEL: func.func @sequences
func.func @sequences(%q: memref<1x?x2x32xbf16>, %k: memref<?x64x2x32xbf16>,
                     %table: memref<?x?xi32>, %b: index, %h: index, %r: index,
                     %start: index, %len: index) {
  // CHECK: faattn.tile_load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] <bshd> offset %{{.*}} limit %{{.*}} : memref<1x?x2x32xbf16> -> <16x32xbf16>
  %qt = faattn.tile_load %q[%b, %h, %r] <bshd> offset %start limit %len : memref<1x?x2x32xbf16> -> <16x32xbf16>
  // CHECK: faattn.tile_load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] <bshd> limit %{{.*}} pages(%{{.*}} : memref<?x?xi32>) {page_size = 64 : i64} : memref<?x64x2x32xbf16> -> <16x32xbf16>
  %kt = faattn.tile_load %k[%b, %h, %r] <bshd> limit %len pages(%table : memref<?x?xi32>) {page_size = 64 : i64} : memref<?x64x2x32xbf16> -> <16x32xbf16>
  // CHECK: faattn.tile_store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] <bshd> offset %{{.*}} limit %{{.*}} : <16x32xbf16>, memref<1x?x2x32xbf16>
  faattn.tile_store %kt, %q[%b, %h, %r] <bshd> offset %start limit %len : <16x32xbf16>, memref<1x?x2x32xbf16>
  return
}

// A padded head dim (faattn-tile's pad-head-dims): 40 columns in memory, 48 in the tile.
// CHECK-LABEL: func.func @padded
func.func @padded(%q: memref<?x?x2x40xbf16>, %b: index, %h: index, %r: index) {
  // CHECK: faattn.tile_load {{.*}} : memref<?x?x2x40xbf16> -> <16x48xbf16>
  %qt = faattn.tile_load %q[%b, %h, %r] <bshd> : memref<?x?x2x40xbf16> -> <16x48xbf16>
  // CHECK: faattn.tile_store {{.*}} : <16x48xbf16>, memref<?x?x2x40xbf16>
  faattn.tile_store %qt, %q[%b, %h, %r] <bshd> : <16x48xbf16>, memref<?x?x2x40xbf16>
  return
}

// GQA packing: tile rows of a head group (4 heads of 4 rows here) round-trip with the attribute.
// CHECK-LABEL: func.func @head_group
func.func @head_group(%q: memref<?x?x8x32xbf16>, %s: !faattn.tile<16x32xf32>, %b: index,
                      %h: index, %r: index, %i: i32) {
  // CHECK: faattn.tile_load %{{.*}} <bshd> {head_group = 4 : i64} : memref<?x?x8x32xbf16> -> <16x32xbf16>
  %qt = faattn.tile_load %q[%b, %h, %r] <bshd> {head_group = 4 : i64} : memref<?x?x8x32xbf16> -> <16x32xbf16>
  // CHECK: faattn.tile_mask %{{.*}} seq[%{{.*}}, %{{.*}}] {head_group = 4 : i64} : <16x32xf32>
  %m = faattn.tile_mask %s at[%i, %i, %i, %i] seq[%i, %i] {head_group = 4 : i64} : <16x32xf32>
  // CHECK: faattn.tile_store %{{.*}} <bshd> {head_group = 4 : i64} : <16x32xbf16>, memref<?x?x8x32xbf16>
  faattn.tile_store %qt, %q[%b, %h, %r] <bshd> {head_group = 4 : i64} : <16x32xbf16>, memref<?x?x8x32xbf16>
  return
}

// The backward's tile ops (faattn-backward-tile): transposed left operands,
// the score and its derivative, the param gradients, dQ added into memory.
// CHECK-LABEL: func.func @backward_cta
func.func @backward_cta(%acc: memref<?x?x2x32xf32>, %p: memref<2xf32>, %g: memref<2xf32>,
                        %b: index, %h: index, %r: index, %b32: i32, %h32: i32, %r32: i32,
                        %c32: i32, %sq: i32, %skv: i32, %q: !faattn.tile<16x32xbf16>,
                        %pt: !faattn.tile<16x16xbf16>, %pgp: memref<?x2x?x32xf32>,
                        %pgi: memref<?x2x8xi32>) {
  // CHECK: faattn.tile_dot %{{.*}}, %{{.*}} {transpose_lhs} : <16x16xbf16>, <16x32xbf16> -> <16x32xf32>
  %dk = faattn.tile_dot %pt, %q {transpose_lhs} : <16x16xbf16>, <16x32xbf16> -> <16x32xf32>
  %s = faattn.tile_dot %q, %q {transpose_rhs} : <16x32xbf16>, <16x32xbf16> -> <16x16xf32>
  // CHECK: %{{.*}}:2 = faattn.tile_score_grad %{{.*}} at[{{.*}}] seq[{{.*}}] params(%{{.*}} : memref<2xf32>) {scale = 1.250000e-01 : f32} : <16x16xf32> {
  // CHECK-NEXT: ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %{{.*}}: memref<2xf32>):
  // CHECK: faattn.grad_yield
  %v, %d = faattn.tile_score_grad %s at[%b32, %h32, %r32, %c32] seq[%sq, %skv] params(%p : memref<2xf32>) {scale = 0.125 : f32} : <16x16xf32> {
  ^bb0(%x: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32, %pp: memref<2xf32>):
    %i = arith.index_cast %hh : i32 to index
    %sl = memref.load %pp[%i] : memref<2xf32>
    %y = arith.mulf %x, %sl : f32
    faattn.grad_yield %y, %sl params(%x -> %pp[%i] : memref<2xf32>)
  }
  // CHECK: faattn.tile_param_grad %{{.*}}, %{{.*}} at[{{.*}}] seq[{{.*}}] params(%{{.*}} : memref<2xf32>) grads(%{{.*}} : memref<2xf32>) {requires_grad = array<i64: 0>, scale = 1.250000e-01 : f32} : <16x16xf32>, <16x16xf32> {
  faattn.tile_param_grad %s, %d at[%b32, %h32, %r32, %c32] seq[%sq, %skv] params(%p : memref<2xf32>) grads(%g : memref<2xf32>) {requires_grad = array<i64: 0>, scale = 0.125 : f32} : <16x16xf32>, <16x16xf32> {
  ^bb0(%x: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32, %pp: memref<2xf32>):
    %i = arith.index_cast %hh : i32 to index
    %sl = memref.load %pp[%i] : memref<2xf32>
    %y = arith.mulf %x, %sl : f32
    faattn.grad_yield %y, %sl params(%x -> %pp[%i] : memref<2xf32>)
  }
  // The deterministic form: partials and their indices, then their sum.
  // CHECK: faattn.tile_param_grad {{.*}} grads(%{{.*}} : memref<2xf32>) partials(%{{.*}}, %{{.*}} : memref<?x2x?x32xf32>, memref<?x2x8xi32>) kv_block %{{.*}} {requires_grad
  faattn.tile_param_grad %s, %d at[%b32, %h32, %r32, %c32] seq[%sq, %skv] params(%p : memref<2xf32>) grads(%g : memref<2xf32>) partials(%pgp, %pgi : memref<?x2x?x32xf32>, memref<?x2x8xi32>) kv_block %r {requires_grad = array<i64: 0>, scale = 0.125 : f32} : <16x16xf32>, <16x16xf32> {
  ^bb0(%x: f32, %bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32, %pp: memref<2xf32>):
    %i = arith.index_cast %hh : i32 to index
    %sl = memref.load %pp[%i] : memref<2xf32>
    %y = arith.mulf %x, %sl : f32
    faattn.grad_yield %y, %sl params(%x -> %pp[%i] : memref<2xf32>)
  }
  // CHECK: faattn.param_grad_sum %{{.*}}, %{{.*}} into(%{{.*}} : memref<2xf32>) {grad_of_entry = array<i64: 0>} : memref<?x2x?x32xf32>, memref<?x2x8xi32>
  faattn.param_grad_sum %pgp, %pgi into(%g : memref<2xf32>) {grad_of_entry = array<i64: 0>} : memref<?x2x?x32xf32>, memref<?x2x8xi32>
  // CHECK: faattn.tile_store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] <bshd> {accumulate} : <16x32xf32>, memref<?x?x2x32xf32>
  faattn.tile_store %dk, %acc[%b, %h, %r] <bshd> {accumulate} : <16x32xf32>, memref<?x?x2x32xf32>
  // A column chunk (faattn-backward-tile's max-cols): Q's columns 16..31 and
  // dQ's columns of that chunk.
  // CHECK: %[[QC:.*]] = faattn.tile_columns %{{.*}}[16] : <16x32xbf16> -> <16x16xbf16>
  %qc = faattn.tile_columns %q[16] : <16x32xbf16> -> <16x16xbf16>
  // CHECK: faattn.tile_dot %{{.*}}, %[[QC]] {transpose_lhs} : <16x16xbf16>, <16x16xbf16> -> <16x16xf32>
  %dkc = faattn.tile_dot %pt, %qc {transpose_lhs} : <16x16xbf16>, <16x16xbf16> -> <16x16xf32>
  // CHECK: faattn.tile_store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] <bshd> {accumulate, col0 = 16 : i64} : <16x16xf32>, memref<?x?x2x32xf32>
  faattn.tile_store %dkc, %acc[%b, %h, %r] <bshd> {accumulate, col0 = 16} : <16x16xf32>, memref<?x?x2x32xf32>
  return
}

// The deterministic backward's turns (faattn-backward-tile): a lock shaped as the LSE.
// CHECK-LABEL: func.func @turns(
func.func @turns(%lock: memref<?x4x?xi32>, %b: index, %h: index, %from: index, %to: index, %start: index, %j: index) -> i1 {
  // CHECK: faattn.turn_pass %{{.*}}[%{{.*}}, %{{.*}}] blocks[%{{.*}}, %{{.*}}) turn %{{.*}} {rows = 64 : i64} : memref<?x4x?xi32>
  faattn.turn_pass %lock[%b, %h] blocks [%from, %to) turn %j {rows = 64} : memref<?x4x?xi32>
  // CHECK: faattn.turn_pass %{{.*}}[%{{.*}}, %{{.*}}] blocks[%{{.*}}, %{{.*}}) offset %{{.*}} turn %{{.*}} {rows = 64 : i64}
  faattn.turn_pass %lock[%b, %h] blocks [%from, %to) offset %start turn %j {rows = 64} : memref<?x4x?xi32>
  // CHECK: %[[R:.*]] = faattn.turn_wait %{{.*}}[%{{.*}}, %{{.*}}] block %{{.*}} offset %{{.*}} turn %{{.*}} {rows = 64 : i64} : memref<?x4x?xi32>
  %ready = faattn.turn_wait %lock[%b, %h] block %to offset %start turn %j {rows = 64} : memref<?x4x?xi32>
  // CHECK: faattn.turn_end %{{.*}}[%{{.*}}, %{{.*}}] block %{{.*}} turn %{{.*}} {rows = 64 : i64} : memref<?x4x?xi32>
  faattn.turn_end %lock[%b, %h] block %to turn %j {rows = 64} : memref<?x4x?xi32>
  // CHECK: return %[[R]]
  return %ready : i1
}

// faattn-split-kv's last-CTA combine: a tile's arrival at its counter (batch, head, row).
// CHECK-LABEL: func.func @split_arrive(
func.func @split_arrive(%count: memref<?x8x?xi32>, %b: index, %h: index, %r: index, %s: index) -> i1 {
  // CHECK: %[[L:.*]] = faattn.split_arrive %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] splits %{{.*}} : memref<?x8x?xi32>
  %last = faattn.split_arrive %count[%b, %h, %r] splits %s : memref<?x8x?xi32>
  // CHECK: return %[[L]]
  return %last : i1
}

// The layout encodings round-trip, #faattn.wgmma_cols (columns split over
// warpgroups: the backward's S when two warpgroups split the keys) among them.
// CHECK-LABEL: func.func @encodings
// CHECK-SAME: !faattn.tile<64x128xf32, #faattn.wgmma_cols<warpgroups = 2>>
// CHECK-SAME: !faattn.tile<64x128xbf16, #faattn.wgmma_cols<warpgroups = 2>>
// CHECK-SAME: !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
func.func @encodings(%s: !faattn.tile<64x128xf32, #faattn.wgmma_cols<warpgroups = 2>>,
                     %p: !faattn.tile<64x128xbf16, #faattn.wgmma_cols<warpgroups = 2>>,
                     %dk: !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
  return
}
