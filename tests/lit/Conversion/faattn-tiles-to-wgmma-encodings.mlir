// The wgmma lowering reads each product's form from the layout encodings that
// faattn-assign-layouts put on its tiles: A in shared memory (#faattn.smem) an SS
// wgmma with a K-major B, A a wgmma fragment (#faattn.wgmma_a) an RS wgmma with an
// MN-major B, the result a #faattn.wgmma_acc accumulator. The input is the IR of
//   kernel tiny { heads = 1; head_dim = 64; tile = 64x64 }
// after the algorithm passes (faattn-compile --emit=mlir).
// RUN: faattn-opt %s -faattn-tiles-to-wgmma | FileCheck %s
// Without the accumulator encodings the lowering does not guess: an error.
// RUN: sed -e 's/, #faattn.wgmma_acc<warpgroups = 1>//g' %s | not faattn-opt -faattn-tiles-to-wgmma 2>&1 | FileCheck %s --check-prefix=NOACC
// P in shared memory (#faattn.smem) makes P V an SS product, which takes a K-major B: not
// a form the lowering has, so the kernel is left to the SIMT path with the reason.
// RUN: sed -e 's/#faattn.wgmma_a<warpgroups = 1>/#faattn.smem<swizzle = 128, stages = 1>/g' %s | faattn-opt -faattn-tiles-to-wgmma | FileCheck %s --check-prefix=SMEMP

// CHECK: gpu.func @tiny(
// CHECK-SAME: faattn.mapping = "wgmma"
// CHECK: nvvm.wgmma.mma_async
// CHECK: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
// NOACC: error: 'faattn.tile_dot' op has an operand or result without a layout encoding (the wgmma lowering reads the layouts faattn-assign-layouts assigns)
// SMEMP: func.func @tiny(
// SMEMP-SAME: faattn.wgmma_skipped = "a product with A in shared memory takes a K-major B (a transposed right operand)"
// SMEMP-NOT: gpu.func @tiny

