// faattn-mask-analysis in column order: the Q loop of a backward main grid
// (faattn-backward-tile's: the CTA keeps KV block kb, the Q blocks stream) is split by
// what the mask is over each Q block of that KV block. Input: a main grid at its level
// (block 64x32, 2 KV heads of 2 query heads each), causal.
//
// RUN: faattn-opt %s -faattn-mask-analysis | FileCheck %s
//
// Counted at the reference shape 256x256: Q blocks qb = 0..3 (rows 64qb .. 64qb+63),
// KV blocks kb = 0..7 (columns 32kb .. 32kb+31). Causal (q_idx >= kv_idx): empty when
// 64qb + 63 < 32kb, i.e. kb >= 2qb + 2 (6 + 4 + 2 + 0 = 12); full when 64qb >= 32kb + 31,
// i.e. kb <= 2qb - 1 (0 + 2 + 4 + 6 = 12); partial kb = 2qb, 2qb + 1 (8). The same
// blocks as the forward's row order, so the same counts.
// CHECK-LABEL: func.func @causal_bwd(
// The scan classifies the Q blocks [0, nq) of the fixed KV block: the mask's columns
// are the CTA's (k0 = col0 .. col0 + 31), the rows each block's (q0 = 64 qb .. q1).
// CHECK:      %[[COL0:.*]] = arith.muli %{{.*}}, %c32 : index
// CHECK:      %[[COL32:.*]] = arith.index_cast %[[COL0]] : index to i32
// CHECK:      %[[K0:.*]] = arith.extsi %[[COL32]] : i32 to i64
// CHECK:      %[[KEND:.*]] = arith.addi %[[K0]], %c32_i64 : i64
// CHECK:      %[[K1:.*]] = arith.subi %{{.*}}, %c1_i64 : i64
// CHECK:      %[[SCAN:.*]]:5 = scf.parallel (%[[QB:.*]]) = {{.*}} -> (i64, i64, i64, i64, i64) {
// CHECK:        %[[QB64:.*]] = arith.index_cast %[[QB]] : index to i64
// CHECK:        %[[Q0:.*]] = arith.muli %[[QB64]], %c64_i64 : i64
// CHECK:        %[[Q1:.*]] = arith.subi %{{.*}}, %c1_i64 : i64
// Causal, q_idx >= kv_idx: the block may keep a pair when q1 >= k0; it keeps every pair
// when not q0 < k1, and it is full only if the KV block lies inside seq_kv.
// CHECK:        arith.cmpi sge, %[[Q1]], %[[K0]] : i64
// CHECK:        arith.cmpi slt, %[[Q0]], %[[K1]] : i64
// CHECK:        arith.cmpi sle, %[[KEND]], %{{.*}} : i64
// CHECK:      } {faattn.block_scan}
// The three loops' bounds come from the scan: [lo, flo) masked, [flo, fhi) full,
// [fhi, hi) masked, the dK accumulator chained through them.
// CHECK:      %[[LO:.*]] = arith.maxsi %[[SCAN]]#0, %{{.*}} : i64
// CHECK:      %[[LOI:.*]] = arith.index_cast %[[LO]] : i64 to index
// CHECK-NEXT: %[[FLOI:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[FHII:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[HII:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK:      %[[A:.*]] = scf.for %{{.*}} = %[[LOI]] to %[[FLOI]] {{.*}} iter_args(%{{.*}} = %[[DK:.*]]) -> (!faattn.tile<32x32xf32>) {
// CHECK:        faattn.tile_mask
// CHECK:      } {faattn.q_loop = "masked"}
// CHECK:      %[[F:.*]] = scf.for %{{.*}} = %[[FLOI]] to %[[FHII]] {{.*}} iter_args(%{{.*}} = %[[A]]) -> (!faattn.tile<32x32xf32>) {
// CHECK-NOT:    faattn.tile_mask
// CHECK:      } {faattn.q_loop = "full"}
// CHECK:      %[[Z:.*]] = scf.for %{{.*}} = %[[FHII]] to %[[HII]] {{.*}} iter_args(%{{.*}} = %[[F]]) -> (!faattn.tile<32x32xf32>) {
// CHECK:        faattn.tile_mask
// CHECK:      } {faattn.q_loop = "masked"}
// CHECK:      scf.yield %[[Z]]
// CHECK:    } {faattn.backward_grid = "main", faattn.block_counts = {empty = 12 : i64, full = 12 : i64, partial = 8 : i64}, faattn.grid}
func.func @causal_bwd(%batch: index, %nq: index, %nkv: index, %sq: i32, %skv: i32) attributes {faattn.reference_shape = array<i64: 256, 256>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  scf.forall (%b, %hkv, %kb) in (%batch, 2, %nkv) {
    %col0 = arith.muli %kb, %c32 : index
    %b32 = arith.index_cast %b : index to i32
    %col32 = arith.index_cast %col0 : index to i32
    %z = faattn.tile_splat 0.0 : <32x32xf32>
    %r = scf.for %g = %c0 to %c2 step %c1 iter_args(%dk = %z) -> (!faattn.tile<32x32xf32>) {
      %h0 = arith.muli %hkv, %c2 : index
      %h = arith.addi %h0, %g : index
      %h32 = arith.index_cast %h : index to i32
      %q = scf.for %qb = %c0 to %nq step %c1 iter_args(%acc = %dk) -> (!faattn.tile<32x32xf32>) {
        %row0 = arith.muli %qb, %c64 : index
        %row32 = arith.index_cast %row0 : index to i32
        %s = faattn.tile_splat 1.0 : <64x32xf32>
        %m = faattn.tile_mask %s at[%b32, %h32, %row32, %col32] seq[%sq, %skv] : <64x32xf32> {
        ^bb0(%bb: i32, %hh: i32, %qi: i32, %ki: i32, %a: i32, %c: i32):
          %keep = arith.cmpi sge, %qi, %ki : i32
          faattn.yield %keep : i1
        }
        %d = faattn.tile_dot %m, %m {transpose_lhs} : <64x32xf32>, <64x32xf32> -> <32x32xf32>
        %n = faattn.tile_map %acc, %d : !faattn.tile<32x32xf32>, !faattn.tile<32x32xf32> -> <32x32xf32> {
        ^bb0(%x: f32, %y: f32):
          %sum = arith.addf %x, %y : f32
          faattn.yield %sum : f32
        }
        scf.yield %n : !faattn.tile<32x32xf32>
      } {faattn.q_loop}
      scf.yield %q : !faattn.tile<32x32xf32>
    }
  } {faattn.backward_grid = "main", faattn.grid}
  return
}
