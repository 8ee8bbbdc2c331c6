// faattn-kv-head: the KV block of the Q block's last row is chosen before the block
// scan and visited first when the scan finds it the last non-empty block.
// The input: the kernels of tests/lit/Pipeline/pipeline-faattn-kv-head.fa after
// faattn-mask-analysis (faattn-compile --emit=mlir --stop-after=faattn-mask-analysis).
//
// RUN: faattn-opt %s -split-input-file -faattn-kv-head | FileCheck %s
// Idempotent: a second run finds the split peeled already (the same checks hold).
// RUN: faattn-opt %s -split-input-file -faattn-kv-head -faattn-kv-head | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-kv-head | FileCheck %s --check-prefix=KVOUTER

// kernel documents { heads = 4; head_dim = 128
//   param doc : i32[seq]
//   mask = doc[q_idx] == doc[kv_idx] && q_idx >= kv_idx }
// The candidate, before the scan: q1 = min(row0 + 128, seq_q) - 1, c = max(min(q1 / 128, nkb - 1), lb).
// CHECK-LABEL: func.func @documents(
// CHECK: scf.forall
// CHECK: %[[ROWI:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: %[[ROW0:.*]] = arith.index_cast %[[ROWI]] : index to i32
// CHECK: %[[LB:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[NKB:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[R0:.*]] = arith.index_cast %[[ROW0]] : i32 to index
// CHECK-NEXT: %[[BM:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[END:.*]] = arith.addi %[[R0]], %[[BM]] : index
// CHECK-NEXT: %[[SQ:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK-NEXT: %[[ENDC:.*]] = arith.minsi %[[END]], %[[SQ]] : index
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[Q1:.*]] = arith.subi %[[ENDC]], %[[ONE]] : index
// CHECK-NEXT: %[[BN:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[QB:.*]] = arith.divsi %[[Q1]], %[[BN]] : index
// CHECK-NEXT: %[[ONE2:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[LAST:.*]] = arith.subi %[[NKB]], %[[ONE2]] : index
// CHECK-NEXT: %[[QBC:.*]] = arith.minsi %[[QB]], %[[LAST]] : index
// CHECK-NEXT: %[[C:.*]] = arith.maxsi %[[QBC]], %[[LB]] : index
// Then the scan's reads: the Q block's ids (hoisted), each KV block's.
// CHECK: } {faattn.range_reduce}
// CHECK: scf.parallel (%{{.*}}) = (%[[LB]]) to (%[[NKB]])
// CHECK: } {faattn.range_reduce}
// CHECK: } {faattn.block_scan}
// After it: hit = lo < hi && hi - 1 == c; the ranges end at c on a hit.
// CHECK: %[[LO:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[FLO:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[FHI:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[HI:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK-NEXT: %[[NONEMPTY:.*]] = arith.cmpi slt, %[[LO]], %[[HI]] : index
// CHECK-NEXT: %[[ONE3:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[HIM1:.*]] = arith.subi %[[HI]], %[[ONE3]] : index
// CHECK-NEXT: %[[ISC:.*]] = arith.cmpi eq, %[[HIM1]], %[[C]] : index
// CHECK-NEXT: %[[HIT:.*]] = arith.andi %[[NONEMPTY]], %[[ISC]] : i1
// CHECK-NEXT: %[[HIR:.*]] = arith.select %[[HIT]], %[[C]], %[[HI]] : index
// CHECK-NEXT: %[[FLOR:.*]] = arith.minsi %[[FLO]], %[[HIR]] : index
// CHECK-NEXT: %[[FHIR:.*]] = arith.minsi %[[FHI]], %[[HIR]] : index
// CHECK-NEXT: %[[ONE4:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[LOM1:.*]] = arith.subi %[[LO]], %[[ONE4]] : index
// CHECK-NEXT: %[[LBR:.*]] = arith.select %[[HIT]], %[[LOM1]], %[[LO]] : index
// The first masked loop starts one early on a hit; that iteration's block is c.
// CHECK-NEXT: %[[A:.*]]:3 = scf.for %[[IV:.*]] = %[[LBR]] to %[[FLOR]] step
// CHECK-NEXT: %[[EARLY:.*]] = arith.cmpi slt, %[[IV]], %[[LO]] : index
// CHECK-NEXT: %[[BLK:.*]] = arith.select %[[EARLY]], %[[C]], %[[IV]] : index
// CHECK-NOT: %[[IV]]
// CHECK: arith.muli %[[BLK]], %{{.*}} : index
// CHECK-NOT: %[[IV]]
// CHECK: faattn.tile_mask
// CHECK-NOT: %[[IV]]
// CHECK: } {faattn.kv_head, faattn.kv_loop = "masked"}
// CHECK-NEXT: %[[F:.*]]:3 = scf.for %{{.*}} = %[[FLOR]] to %[[FHIR]] step %{{.*}} iter_args(%{{.*}} = %[[A]]#0,
// CHECK-NOT: faattn.tile_mask
// CHECK: } {faattn.kv_loop = "full"}
// CHECK-NEXT: scf.for %{{.*}} = %[[FHIR]] to %[[HIR]] step %{{.*}} iter_args(%{{.*}} = %[[F]]#0,
// CHECK: faattn.tile_mask
// CHECK: } {faattn.kv_loop = "masked"}
func.func @documents(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_5 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13 = arith.index_cast %c0_6 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64_8 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64_8 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %c0_9 = arith.constant 0 : index
    %dim_10 = memref.dim %arg4, %c0_9 : memref<?xi32>
    %26 = arith.index_cast %dim_10 : index to i64
    %c0_i64_11 = arith.constant 0 : i64
    %27 = arith.cmpi sge, %19, %c0_i64_11 : i64
    %28 = arith.cmpi slt, %22, %26 : i64
    %29 = arith.andi %27, %28 : i1
    %30 = arith.cmpi sle, %19, %22 : i64
    %31 = arith.andi %29, %30 : i1
    %c0_i64_12 = arith.constant 0 : i64
    %32 = arith.select %31, %19, %c0_i64_12 : i64
    %c1_i64_13 = arith.constant 1 : i64
    %33 = arith.addi %22, %c1_i64_13 : i64
    %c0_i64_14 = arith.constant 0 : i64
    %34 = arith.select %31, %33, %c0_i64_14 : i64
    %c2147483647_i64 = arith.constant 2147483647 : i64
    %c-2147483648_i64 = arith.constant -2147483648 : i64
    %35 = arith.index_cast %32 : i64 to index
    %36 = arith.index_cast %34 : i64 to index
    %c1_15 = arith.constant 1 : index
    %37:2 = scf.parallel (%arg8) = (%35) to (%36) step (%c1_15) init (%c2147483647_i64, %c-2147483648_i64) -> (i64, i64) {
      %59 = memref.load %arg4[%arg8] : memref<?xi32>
      %60 = arith.extsi %59 : i32 to i64
      scf.reduce(%60, %60 : i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %61 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %61 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %61 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %61 : i64
      }
    } {faattn.range_reduce}
    %c-2147483648_i64_16 = arith.constant -2147483648 : i64
    %38 = arith.select %31, %37#0, %c-2147483648_i64_16 : i64
    %c2147483647_i64_17 = arith.constant 2147483647 : i64
    %39 = arith.select %31, %37#1, %c2147483647_i64_17 : i64
    %40:5 = scf.parallel (%arg8) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %59 = arith.index_cast %arg8 : index to i64
      %60 = arith.muli %59, %c128_i64 : i64
      %61 = arith.addi %60, %c128_i64 : i64
      %62 = arith.minsi %61, %16 : i64
      %63 = arith.subi %62, %c1_i64 : i64
      %c-2147483648_i64_18 = arith.constant -2147483648 : i64
      %64 = arith.cmpi sge, %38, %c-2147483648_i64_18 : i64
      %c2147483647_i64_19 = arith.constant 2147483647 : i64
      %65 = arith.cmpi sle, %39, %c2147483647_i64_19 : i64
      %66 = arith.andi %64, %65 : i1
      %c-2147483648_i64_20 = arith.constant -2147483648 : i64
      %67 = arith.select %66, %38, %c-2147483648_i64_20 : i64
      %c2147483647_i64_21 = arith.constant 2147483647 : i64
      %68 = arith.select %66, %39, %c2147483647_i64_21 : i64
      %69 = arith.cmpi sge, %22, %60 : i64
      %70 = arith.cmpi slt, %19, %63 : i64
      %true = arith.constant true
      %71 = arith.andi %true, %69 : i1
      %72 = arith.ori %true, %70 : i1
      %73 = arith.andi %71, %72 : i1
      %c-2147483648_i64_22 = arith.constant -2147483648 : i64
      %74 = arith.cmpi sge, %38, %c-2147483648_i64_22 : i64
      %c2147483647_i64_23 = arith.constant 2147483647 : i64
      %75 = arith.cmpi sle, %39, %c2147483647_i64_23 : i64
      %76 = arith.andi %74, %75 : i1
      %c-2147483648_i64_24 = arith.constant -2147483648 : i64
      %77 = arith.select %76, %38, %c-2147483648_i64_24 : i64
      %c2147483647_i64_25 = arith.constant 2147483647 : i64
      %78 = arith.select %76, %39, %c2147483647_i64_25 : i64
      %c0_26 = arith.constant 0 : index
      %dim_27 = memref.dim %arg4, %c0_26 : memref<?xi32>
      %79 = arith.index_cast %dim_27 : index to i64
      %c0_i64_28 = arith.constant 0 : i64
      %80 = arith.cmpi sge, %60, %c0_i64_28 : i64
      %81 = arith.cmpi slt, %63, %79 : i64
      %82 = arith.andi %80, %81 : i1
      %83 = arith.cmpi sle, %60, %63 : i64
      %84 = arith.andi %82, %83 : i1
      %85 = arith.andi %84, %73 : i1
      %c0_i64_29 = arith.constant 0 : i64
      %86 = arith.select %85, %60, %c0_i64_29 : i64
      %c1_i64_30 = arith.constant 1 : i64
      %87 = arith.addi %63, %c1_i64_30 : i64
      %c0_i64_31 = arith.constant 0 : i64
      %88 = arith.select %85, %87, %c0_i64_31 : i64
      %c2147483647_i64_32 = arith.constant 2147483647 : i64
      %c-2147483648_i64_33 = arith.constant -2147483648 : i64
      %89 = arith.index_cast %86 : i64 to index
      %90 = arith.index_cast %88 : i64 to index
      %c1_34 = arith.constant 1 : index
      %91:2 = scf.parallel (%arg9) = (%89) to (%90) step (%c1_34) init (%c2147483647_i64_32, %c-2147483648_i64_33) -> (i64, i64) {
        %121 = memref.load %arg4[%arg9] : memref<?xi32>
        %122 = arith.extsi %121 : i32 to i64
        scf.reduce(%122, %122 : i64, i64) {
        ^bb0(%arg10: i64, %arg11: i64):
          %123 = arith.minsi %arg10, %arg11 : i64
          scf.reduce.return %123 : i64
        }, {
        ^bb0(%arg10: i64, %arg11: i64):
          %123 = arith.maxsi %arg10, %arg11 : i64
          scf.reduce.return %123 : i64
        }
      } {faattn.range_reduce}
      %c-2147483648_i64_35 = arith.constant -2147483648 : i64
      %92 = arith.select %85, %91#0, %c-2147483648_i64_35 : i64
      %c2147483647_i64_36 = arith.constant 2147483647 : i64
      %93 = arith.select %85, %91#1, %c2147483647_i64_36 : i64
      %c-2147483648_i64_37 = arith.constant -2147483648 : i64
      %94 = arith.cmpi sge, %92, %c-2147483648_i64_37 : i64
      %c2147483647_i64_38 = arith.constant 2147483647 : i64
      %95 = arith.cmpi sle, %93, %c2147483647_i64_38 : i64
      %96 = arith.andi %94, %95 : i1
      %c-2147483648_i64_39 = arith.constant -2147483648 : i64
      %97 = arith.select %96, %92, %c-2147483648_i64_39 : i64
      %c2147483647_i64_40 = arith.constant 2147483647 : i64
      %98 = arith.select %96, %93, %c2147483647_i64_40 : i64
      %99 = arith.cmpi slt, %78, %97 : i64
      %100 = arith.cmpi slt, %98, %77 : i64
      %101 = arith.ori %99, %100 : i1
      %102 = arith.cmpi eq, %77, %78 : i64
      %103 = arith.cmpi eq, %97, %98 : i64
      %104 = arith.andi %102, %103 : i1
      %105 = arith.cmpi eq, %77, %97 : i64
      %106 = arith.andi %104, %105 : i1
      %true_41 = arith.constant true
      %107 = arith.xori %101, %true_41 : i1
      %true_42 = arith.constant true
      %108 = arith.xori %106, %true_42 : i1
      %109 = arith.cmpi sge, %22, %60 : i64
      %110 = arith.cmpi slt, %19, %63 : i64
      %111 = arith.andi %107, %109 : i1
      %112 = arith.ori %108, %110 : i1
      %113 = arith.cmpi sle, %61, %16 : i64
      %true_43 = arith.constant true
      %114 = arith.xori %112, %true_43 : i1
      %115 = arith.andi %114, %113 : i1
      %116 = arith.select %111, %59, %14 : i64
      %117 = arith.select %111, %59, %c-1_i64 : i64
      %118 = arith.select %115, %59, %14 : i64
      %119 = arith.select %115, %59, %c-1_i64 : i64
      %120 = arith.extui %115 : i1 to i64
      scf.reduce(%116, %117, %118, %119, %120 : i64, i64, i64, i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %121 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %121 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %121 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %121 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %121 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %121 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %121 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %121 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %121 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %121 : i64
      }
    } {faattn.block_scan}
    %41 = arith.maxsi %40#0, %13 : i64
    %42 = arith.addi %40#1, %c1_i64 : i64
    %43 = arith.maxsi %42, %41 : i64
    %44 = arith.addi %40#3, %c1_i64 : i64
    %45 = arith.subi %44, %40#2 : i64
    %46 = arith.cmpi sgt, %40#4, %c0_i64 : i64
    %47 = arith.cmpi eq, %40#4, %45 : i64
    %48 = arith.andi %46, %47 : i1
    %49 = arith.select %48, %40#2, %43 : i64
    %50 = arith.addi %40#3, %c1_i64 : i64
    %51 = arith.select %48, %50, %43 : i64
    %52 = arith.index_cast %41 : i64 to index
    %53 = arith.index_cast %49 : i64 to index
    %54 = arith.index_cast %51 : i64 to index
    %55 = arith.index_cast %43 : i64 to index
    %56:3 = scf.for %arg8 = %52 to %53 step %c1_7 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_18 = arith.constant 128 : index
      %59 = arith.muli %arg8, %c128_18 : index
      %60 = arith.index_cast %59 : index to i32
      %61 = faattn.tile_load %arg1[%arg5, %4, %59] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %62 = faattn.tile_dot %9, %61 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %63 = faattn.tile_mask %62 at[%6, %7, %8, %60] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %65 = arith.index_cast %q_idx : i32 to index
        %66 = memref.load %arg12[%65] : memref<?xi32>
        %67 = arith.index_cast %kv_idx : i32 to index
        %68 = memref.load %arg12[%67] : memref<?xi32>
        %69 = arith.cmpi eq, %66, %68 : i32
        %70 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %71 = arith.andi %69, %70 : i1
        faattn.yield %71 : i1
      }
      %64 = faattn.tile_load %arg2[%arg5, %4, %59] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %63, %64, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %57:3 = scf.for %arg8 = %53 to %54 step %c1_7 iter_args(%arg9 = %56#0, %arg10 = %56#1, %arg11 = %56#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_18 = arith.constant 128 : index
      %59 = arith.muli %arg8, %c128_18 : index
      %60 = arith.index_cast %59 : index to i32
      %61 = faattn.tile_load %arg1[%arg5, %4, %59] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %62 = faattn.tile_dot %9, %61 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %63 = faattn.tile_load %arg2[%arg5, %4, %59] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %62, %63, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "full"}
    %58:3 = scf.for %arg8 = %54 to %55 step %c1_7 iter_args(%arg9 = %57#0, %arg10 = %57#1, %arg11 = %57#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_18 = arith.constant 128 : index
      %59 = arith.muli %arg8, %c128_18 : index
      %60 = arith.index_cast %59 : index to i32
      %61 = faattn.tile_load %arg1[%arg5, %4, %59] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %62 = faattn.tile_dot %9, %61 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %63 = faattn.tile_mask %62 at[%6, %7, %8, %60] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %65 = arith.index_cast %q_idx : i32 to index
        %66 = memref.load %arg12[%65] : memref<?xi32>
        %67 = arith.index_cast %kv_idx : i32 to index
        %68 = memref.load %arg12[%67] : memref<?xi32>
        %69 = arith.cmpi eq, %66, %68 : i32
        %70 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %71 = arith.andi %69, %70 : i1
        faattn.yield %71 : i1
      }
      %64 = faattn.tile_load %arg2[%arg5, %4, %59] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %63, %64, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %out, %lse = faattn.softmax_finalize %58#0, %58#1, %58#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.block_counts = {empty = 496 : i64, full = 0 : i64, partial = 528 : i64}, faattn.grid}
  return
}