module {
  func.func @tiny(%arg0: memref<?x?x1x64xbf16>, %arg1: memref<?x?x1x64xbf16>, %arg2: memref<?x?x1x64xbf16>, %arg3: memref<?x?x1x64xbf16>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.spec_hash = "6830b4410ee9d66dce8f8a12a9de1fe5cee61a956cdd9062fb5a143065f26e82", faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x1x64xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x1x64xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x1x64xbf16>
    %c64 = arith.constant 64 : index
    %0 = arith.ceildivui %dim_0, %c64 : index
    %c64_3 = arith.constant 64 : index
    %1 = arith.ceildivui %dim_2, %c64_3 : index
    %2 = arith.index_cast %dim_0 : index to i32
    %3 = arith.index_cast %dim_2 : index to i32
    scf.forall (%arg4, %arg5, %arg6) in (%dim, 1, %0) {
      %c1_4 = arith.constant 1 : index
      %4 = arith.divui %arg5, %c1_4 : index
      %c64_5 = arith.constant 64 : index
      %5 = arith.muli %arg6, %c64_5 : index
      %6 = arith.index_cast %arg4 : index to i32
      %7 = arith.index_cast %arg5 : index to i32
      %8 = arith.index_cast %5 : index to i32
      %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
      %10 = faattn.tile_splat 0.000000e+00 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %11 = faattn.tile_splat 0xFF800000 : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %12 = faattn.tile_splat 0.000000e+00 : <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      %c0_6 = arith.constant 0 : index
      %c1_7 = arith.constant 1 : index
      %13 = arith.index_cast %c0_6 : index to i64
      %14 = arith.index_cast %1 : index to i64
      %15 = arith.extsi %2 : i32 to i64
      %16 = arith.extsi %3 : i32 to i64
      %c64_i64 = arith.constant 64 : i64
      %c1_i64 = arith.constant 1 : i64
      %17 = arith.divsi %16, %c64_i64 : i64
      %18 = arith.minsi %17, %14 : i64
      %19 = arith.maxsi %18, %13 : i64
      %20 = arith.index_cast %13 : i64 to index
      %21 = arith.index_cast %13 : i64 to index
      %22 = arith.index_cast %19 : i64 to index
      %23:3 = scf.for %arg7 = %20 to %21 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
        %c64_8 = arith.constant 64 : index
        %28 = arith.muli %arg7, %c64_8 : index
        %29 = arith.index_cast %28 : index to i32
        %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %34 = faattn.tile_reduce <max> %32 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %35 = faattn.tile_map %arg9, %34 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %44 = arith.maximumf %arg11, %arg12 : f32
          faattn.yield %44 : f32
        }
        %36 = faattn.tile_map %35 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32):
          %cst = arith.constant 0xFF800000 : f32
          %44 = arith.cmpf oeq, %arg11, %cst : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %45 = arith.mulf %arg11, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %46 = arith.select %44, %cst_10, %45 : f32
          faattn.yield %46 : f32
        }
        %37 = faattn.tile_map %32, %36 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %44 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %45 = math.fma %arg11, %cst, %44 : f32
          %46 = math.exp2 %45 : f32
          faattn.yield %46 : f32
        }
        %38 = faattn.tile_map %arg9, %36 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %44 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %45 = math.fma %arg11, %cst, %44 : f32
          %46 = math.exp2 %45 : f32
          faattn.yield %46 : f32
        }
        %39 = faattn.tile_reduce <sum> %37 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %44 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %44 : f32
        }
        %41 = faattn.tile_map %37 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>> {
        ^bb0(%arg11: f32):
          %44 = arith.truncf %arg11 : f32 to bf16
          faattn.yield %44 : bf16
        }
        %42 = faattn.tile_dot %41, %33 : <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %44 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %44 : f32
        }
        scf.yield %43, %35, %40 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      } {faattn.kv_loop = "masked"}
      %24:3 = scf.for %arg7 = %21 to %22 step %c1_7 iter_args(%arg8 = %23#0, %arg9 = %23#1, %arg10 = %23#2) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
        %c64_8 = arith.constant 64 : index
        %28 = arith.muli %arg7, %c64_8 : index
        %29 = arith.index_cast %28 : index to i32
        %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %32 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %33 = faattn.tile_reduce <max> %31 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %34 = faattn.tile_map %arg9, %33 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %43 = arith.maximumf %arg11, %arg12 : f32
          faattn.yield %43 : f32
        }
        %35 = faattn.tile_map %34 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32):
          %cst = arith.constant 0xFF800000 : f32
          %43 = arith.cmpf oeq, %arg11, %cst : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %44 = arith.mulf %arg11, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %45 = arith.select %43, %cst_10, %44 : f32
          faattn.yield %45 : f32
        }
        %36 = faattn.tile_map %31, %35 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %43 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %44 = math.fma %arg11, %cst, %43 : f32
          %45 = math.exp2 %44 : f32
          faattn.yield %45 : f32
        }
        %37 = faattn.tile_map %arg9, %35 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %43 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %44 = math.fma %arg11, %cst, %43 : f32
          %45 = math.exp2 %44 : f32
          faattn.yield %45 : f32
        }
        %38 = faattn.tile_reduce <sum> %36 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %39 = faattn.tile_map %arg10, %37, %38 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %43 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %43 : f32
        }
        %40 = faattn.tile_map %36 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>> {
        ^bb0(%arg11: f32):
          %43 = arith.truncf %arg11 : f32 to bf16
          faattn.yield %43 : bf16
        }
        %41 = faattn.tile_dot %40, %32 : <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %42 = faattn.tile_map %arg8, %37, %41 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %43 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %43 : f32
        }
        scf.yield %42, %34, %39 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      } {faattn.kv_loop = "full"}
      %25:3 = scf.for %arg7 = %22 to %1 step %c1_7 iter_args(%arg8 = %24#0, %arg9 = %24#1, %arg10 = %24#2) -> (!faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>) {
        %c64_8 = arith.constant 64 : index
        %28 = arith.muli %arg7, %c64_8 : index
        %29 = arith.index_cast %28 : index to i32
        %30 = faattn.tile_load %arg1[%arg4, %4, %28] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %31 = faattn.tile_dot %9, %30 {transpose_rhs} : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %32 = faattn.tile_mask %31 at[%6, %7, %8, %29] seq[%2, %3] : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %33 = faattn.tile_load %arg2[%arg4, %4, %28] <bshd> : memref<?x?x1x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %34 = faattn.tile_reduce <max> %32 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %35 = faattn.tile_map %arg9, %34 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %44 = arith.maximumf %arg11, %arg12 : f32
          faattn.yield %44 : f32
        }
        %36 = faattn.tile_map %35 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32):
          %cst = arith.constant 0xFF800000 : f32
          %44 = arith.cmpf oeq, %arg11, %cst : f32
          %cst_9 = arith.constant 0.180336878 : f32
          %45 = arith.mulf %arg11, %cst_9 : f32
          %cst_10 = arith.constant 0.000000e+00 : f32
          %46 = arith.select %44, %cst_10, %45 : f32
          faattn.yield %46 : f32
        }
        %37 = faattn.tile_map %32, %36 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %44 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %45 = math.fma %arg11, %cst, %44 : f32
          %46 = math.exp2 %45 : f32
          faattn.yield %46 : f32
        }
        %38 = faattn.tile_map %arg9, %36 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32):
          %44 = arith.negf %arg12 : f32
          %cst = arith.constant 0.180336878 : f32
          %45 = math.fma %arg11, %cst, %44 : f32
          %46 = math.exp2 %45 : f32
          faattn.yield %46 : f32
        }
        %39 = faattn.tile_reduce <sum> %37 : <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %40 = faattn.tile_map %arg10, %38, %39 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %44 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %44 : f32
        }
        %41 = faattn.tile_map %37 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>> {
        ^bb0(%arg11: f32):
          %44 = arith.truncf %arg11 : f32 to bf16
          faattn.yield %44 : bf16
        }
        %42 = faattn.tile_dot %41, %33 : <64x64xbf16, #faattn.wgmma_a<warpgroups = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>
        %43 = faattn.tile_map %arg8, %38, %42 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xf32, #faattn.wgmma_acc<warpgroups = 1>> {
        ^bb0(%arg11: f32, %arg12: f32, %arg13: f32):
          %44 = math.fma %arg11, %arg12, %arg13 : f32
          faattn.yield %44 : f32
        }
        scf.yield %43, %35, %40 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>
      } {faattn.kv_loop = "masked"}
      %26 = faattn.tile_map %25#0, %25#2 : !faattn.tile<64x64xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %28 = arith.cmpf ogt, %arg8, %cst : f32
        %29 = arith.divf %arg7, %arg8 : f32
        %cst_8 = arith.constant 0.000000e+00 : f32
        %30 = arith.select %28, %29, %cst_8 : f32
        %31 = arith.truncf %30 : f32 to bf16
        faattn.yield %31 : bf16
      }
      %27 = faattn.tile_map %25#1, %25#2 : !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>>, !faattn.tile<64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> -> <64x1xf32, #faattn.wgmma_acc<warpgroups = 1>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %28 = arith.cmpf ogt, %arg8, %cst : f32
        %cst_8 = arith.constant 0.180336878 : f32
        %29 = math.log2 %arg8 : f32
        %30 = math.fma %arg7, %cst_8, %29 : f32
        %cst_9 = arith.constant 0.693147182 : f32
        %31 = arith.mulf %30, %cst_9 : f32
        %cst_10 = arith.constant 0xFF800000 : f32
        %32 = arith.select %28, %31, %cst_10 : f32
        faattn.yield %32 : f32
      }
      faattn.tile_store %26, %arg3[%arg4, %arg5, %5] <bshd> : <64x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x1x64xbf16>
    } {faattn.block_counts = {empty = 0 : i64, full = 4096 : i64, partial = 0 : i64}, faattn.grid}
    return
  }
}