// A param read at one index (prefix[b]) is a round trip too.
// kernel prefix { heads = 4; head_dim = 128
//   param prefix : i32[batch]
//   mask = kv_idx < prefix[b] || q_idx >= kv_idx }
// CHECK-LABEL: func.func @prefix(
// CHECK: memref.load
// CHECK: } {faattn.block_scan}
// CHECK: } {faattn.kv_head, faattn.kv_loop = "masked"}
func.func @prefix(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg6, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_5 : index
    %6 = arith.index_cast %arg5 : index to i32
    %7 = arith.index_cast %arg6 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg5, %arg6, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13 = arith.index_cast %c0_6 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64_8 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64_8 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %26:5 = scf.parallel (%arg8) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %45 = arith.index_cast %arg8 : index to i64
      %46 = arith.muli %45, %c128_i64 : i64
      %47 = arith.addi %46, %c128_i64 : i64
      %48 = arith.minsi %47, %16 : i64
      %49 = arith.subi %48, %c1_i64 : i64
      %50 = arith.index_cast %17 : i64 to index
      %51 = memref.load %arg4[%50] : memref<?xi32>
      %52 = arith.extsi %51 : i32 to i64
      %c-2147483648_i64 = arith.constant -2147483648 : i64
      %53 = arith.cmpi sge, %52, %c-2147483648_i64 : i64
      %c2147483647_i64 = arith.constant 2147483647 : i64
      %54 = arith.cmpi sle, %52, %c2147483647_i64 : i64
      %55 = arith.andi %53, %54 : i1
      %c-2147483648_i64_9 = arith.constant -2147483648 : i64
      %56 = arith.select %55, %52, %c-2147483648_i64_9 : i64
      %c2147483647_i64_10 = arith.constant 2147483647 : i64
      %57 = arith.select %55, %52, %c2147483647_i64_10 : i64
      %58 = arith.cmpi slt, %46, %57 : i64
      %59 = arith.cmpi sge, %49, %56 : i64
      %60 = arith.cmpi sge, %22, %46 : i64
      %61 = arith.cmpi slt, %19, %49 : i64
      %62 = arith.ori %58, %60 : i1
      %63 = arith.andi %59, %61 : i1
      %64 = arith.cmpi sle, %47, %16 : i64
      %true = arith.constant true
      %65 = arith.xori %63, %true : i1
      %66 = arith.andi %65, %64 : i1
      %67 = arith.select %62, %45, %14 : i64
      %68 = arith.select %62, %45, %c-1_i64 : i64
      %69 = arith.select %66, %45, %14 : i64
      %70 = arith.select %66, %45, %c-1_i64 : i64
      %71 = arith.extui %66 : i1 to i64
      scf.reduce(%67, %68, %69, %70, %71 : i64, i64, i64, i64, i64) {
      ^bb0(%arg9: i64, %arg10: i64):
        %72 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %72 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %72 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %72 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %72 = arith.minsi %arg9, %arg10 : i64
        scf.reduce.return %72 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %72 = arith.maxsi %arg9, %arg10 : i64
        scf.reduce.return %72 : i64
      }, {
      ^bb0(%arg9: i64, %arg10: i64):
        %72 = arith.addi %arg9, %arg10 : i64
        scf.reduce.return %72 : i64
      }
    } {faattn.block_scan}
    %27 = arith.maxsi %26#0, %13 : i64
    %28 = arith.addi %26#1, %c1_i64 : i64
    %29 = arith.maxsi %28, %27 : i64
    %30 = arith.addi %26#3, %c1_i64 : i64
    %31 = arith.subi %30, %26#2 : i64
    %32 = arith.cmpi sgt, %26#4, %c0_i64 : i64
    %33 = arith.cmpi eq, %26#4, %31 : i64
    %34 = arith.andi %32, %33 : i1
    %35 = arith.select %34, %26#2, %29 : i64
    %36 = arith.addi %26#3, %c1_i64 : i64
    %37 = arith.select %34, %36, %29 : i64
    %38 = arith.index_cast %27 : i64 to index
    %39 = arith.index_cast %35 : i64 to index
    %40 = arith.index_cast %37 : i64 to index
    %41 = arith.index_cast %29 : i64 to index
    %42:3 = scf.for %arg8 = %38 to %39 step %c1_7 iter_args(%arg9 = %10, %arg10 = %11, %arg11 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_9 = arith.constant 128 : index
      %45 = arith.muli %arg8, %c128_9 : index
      %46 = arith.index_cast %45 : index to i32
      %47 = faattn.tile_load %arg1[%arg5, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %48 = faattn.tile_dot %9, %47 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %49 = faattn.tile_mask %48 at[%6, %7, %8, %46] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %51 = arith.index_cast %b : i32 to index
        %52 = memref.load %arg12[%51] : memref<?xi32>
        %53 = arith.cmpi slt, %kv_idx, %52 : i32
        %54 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %55 = arith.ori %53, %54 : i1
        faattn.yield %55 : i1
      }
      %50 = faattn.tile_load %arg2[%arg5, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %49, %50, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg8 = %39 to %40 step %c1_7 iter_args(%arg9 = %42#0, %arg10 = %42#1, %arg11 = %42#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_9 = arith.constant 128 : index
      %45 = arith.muli %arg8, %c128_9 : index
      %46 = arith.index_cast %45 : index to i32
      %47 = faattn.tile_load %arg1[%arg5, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %48 = faattn.tile_dot %9, %47 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %49 = faattn.tile_load %arg2[%arg5, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %48, %49, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg8 = %40 to %41 step %c1_7 iter_args(%arg9 = %43#0, %arg10 = %43#1, %arg11 = %43#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_9 = arith.constant 128 : index
      %45 = arith.muli %arg8, %c128_9 : index
      %46 = arith.index_cast %45 : index to i32
      %47 = faattn.tile_load %arg1[%arg5, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %48 = faattn.tile_dot %9, %47 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %49 = faattn.tile_mask %48 at[%6, %7, %8, %46] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg12: memref<?xi32>):
        %51 = arith.index_cast %b : i32 to index
        %52 = memref.load %arg12[%51] : memref<?xi32>
        %53 = arith.cmpi slt, %kv_idx, %52 : i32
        %54 = arith.cmpi sge, %q_idx, %kv_idx : i32
        %55 = arith.ori %53, %54 : i1
        faattn.yield %55 : i1
      }
      %50 = faattn.tile_load %arg2[%arg5, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %49, %50, %arg9, %arg10, %arg11 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %out, %lse = faattn.softmax_finalize %44#0, %44#1, %44#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 496 : i64, partial = 528 : i64}, faattn.grid}
  return
}

// A scan that reads nothing (causal, windows) is short: its kernels keep their loops (a
// changed loop costs registers and hides little: PERFORMANCE.md step 12).
// kernel causal { heads = 4; head_dim = 128; mask = causal }
// CHECK-LABEL: func.func @causal(
// CHECK: } {faattn.block_scan}
// CHECK-NOT: faattn.kv_head
// CHECK: } {faattn.kv_loop = "full"}
// CHECK-NOT: faattn.kv_head
func.func @causal(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.long_kv_alternative = 4096 : i64, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_4 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_4 : index
    %c128_5 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_5 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_6 = arith.constant 0 : index
    %c1_7 = arith.constant 1 : index
    %13 = arith.index_cast %c0_6 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.extsi %6 : i32 to i64
    %18 = arith.extsi %7 : i32 to i64
    %19 = arith.extsi %8 : i32 to i64
    %c128_i64_8 = arith.constant 128 : i64
    %20 = arith.addi %19, %c128_i64_8 : i64
    %21 = arith.minsi %20, %15 : i64
    %22 = arith.subi %21, %c1_i64 : i64
    %c-1_i64 = arith.constant -1 : i64
    %c0_i64 = arith.constant 0 : i64
    %23 = arith.index_cast %13 : i64 to index
    %24 = arith.index_cast %14 : i64 to index
    %25 = arith.index_cast %c1_i64 : i64 to index
    %26:5 = scf.parallel (%arg7) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
      %45 = arith.index_cast %arg7 : index to i64
      %46 = arith.muli %45, %c128_i64 : i64
      %47 = arith.addi %46, %c128_i64 : i64
      %48 = arith.minsi %47, %16 : i64
      %49 = arith.subi %48, %c1_i64 : i64
      %50 = arith.cmpi sge, %22, %46 : i64
      %51 = arith.cmpi slt, %19, %49 : i64
      %52 = arith.cmpi sle, %47, %16 : i64
      %true = arith.constant true
      %53 = arith.xori %51, %true : i1
      %54 = arith.andi %53, %52 : i1
      %55 = arith.select %50, %45, %14 : i64
      %56 = arith.select %50, %45, %c-1_i64 : i64
      %57 = arith.select %54, %45, %14 : i64
      %58 = arith.select %54, %45, %c-1_i64 : i64
      %59 = arith.extui %54 : i1 to i64
      scf.reduce(%55, %56, %57, %58, %59 : i64, i64, i64, i64, i64) {
      ^bb0(%arg8: i64, %arg9: i64):
        %60 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %60 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %60 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %60 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %60 = arith.minsi %arg8, %arg9 : i64
        scf.reduce.return %60 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %60 = arith.maxsi %arg8, %arg9 : i64
        scf.reduce.return %60 : i64
      }, {
      ^bb0(%arg8: i64, %arg9: i64):
        %60 = arith.addi %arg8, %arg9 : i64
        scf.reduce.return %60 : i64
      }
    } {faattn.block_scan}
    %27 = arith.maxsi %26#0, %13 : i64
    %28 = arith.addi %26#1, %c1_i64 : i64
    %29 = arith.maxsi %28, %27 : i64
    %30 = arith.addi %26#3, %c1_i64 : i64
    %31 = arith.subi %30, %26#2 : i64
    %32 = arith.cmpi sgt, %26#4, %c0_i64 : i64
    %33 = arith.cmpi eq, %26#4, %31 : i64
    %34 = arith.andi %32, %33 : i1
    %35 = arith.select %34, %26#2, %29 : i64
    %36 = arith.addi %26#3, %c1_i64 : i64
    %37 = arith.select %34, %36, %29 : i64
    %38 = arith.index_cast %27 : i64 to index
    %39 = arith.index_cast %35 : i64 to index
    %40 = arith.index_cast %37 : i64 to index
    %41 = arith.index_cast %29 : i64 to index
    %42:3 = scf.for %arg7 = %38 to %39 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_9 = arith.constant 128 : index
      %45 = arith.muli %arg7, %c128_9 : index
      %46 = arith.index_cast %45 : index to i32
      %47 = faattn.tile_load %arg1[%arg4, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %48 = faattn.tile_dot %9, %47 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %49 = faattn.tile_mask %48 at[%6, %7, %8, %46] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %51 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %51 : i1
      }
      %50 = faattn.tile_load %arg2[%arg4, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %49, %50, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %43:3 = scf.for %arg7 = %39 to %40 step %c1_7 iter_args(%arg8 = %42#0, %arg9 = %42#1, %arg10 = %42#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_9 = arith.constant 128 : index
      %45 = arith.muli %arg7, %c128_9 : index
      %46 = arith.index_cast %45 : index to i32
      %47 = faattn.tile_load %arg1[%arg4, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %48 = faattn.tile_dot %9, %47 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %49 = faattn.tile_load %arg2[%arg4, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %48, %49, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "full"}
    %44:3 = scf.for %arg7 = %40 to %41 step %c1_7 iter_args(%arg8 = %43#0, %arg9 = %43#1, %arg10 = %43#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c128_9 = arith.constant 128 : index
      %45 = arith.muli %arg7, %c128_9 : index
      %46 = arith.index_cast %45 : index to i32
      %47 = faattn.tile_load %arg1[%arg4, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %48 = faattn.tile_dot %9, %47 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
      %49 = faattn.tile_mask %48 at[%6, %7, %8, %46] seq[%2, %3] : <128x128xf32> {
      ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
        %51 = arith.cmpi sge, %q_idx, %kv_idx : i32
        faattn.yield %51 : i1
      }
      %50 = faattn.tile_load %arg2[%arg4, %4, %45] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %49, %50, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %out, %lse = faattn.softmax_finalize %44#0, %44#1, %44#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.block_counts = {empty = 496 : i64, full = 496 : i64, partial = 32 : i64}, faattn.grid}
  return
}

// No mask: no scan (the ranges are known without reading anything), nothing to peel.
// kernel plain { heads = 4; head_dim = 128 }
// CHECK-LABEL: func.func @plain(
// CHECK-NOT: faattn.kv_head
// CHECK: } {faattn.kv_loop = "full"}
// CHECK-NOT: faattn.kv_head
func.func @plain(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c176 = arith.constant 176 : index
  %1 = arith.ceildivui %dim_2, %c176 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
    %c1_3 = arith.constant 1 : index
    %4 = arith.divui %arg5, %c1_3 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg6, %c128_4 : index
    %6 = arith.index_cast %arg4 : index to i32
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %10 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    %c0_5 = arith.constant 0 : index
    %c1_6 = arith.constant 1 : index
    %13 = arith.index_cast %c0_5 : index to i64
    %14 = arith.index_cast %1 : index to i64
    %15 = arith.extsi %2 : i32 to i64
    %16 = arith.extsi %3 : i32 to i64
    %c176_i64 = arith.constant 176 : i64
    %c1_i64 = arith.constant 1 : i64
    %17 = arith.divsi %16, %c176_i64 : i64
    %18 = arith.minsi %17, %14 : i64
    %19 = arith.maxsi %18, %13 : i64
    %20 = arith.index_cast %13 : i64 to index
    %21 = arith.index_cast %13 : i64 to index
    %22 = arith.index_cast %19 : i64 to index
    %23:3 = scf.for %arg7 = %20 to %21 step %c1_6 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c176_7 = arith.constant 176 : index
      %26 = arith.muli %arg7, %c176_7 : index
      %27 = arith.index_cast %26 : index to i32
      %28 = faattn.tile_load %arg1[%arg4, %4, %26] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %29 = faattn.tile_dot %9, %28 {transpose_rhs} : <128x128xbf16>, <176x128xbf16> -> <128x176xf32>
      %30 = faattn.tile_mask %29 at[%6, %7, %8, %27] seq[%2, %3] : <128x176xf32>
      %31 = faattn.tile_load %arg2[%arg4, %4, %26] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %30, %31, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x176xf32>, <176x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %24:3 = scf.for %arg7 = %21 to %22 step %c1_6 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c176_7 = arith.constant 176 : index
      %26 = arith.muli %arg7, %c176_7 : index
      %27 = arith.index_cast %26 : index to i32
      %28 = faattn.tile_load %arg1[%arg4, %4, %26] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %29 = faattn.tile_dot %9, %28 {transpose_rhs} : <128x128xbf16>, <176x128xbf16> -> <128x176xf32>
      %30 = faattn.tile_load %arg2[%arg4, %4, %26] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %29, %30, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x176xf32>, <176x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "full"}
    %25:3 = scf.for %arg7 = %22 to %1 step %c1_6 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>) {
      %c176_7 = arith.constant 176 : index
      %26 = arith.muli %arg7, %c176_7 : index
      %27 = arith.index_cast %26 : index to i32
      %28 = faattn.tile_load %arg1[%arg4, %4, %26] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %29 = faattn.tile_dot %9, %28 {transpose_rhs} : <128x128xbf16>, <176x128xbf16> -> <128x176xf32>
      %30 = faattn.tile_mask %29 at[%6, %7, %8, %27] seq[%2, %3] : <128x176xf32>
      %31 = faattn.tile_load %arg2[%arg4, %4, %26] <bshd> : memref<?x?x4x128xbf16> -> <176x128xbf16>
      %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %30, %31, %arg8, %arg9, %arg10 {scale_log2 = 0.127517432 : f32} : <128x176xf32>, <176x128xbf16>, <128x128xf32>, <128x1xf32>
      scf.yield %new_acc, %new_row_max, %new_row_sum : !faattn.tile<128x128xf32>, !faattn.tile<128x1xf32>, !faattn.tile<128x1xf32>
    } {faattn.kv_loop = "masked"}
    %out, %lse = faattn.softmax_finalize %25#0, %25#1, %25#2 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg4, %arg5, %5] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 768 : i64, partial = 0 : i64}, faattn.grid}
  return
}

// -----

// The FlashAttention-1 order keeps one KV loop with the mask in every block: nothing to peel.
// kernel documents with faattn.loop_order = "kv-outer" added after faattn-tile, then
// faattn-loop-order and faattn-mask-analysis.
// CHECK-LABEL: func.func @documents_kv_outer(
// KVOUTER-LABEL: func.func @documents_kv_outer(
// KVOUTER-NOT: faattn.kv_head
// KVOUTER: faattn.kv_loop_outer
// KVOUTER-NOT: faattn.kv_head
func.func @documents_kv_outer(%arg0: memref<?x?x4x128xbf16>, %arg1: memref<?x?x4x128xbf16>, %arg2: memref<?x?x4x128xbf16>, %arg3: memref<?x?x4x128xbf16>, %arg4: memref<?xi32>) attributes {faattn.kernel, faattn.loop_order = "kv-outer", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x128xbf16>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x128xbf16>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x4x128xbf16>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  %c4 = arith.constant 4 : index
  %c4_4 = arith.constant 4 : index
  %c128_5 = arith.constant 128 : index
  %4 = arith.muli %0, %c128_5 : index
  %alloc = memref.alloc(%dim, %4) : memref<?x?x4x128xf32>
  %alloc_6 = memref.alloc(%dim, %4) : memref<?x4x?xf32>
  %alloc_7 = memref.alloc(%dim, %4) : memref<?x4x?xf32>
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c128_8 = arith.constant 128 : index
    %5 = arith.muli %arg7, %c128_8 : index
    %6 = faattn.tile_splat 0.000000e+00 : <128x128xf32>
    faattn.tile_store %6, %alloc[%arg5, %arg6, %5] <bshd> : <128x128xf32>, memref<?x?x4x128xf32>
    %7 = faattn.tile_splat 0xFF800000 : <128x1xf32>
    faattn.tile_store %7, %alloc_6[%arg5, %arg6, %5] <bshd> : <128x1xf32>, memref<?x4x?xf32>
    %8 = faattn.tile_splat 0.000000e+00 : <128x1xf32>
    faattn.tile_store %8, %alloc_7[%arg5, %arg6, %5] <bshd> : <128x1xf32>, memref<?x4x?xf32>
  } {faattn.loop_order_init}
  scf.forall (%arg5, %arg6) in (%dim, 4) {
    %c0_8 = arith.constant 0 : index
    %c1_9 = arith.constant 1 : index
    scf.for %arg7 = %c0_8 to %1 step %c1_9 {
      %c0_10 = arith.constant 0 : index
      %c1_11 = arith.constant 1 : index
      scf.for %arg8 = %c0_10 to %0 step %c1_11 {
        %c1_12 = arith.constant 1 : index
        %5 = arith.divui %arg6, %c1_12 : index
        %c128_13 = arith.constant 128 : index
        %6 = arith.muli %arg8, %c128_13 : index
        %7 = arith.index_cast %arg5 : index to i32
        %8 = arith.index_cast %arg6 : index to i32
        %9 = arith.index_cast %6 : index to i32
        %10 = faattn.tile_load %arg0[%arg5, %arg6, %6] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
        %c0_14 = arith.constant 0 : index
        %c1_15 = arith.constant 1 : index
        %11 = faattn.tile_load %alloc[%arg5, %arg6, %6] <bshd> : memref<?x?x4x128xf32> -> <128x128xf32>
        %12 = faattn.tile_load %alloc_6[%arg5, %arg6, %6] <bshd> : memref<?x4x?xf32> -> <128x1xf32>
        %13 = faattn.tile_load %alloc_7[%arg5, %arg6, %6] <bshd> : memref<?x4x?xf32> -> <128x1xf32>
        %c128_16 = arith.constant 128 : index
        %14 = arith.muli %arg7, %c128_16 : index
        %15 = arith.index_cast %14 : index to i32
        %16 = faattn.tile_load %arg1[%arg5, %5, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
        %17 = faattn.tile_dot %10, %16 {transpose_rhs} : <128x128xbf16>, <128x128xbf16> -> <128x128xf32>
        %18 = faattn.tile_mask %17 at[%7, %8, %9, %15] seq[%2, %3] params(%arg4 : memref<?xi32>) : <128x128xf32> {
        ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg9: memref<?xi32>):
          %20 = arith.index_cast %q_idx : i32 to index
          %21 = memref.load %arg9[%20] : memref<?xi32>
          %22 = arith.index_cast %kv_idx : i32 to index
          %23 = memref.load %arg9[%22] : memref<?xi32>
          %24 = arith.cmpi eq, %21, %23 : i32
          %25 = arith.cmpi sge, %q_idx, %kv_idx : i32
          %26 = arith.andi %24, %25 : i1
          faattn.yield %26 : i1
        }
        %19 = faattn.tile_load %arg2[%arg5, %5, %14] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
        %new_acc, %new_row_max, %new_row_sum = faattn.softmax_update %18, %19, %11, %12, %13 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x128xbf16>, <128x128xf32>, <128x1xf32>
        faattn.tile_store %new_acc, %alloc[%arg5, %arg6, %6] <bshd> : <128x128xf32>, memref<?x?x4x128xf32>
        faattn.tile_store %new_row_max, %alloc_6[%arg5, %arg6, %6] <bshd> : <128x1xf32>, memref<?x4x?xf32>
        faattn.tile_store %new_row_sum, %alloc_7[%arg5, %arg6, %6] <bshd> : <128x1xf32>, memref<?x4x?xf32>
      }
    } {faattn.kv_loop_outer}
  } {faattn.grid, faattn.kv_outer}
  scf.forall (%arg5, %arg6, %arg7) in (%dim, 4, %0) {
    %c1_8 = arith.constant 1 : index
    %5 = arith.divui %arg6, %c1_8 : index
    %c128_9 = arith.constant 128 : index
    %6 = arith.muli %arg7, %c128_9 : index
    %7 = arith.index_cast %arg5 : index to i32
    %8 = arith.index_cast %arg6 : index to i32
    %9 = arith.index_cast %6 : index to i32
    %10 = faattn.tile_load %arg0[%arg5, %arg6, %6] <bshd> : memref<?x?x4x128xbf16> -> <128x128xbf16>
    %c0_10 = arith.constant 0 : index
    %c1_11 = arith.constant 1 : index
    %11 = faattn.tile_load %alloc[%arg5, %arg6, %6] <bshd> : memref<?x?x4x128xf32> -> <128x128xf32>
    %12 = faattn.tile_load %alloc_6[%arg5, %arg6, %6] <bshd> : memref<?x4x?xf32> -> <128x1xf32>
    %13 = faattn.tile_load %alloc_7[%arg5, %arg6, %6] <bshd> : memref<?x4x?xf32> -> <128x1xf32>
    %out, %lse = faattn.softmax_finalize %11, %12, %13 {scale_log2 = 0.127517432 : f32} : <128x128xf32>, <128x1xf32> -> <128x128xbf16>
    faattn.tile_store %out, %arg3[%arg5, %arg6, %6] <bshd> : <128x128xbf16>, memref<?x?x4x128xbf16>
  } {faattn.loop_order_final}
  return
}
