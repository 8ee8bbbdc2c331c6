// faattn-tiles-to-gpu on overlap = softmax kernels that faattn-tiles-to-wgmma left with their
// rotated KV loops (the wgmma TMA pipeline does not take them; faattn.wgmma_skipped says why):
// the SIMT path does not lower rotated loops, and says why the TMA pipeline did not.
// The input: faattn-tiles-to-wgmma's output (faattn-compile --emit=mlir --kernel=NAME, then
// faattn-opt -faattn-tiles-to-wgmma) on kernels of
// tests/lit/Pipeline/pipeline-faattn-tiles-to-wgmma-overlap.fa.
// RUN: faattn-opt %s -split-input-file -faattn-tiles-to-gpu -verify-diagnostics

// Head dim 256 with 128 x 128 tiles: one K/V stage fits in shared memory, the rotated loops
// need two.
// kernel ov_one_stage { heads = 2; head_dim = 256; tile = 128x128; overlap = softmax }
module attributes {gpu.container_module} {
  // expected-error @+1 {{overlap = softmax (faattn-overlap-softmax's rotated KV loops) is lowered on the wgmma TMA pipeline only, which this kernel does not take: rotated KV loops need two K/V stages, shared memory holds one}}
  func.func @ov_one_stage(%arg0: memref<?x?x2x256xbf16>, %arg1: memref<?x?x2x256xbf16>, %arg2: memref<?x?x2x256xbf16>, %arg3: memref<?x?x2x256xbf16>) attributes {faattn.kernel, faattn.overlap = "softmax", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections", faattn.wgmma_skipped = "rotated KV loops need two K/V stages, shared memory holds one"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x2x256xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x256xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x256xbf16>
    %c128 = arith.constant 128 : index
    %0 = arith.ceildivui %dim_0, %c128 : index
    %c128_3 = arith.constant 128 : index
    %1 = arith.ceildivui %dim_2, %c128_3 : index
    %2 = arith.index_cast %dim_0 : index to i32
    %3 = arith.index_cast %dim_2 : index to i32
    scf.forall (%arg4, %arg5, %arg6) in (%dim, 2, %0) {
      %c1_4 = arith.constant 1 : index
      %4 = arith.divui %arg5, %c1_4 : index
      %c128_5 = arith.constant 128 : index
      %5 = arith.muli %arg6, %c128_5 : index
      %6 = arith.index_cast %arg4 : index to i32
      %7 = arith.index_cast %arg5 : index to i32
      %8 = arith.index_cast %5 : index to i32
      %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>
      %10 = faattn.tile_splat 0.000000e+00 : <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %c0_6 = arith.constant 0 : index
      %c1_7 = arith.constant 1 : index
      %13 = arith.index_cast %c0_6 : index to i64
      %14 = arith.index_cast %1 : index to i64
      %15 = arith.extsi %2 : i32 to i64
      %16 = arith.extsi %3 : i32 to i64
      %c128_i64 = arith.constant 128 : i64
      %c1_i64 = arith.constant 1 : i64
      %17 = arith.divsi %16, %c128_i64 : i64
      %18 = arith.minsi %17, %14 : i64
      %19 = arith.maxsi %18, %13 : i64
      %20 = arith.index_cast %13 : i64 to index
      %21 = arith.index_cast %13 : i64 to index
      %22 = arith.index_cast %19 : i64 to index
      %23 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %24 = faattn.tile_splat 0.000000e+00 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>
      %25:6 = scf.for %arg7 = %20 to %21 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12, %arg11 = %23, %arg12 = %24, %arg13 = %20) -> (!faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, index) {
        %c128_13 = arith.constant 128 : index
        %52 = arith.muli %arg7, %c128_13 : index
        %53 = arith.index_cast %52 : index to i32
        %54 = faattn.tile_load %arg1[%arg4, %4, %52] <bshd> : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %55 = faattn.tile_dot %9, %54 {transpose_rhs} : <128x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %56 = arith.cmpi eq, %arg7, %20 : index
        %c128_14 = arith.constant 128 : index
        %57 = arith.muli %arg13, %c128_14 : index
        %c9223372036854775807_15 = arith.constant 9223372036854775807 : index
        %58 = arith.select %56, %57, %c9223372036854775807_15 : index
        %59 = faattn.tile_load %arg2[%arg4, %4, %57] <bshd> limit %58 : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %60 = faattn.tile_dot %arg12, %59 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %61 = faattn.tile_map %arg8, %arg11, %60 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %62 = faattn.tile_mask %55 at[%6, %7, %8, %53] seq[%2, %3] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %63 = faattn.tile_reduce <max> %62 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %64 = faattn.tile_map %arg9, %63 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %71 : f32
        }
        %65 = faattn.tile_map %64 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %71 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_16 = arith.constant 0.0901684388 : f32
          %72 = arith.mulf %arg14, %cst_16 : f32
          %cst_17 = arith.constant 0.000000e+00 : f32
          %73 = arith.select %71, %cst_17, %72 : f32
          faattn.yield %73 : f32
        }
        %66 = faattn.tile_map %62, %65 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.0901684388 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %67 = faattn.tile_map %arg9, %65 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.0901684388 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %68 = faattn.tile_reduce <sum> %66 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %69 = faattn.tile_map %arg10, %67, %68 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %70 = faattn.tile_map %66 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %71 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %71 : bf16
        }
        scf.yield %61, %64, %69, %67, %70, %arg7 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, index
      } {faattn.kv_loop = "masked", faattn.rotated}
      %26 = arith.cmpi sge, %20, %21 : index
      %c128_8 = arith.constant 128 : index
      %27 = arith.muli %25#5, %c128_8 : index
      %c9223372036854775807 = arith.constant 9223372036854775807 : index
      %28 = arith.select %26, %27, %c9223372036854775807 : index
      %29 = faattn.tile_load %arg2[%arg4, %4, %27] <bshd> limit %28 : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %30 = faattn.tile_dot %25#4, %29 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %31 = faattn.tile_map %25#0, %25#3, %30 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %52 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %52 : f32
      }
      %32 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %33 = faattn.tile_splat 0.000000e+00 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>
      %34:6 = scf.for %arg7 = %21 to %22 step %c1_7 iter_args(%arg8 = %31, %arg9 = %25#1, %arg10 = %25#2, %arg11 = %32, %arg12 = %33, %arg13 = %21) -> (!faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, index) {
        %c128_13 = arith.constant 128 : index
        %52 = arith.muli %arg7, %c128_13 : index
        %53 = arith.index_cast %52 : index to i32
        %54 = faattn.tile_load %arg1[%arg4, %4, %52] <bshd> : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %55 = faattn.tile_dot %9, %54 {transpose_rhs} : <128x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %56 = arith.cmpi eq, %arg7, %21 : index
        %c128_14 = arith.constant 128 : index
        %57 = arith.muli %arg13, %c128_14 : index
        %c9223372036854775807_15 = arith.constant 9223372036854775807 : index
        %58 = arith.select %56, %57, %c9223372036854775807_15 : index
        %59 = faattn.tile_load %arg2[%arg4, %4, %57] <bshd> limit %58 : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %60 = faattn.tile_dot %arg12, %59 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %61 = faattn.tile_map %arg8, %arg11, %60 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %70 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %70 : f32
        }
        %62 = faattn.tile_reduce <max> %55 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %63 = faattn.tile_map %arg9, %62 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %70 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %70 : f32
        }
        %64 = faattn.tile_map %63 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %70 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_16 = arith.constant 0.0901684388 : f32
          %71 = arith.mulf %arg14, %cst_16 : f32
          %cst_17 = arith.constant 0.000000e+00 : f32
          %72 = arith.select %70, %cst_17, %71 : f32
          faattn.yield %72 : f32
        }
        %65 = faattn.tile_map %55, %64 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %70 = arith.negf %arg15 : f32
          %cst = arith.constant 0.0901684388 : f32
          %71 = math.fma %arg14, %cst, %70 : f32
          %72 = math.exp2 %71 : f32
          faattn.yield %72 : f32
        }
        %66 = faattn.tile_map %arg9, %64 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %70 = arith.negf %arg15 : f32
          %cst = arith.constant 0.0901684388 : f32
          %71 = math.fma %arg14, %cst, %70 : f32
          %72 = math.exp2 %71 : f32
          faattn.yield %72 : f32
        }
        %67 = faattn.tile_reduce <sum> %65 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %68 = faattn.tile_map %arg10, %66, %67 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %70 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %70 : f32
        }
        %69 = faattn.tile_map %65 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %70 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %70 : bf16
        }
        scf.yield %61, %63, %68, %66, %69, %arg7 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, index
      } {faattn.kv_loop = "full", faattn.rotated}
      %35 = arith.cmpi sge, %21, %22 : index
      %c128_9 = arith.constant 128 : index
      %36 = arith.muli %34#5, %c128_9 : index
      %c9223372036854775807_10 = arith.constant 9223372036854775807 : index
      %37 = arith.select %35, %36, %c9223372036854775807_10 : index
      %38 = faattn.tile_load %arg2[%arg4, %4, %36] <bshd> limit %37 : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %39 = faattn.tile_dot %34#4, %38 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %40 = faattn.tile_map %34#0, %34#3, %39 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %52 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %52 : f32
      }
      %41 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_splat 0.000000e+00 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>
      %43:6 = scf.for %arg7 = %22 to %1 step %c1_7 iter_args(%arg8 = %40, %arg9 = %34#1, %arg10 = %34#2, %arg11 = %41, %arg12 = %42, %arg13 = %22) -> (!faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, index) {
        %c128_13 = arith.constant 128 : index
        %52 = arith.muli %arg7, %c128_13 : index
        %53 = arith.index_cast %52 : index to i32
        %54 = faattn.tile_load %arg1[%arg4, %4, %52] <bshd> : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %55 = faattn.tile_dot %9, %54 {transpose_rhs} : <128x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %56 = arith.cmpi eq, %arg7, %22 : index
        %c128_14 = arith.constant 128 : index
        %57 = arith.muli %arg13, %c128_14 : index
        %c9223372036854775807_15 = arith.constant 9223372036854775807 : index
        %58 = arith.select %56, %57, %c9223372036854775807_15 : index
        %59 = faattn.tile_load %arg2[%arg4, %4, %57] <bshd> limit %58 : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %60 = faattn.tile_dot %arg12, %59 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %61 = faattn.tile_map %arg8, %arg11, %60 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %62 = faattn.tile_mask %55 at[%6, %7, %8, %53] seq[%2, %3] : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %63 = faattn.tile_reduce <max> %62 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %64 = faattn.tile_map %arg9, %63 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %71 : f32
        }
        %65 = faattn.tile_map %64 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %71 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_16 = arith.constant 0.0901684388 : f32
          %72 = arith.mulf %arg14, %cst_16 : f32
          %cst_17 = arith.constant 0.000000e+00 : f32
          %73 = arith.select %71, %cst_17, %72 : f32
          faattn.yield %73 : f32
        }
        %66 = faattn.tile_map %62, %65 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.0901684388 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %67 = faattn.tile_map %arg9, %65 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.0901684388 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %68 = faattn.tile_reduce <sum> %66 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %69 = faattn.tile_map %arg10, %67, %68 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %70 = faattn.tile_map %66 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %71 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %71 : bf16
        }
        scf.yield %61, %64, %69, %67, %70, %arg7 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, index
      } {faattn.kv_loop = "masked", faattn.rotated}
      %44 = arith.cmpi sge, %22, %1 : index
      %c128_11 = arith.constant 128 : index
      %45 = arith.muli %43#5, %c128_11 : index
      %c9223372036854775807_12 = arith.constant 9223372036854775807 : index
      %46 = arith.select %44, %45, %c9223372036854775807_12 : index
      %47 = faattn.tile_load %arg2[%arg4, %4, %45] <bshd> limit %46 : memref<?x?x2x256xbf16> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %48 = faattn.tile_dot %43#4, %47 : <128x128xbf16, #faattn.wgmma_a<warpgroups = 2>>, <128x256xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %49 = faattn.tile_map %43#0, %43#3, %48 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x256xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %52 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %52 : f32
      }
      %50 = faattn.tile_map %49, %43#2 : !faattn.tile<128x256xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x256xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %52 = arith.cmpf ogt, %arg8, %cst : f32
        %53 = arith.divf %arg7, %arg8 : f32
        %cst_13 = arith.constant 0.000000e+00 : f32
        %54 = arith.select %52, %53, %cst_13 : f32
        %55 = arith.truncf %54 : f32 to bf16
        faattn.yield %55 : bf16
      }
      %51 = faattn.tile_map %43#1, %43#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %52 = arith.cmpf ogt, %arg8, %cst : f32
        %cst_13 = arith.constant 0.0901684388 : f32
        %53 = math.log2 %arg8 : f32
        %54 = math.fma %arg7, %cst_13, %53 : f32
        %cst_14 = arith.constant 0.693147182 : f32
        %55 = arith.mulf %54, %cst_14 : f32
        %cst_15 = arith.constant 0xFF800000 : f32
        %56 = arith.select %52, %55, %cst_15 : f32
        faattn.yield %56 : f32
      }
      faattn.tile_store %50, %arg3[%arg4, %arg5, %5] <bshd> : <128x256xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x2x256xbf16>
    } {faattn.block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}, faattn.grid}
    return
  }
  gpu.module @faattn_kernels {
  }
}

// -----

// 32-row tiles have no wgmma lowering at all.
// kernel ov_small { heads = 2; head_dim = 64; tile = 32x32; overlap = softmax }
module attributes {gpu.container_module} {
  // expected-error @+1 {{overlap = softmax (faattn-overlap-softmax's rotated KV loops) is lowered on the wgmma TMA pipeline only, which this kernel does not take: block_m is not 64, 128, 192 or 256}}
  func.func @ov_small(%arg0: memref<?x?x2x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x2x64xbf16>) attributes {faattn.kernel, faattn.overlap = "softmax", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections", faattn.wgmma_skipped = "block_m is not 64, 128, 192 or 256"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x2x64xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x2x64xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
    %c32 = arith.constant 32 : index
    %0 = arith.ceildivui %dim_0, %c32 : index
    %c32_3 = arith.constant 32 : index
    %1 = arith.ceildivui %dim_2, %c32_3 : index
    %2 = arith.index_cast %dim_0 : index to i32
    %3 = arith.index_cast %dim_2 : index to i32
    scf.forall (%arg4, %arg5, %arg6) in (%dim, 2, %0) {
      %c1_4 = arith.constant 1 : index
      %4 = arith.divui %arg5, %c1_4 : index
      %c32_5 = arith.constant 32 : index
      %5 = arith.muli %arg6, %c32_5 : index
      %6 = arith.index_cast %arg4 : index to i32
      %7 = arith.index_cast %arg5 : index to i32
      %8 = arith.index_cast %5 : index to i32
      %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %10 = faattn.tile_splat 0.000000e+00 : <32x64xf32>
      %11 = faattn.tile_splat 0xFF800000 : <32x1xf32>
      %12 = faattn.tile_splat 0.000000e+00 : <32x1xf32>
      %c0_6 = arith.constant 0 : index
      %c1_7 = arith.constant 1 : index
      %13 = arith.index_cast %c0_6 : index to i64
      %14 = arith.index_cast %1 : index to i64
      %15 = arith.extsi %2 : i32 to i64
      %16 = arith.extsi %3 : i32 to i64
      %c32_i64 = arith.constant 32 : i64
      %c1_i64 = arith.constant 1 : i64
      %17 = arith.divsi %16, %c32_i64 : i64
      %18 = arith.minsi %17, %14 : i64
      %19 = arith.maxsi %18, %13 : i64
      %20 = arith.index_cast %13 : i64 to index
      %21 = arith.index_cast %13 : i64 to index
      %22 = arith.index_cast %19 : i64 to index
      %23 = faattn.tile_splat 1.000000e+00 : <32x1xf32>
      %24 = faattn.tile_splat 0.000000e+00 : <32x32xbf16>
      %25:6 = scf.for %arg7 = %20 to %21 step %c1_7 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12, %arg11 = %23, %arg12 = %24, %arg13 = %20) -> (!faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x32xbf16>, index) {
        %c32_13 = arith.constant 32 : index
        %52 = arith.muli %arg7, %c32_13 : index
        %53 = arith.index_cast %52 : index to i32
        %54 = faattn.tile_load %arg1[%arg4, %4, %52] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
        %55 = faattn.tile_dot %9, %54 {transpose_rhs} : <32x64xbf16>, <32x64xbf16> -> <32x32xf32>
        %56 = arith.cmpi eq, %arg7, %20 : index
        %c32_14 = arith.constant 32 : index
        %57 = arith.muli %arg13, %c32_14 : index
        %c9223372036854775807_15 = arith.constant 9223372036854775807 : index
        %58 = arith.select %56, %57, %c9223372036854775807_15 : index
        %59 = faattn.tile_load %arg2[%arg4, %4, %57] <bshd> limit %58 : memref<?x?x2x64xbf16> -> <32x64xbf16>
        %60 = faattn.tile_dot %arg12, %59 : <32x32xbf16>, <32x64xbf16> -> <32x64xf32>
        %61 = faattn.tile_map %arg8, %arg11, %60 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x64xf32> -> <32x64xf32> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %62 = faattn.tile_mask %55 at[%6, %7, %8, %53] seq[%2, %3] : <32x32xf32>
        %63 = faattn.tile_reduce <max> %62 : <32x32xf32> -> <32x1xf32>
        %64 = faattn.tile_map %arg9, %63 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %71 : f32
        }
        %65 = faattn.tile_map %64 : !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %71 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_16 = arith.constant 0.180336878 : f32
          %72 = arith.mulf %arg14, %cst_16 : f32
          %cst_17 = arith.constant 0.000000e+00 : f32
          %73 = arith.select %71, %cst_17, %72 : f32
          faattn.yield %73 : f32
        }
        %66 = faattn.tile_map %62, %65 : !faattn.tile<32x32xf32>, !faattn.tile<32x1xf32> -> <32x32xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %67 = faattn.tile_map %arg9, %65 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %68 = faattn.tile_reduce <sum> %66 : <32x32xf32> -> <32x1xf32>
        %69 = faattn.tile_map %arg10, %67, %68 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %70 = faattn.tile_map %66 : !faattn.tile<32x32xf32> -> <32x32xbf16> {
        ^bb0(%arg14: f32):
          %71 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %71 : bf16
        }
        scf.yield %61, %64, %69, %67, %70, %arg7 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x32xbf16>, index
      } {faattn.kv_loop = "masked", faattn.rotated}
      %26 = arith.cmpi sge, %20, %21 : index
      %c32_8 = arith.constant 32 : index
      %27 = arith.muli %25#5, %c32_8 : index
      %c9223372036854775807 = arith.constant 9223372036854775807 : index
      %28 = arith.select %26, %27, %c9223372036854775807 : index
      %29 = faattn.tile_load %arg2[%arg4, %4, %27] <bshd> limit %28 : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %30 = faattn.tile_dot %25#4, %29 : <32x32xbf16>, <32x64xbf16> -> <32x64xf32>
      %31 = faattn.tile_map %25#0, %25#3, %30 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x64xf32> -> <32x64xf32> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %52 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %52 : f32
      }
      %32 = faattn.tile_splat 1.000000e+00 : <32x1xf32>
      %33 = faattn.tile_splat 0.000000e+00 : <32x32xbf16>
      %34:6 = scf.for %arg7 = %21 to %22 step %c1_7 iter_args(%arg8 = %31, %arg9 = %25#1, %arg10 = %25#2, %arg11 = %32, %arg12 = %33, %arg13 = %21) -> (!faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x32xbf16>, index) {
        %c32_13 = arith.constant 32 : index
        %52 = arith.muli %arg7, %c32_13 : index
        %53 = arith.index_cast %52 : index to i32
        %54 = faattn.tile_load %arg1[%arg4, %4, %52] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
        %55 = faattn.tile_dot %9, %54 {transpose_rhs} : <32x64xbf16>, <32x64xbf16> -> <32x32xf32>
        %56 = arith.cmpi eq, %arg7, %21 : index
        %c32_14 = arith.constant 32 : index
        %57 = arith.muli %arg13, %c32_14 : index
        %c9223372036854775807_15 = arith.constant 9223372036854775807 : index
        %58 = arith.select %56, %57, %c9223372036854775807_15 : index
        %59 = faattn.tile_load %arg2[%arg4, %4, %57] <bshd> limit %58 : memref<?x?x2x64xbf16> -> <32x64xbf16>
        %60 = faattn.tile_dot %arg12, %59 : <32x32xbf16>, <32x64xbf16> -> <32x64xf32>
        %61 = faattn.tile_map %arg8, %arg11, %60 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x64xf32> -> <32x64xf32> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %70 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %70 : f32
        }
        %62 = faattn.tile_reduce <max> %55 : <32x32xf32> -> <32x1xf32>
        %63 = faattn.tile_map %arg9, %62 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %70 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %70 : f32
        }
        %64 = faattn.tile_map %63 : !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %70 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_16 = arith.constant 0.180336878 : f32
          %71 = arith.mulf %arg14, %cst_16 : f32
          %cst_17 = arith.constant 0.000000e+00 : f32
          %72 = arith.select %70, %cst_17, %71 : f32
          faattn.yield %72 : f32
        }
        %65 = faattn.tile_map %55, %64 : !faattn.tile<32x32xf32>, !faattn.tile<32x1xf32> -> <32x32xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %70 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %71 = math.fma %arg14, %cst, %70 : f32
          %72 = math.exp2 %71 : f32
          faattn.yield %72 : f32
        }
        %66 = faattn.tile_map %arg9, %64 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %70 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %71 = math.fma %arg14, %cst, %70 : f32
          %72 = math.exp2 %71 : f32
          faattn.yield %72 : f32
        }
        %67 = faattn.tile_reduce <sum> %65 : <32x32xf32> -> <32x1xf32>
        %68 = faattn.tile_map %arg10, %66, %67 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %70 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %70 : f32
        }
        %69 = faattn.tile_map %65 : !faattn.tile<32x32xf32> -> <32x32xbf16> {
        ^bb0(%arg14: f32):
          %70 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %70 : bf16
        }
        scf.yield %61, %63, %68, %66, %69, %arg7 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x32xbf16>, index
      } {faattn.kv_loop = "full", faattn.rotated}
      %35 = arith.cmpi sge, %21, %22 : index
      %c32_9 = arith.constant 32 : index
      %36 = arith.muli %34#5, %c32_9 : index
      %c9223372036854775807_10 = arith.constant 9223372036854775807 : index
      %37 = arith.select %35, %36, %c9223372036854775807_10 : index
      %38 = faattn.tile_load %arg2[%arg4, %4, %36] <bshd> limit %37 : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %39 = faattn.tile_dot %34#4, %38 : <32x32xbf16>, <32x64xbf16> -> <32x64xf32>
      %40 = faattn.tile_map %34#0, %34#3, %39 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x64xf32> -> <32x64xf32> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %52 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %52 : f32
      }
      %41 = faattn.tile_splat 1.000000e+00 : <32x1xf32>
      %42 = faattn.tile_splat 0.000000e+00 : <32x32xbf16>
      %43:6 = scf.for %arg7 = %22 to %1 step %c1_7 iter_args(%arg8 = %40, %arg9 = %34#1, %arg10 = %34#2, %arg11 = %41, %arg12 = %42, %arg13 = %22) -> (!faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x32xbf16>, index) {
        %c32_13 = arith.constant 32 : index
        %52 = arith.muli %arg7, %c32_13 : index
        %53 = arith.index_cast %52 : index to i32
        %54 = faattn.tile_load %arg1[%arg4, %4, %52] <bshd> : memref<?x?x2x64xbf16> -> <32x64xbf16>
        %55 = faattn.tile_dot %9, %54 {transpose_rhs} : <32x64xbf16>, <32x64xbf16> -> <32x32xf32>
        %56 = arith.cmpi eq, %arg7, %22 : index
        %c32_14 = arith.constant 32 : index
        %57 = arith.muli %arg13, %c32_14 : index
        %c9223372036854775807_15 = arith.constant 9223372036854775807 : index
        %58 = arith.select %56, %57, %c9223372036854775807_15 : index
        %59 = faattn.tile_load %arg2[%arg4, %4, %57] <bshd> limit %58 : memref<?x?x2x64xbf16> -> <32x64xbf16>
        %60 = faattn.tile_dot %arg12, %59 : <32x32xbf16>, <32x64xbf16> -> <32x64xf32>
        %61 = faattn.tile_map %arg8, %arg11, %60 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x64xf32> -> <32x64xf32> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %62 = faattn.tile_mask %55 at[%6, %7, %8, %53] seq[%2, %3] : <32x32xf32>
        %63 = faattn.tile_reduce <max> %62 : <32x32xf32> -> <32x1xf32>
        %64 = faattn.tile_map %arg9, %63 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %71 : f32
        }
        %65 = faattn.tile_map %64 : !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %71 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_16 = arith.constant 0.180336878 : f32
          %72 = arith.mulf %arg14, %cst_16 : f32
          %cst_17 = arith.constant 0.000000e+00 : f32
          %73 = arith.select %71, %cst_17, %72 : f32
          faattn.yield %73 : f32
        }
        %66 = faattn.tile_map %62, %65 : !faattn.tile<32x32xf32>, !faattn.tile<32x1xf32> -> <32x32xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %67 = faattn.tile_map %arg9, %65 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32):
          %71 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %72 = math.fma %arg14, %cst, %71 : f32
          %73 = math.exp2 %72 : f32
          faattn.yield %73 : f32
        }
        %68 = faattn.tile_reduce <sum> %66 : <32x32xf32> -> <32x1xf32>
        %69 = faattn.tile_map %arg10, %67, %68 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %71 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %71 : f32
        }
        %70 = faattn.tile_map %66 : !faattn.tile<32x32xf32> -> <32x32xbf16> {
        ^bb0(%arg14: f32):
          %71 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %71 : bf16
        }
        scf.yield %61, %64, %69, %67, %70, %arg7 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x32xbf16>, index
      } {faattn.kv_loop = "masked", faattn.rotated}
      %44 = arith.cmpi sge, %22, %1 : index
      %c32_11 = arith.constant 32 : index
      %45 = arith.muli %43#5, %c32_11 : index
      %c9223372036854775807_12 = arith.constant 9223372036854775807 : index
      %46 = arith.select %44, %45, %c9223372036854775807_12 : index
      %47 = faattn.tile_load %arg2[%arg4, %4, %45] <bshd> limit %46 : memref<?x?x2x64xbf16> -> <32x64xbf16>
      %48 = faattn.tile_dot %43#4, %47 : <32x32xbf16>, <32x64xbf16> -> <32x64xf32>
      %49 = faattn.tile_map %43#0, %43#3, %48 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32>, !faattn.tile<32x64xf32> -> <32x64xf32> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %52 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %52 : f32
      }
      %50 = faattn.tile_map %49, %43#2 : !faattn.tile<32x64xf32>, !faattn.tile<32x1xf32> -> <32x64xbf16> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %52 = arith.cmpf ogt, %arg8, %cst : f32
        %53 = arith.divf %arg7, %arg8 : f32
        %cst_13 = arith.constant 0.000000e+00 : f32
        %54 = arith.select %52, %53, %cst_13 : f32
        %55 = arith.truncf %54 : f32 to bf16
        faattn.yield %55 : bf16
      }
      %51 = faattn.tile_map %43#1, %43#2 : !faattn.tile<32x1xf32>, !faattn.tile<32x1xf32> -> <32x1xf32> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %52 = arith.cmpf ogt, %arg8, %cst : f32
        %cst_13 = arith.constant 0.180336878 : f32
        %53 = math.log2 %arg8 : f32
        %54 = math.fma %arg7, %cst_13, %53 : f32
        %cst_14 = arith.constant 0.693147182 : f32
        %55 = arith.mulf %54, %cst_14 : f32
        %cst_15 = arith.constant 0xFF800000 : f32
        %56 = arith.select %52, %55, %cst_15 : f32
        faattn.yield %56 : f32
      }
      faattn.tile_store %50, %arg3[%arg4, %arg5, %5] <bshd> : <32x64xbf16>, memref<?x?x2x64xbf16>
    } {faattn.block_counts = {empty = 0 : i64, full = 16384 : i64, partial = 0 : i64}, faattn.grid}
    return
  }
  gpu.module @faattn_kernels {
  }
}

// -----

// The TMA pipeline numbers the blocks over all KV loops: rotated ones and plain ones do not mix
// (kernel ov, the full loop's faattn.rotated mark dropped by hand before faattn-tiles-to-wgmma).
// kernel ov { heads = 4 : 2; head_dim = 64; tile = 128x64; mask = causal; overlap = softmax }
module attributes {gpu.container_module} {
  // expected-error @+1 {{overlap = softmax (faattn-overlap-softmax's rotated KV loops) is lowered on the wgmma TMA pipeline only, which this kernel does not take: some KV loops are rotated by faattn-overlap-softmax, some not}}
  func.func @ov_mixed(%arg0: memref<?x?x4x64xbf16>, %arg1: memref<?x?x2x64xbf16>, %arg2: memref<?x?x2x64xbf16>, %arg3: memref<?x?x4x64xbf16>) attributes {faattn.kernel, faattn.overlap = "softmax", faattn.reference_shape = array<i64: 4096, 4096>, faattn.target = "sm_90a", faattn.tile_order = "l2_sections", faattn.wgmma_skipped = "some KV loops are rotated by faattn-overlap-softmax, some not"} {
    %c0 = arith.constant 0 : index
    %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xbf16>
    %c1 = arith.constant 1 : index
    %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xbf16>
    %c1_1 = arith.constant 1 : index
    %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xbf16>
    %c128 = arith.constant 128 : index
    %0 = arith.ceildivui %dim_0, %c128 : index
    %c64 = arith.constant 64 : index
    %1 = arith.ceildivui %dim_2, %c64 : index
    %2 = arith.index_cast %dim_0 : index to i32
    %3 = arith.index_cast %dim_2 : index to i32
    scf.forall (%arg4, %arg5, %arg6) in (%dim, 4, %0) {
      %c2 = arith.constant 2 : index
      %4 = arith.divui %arg5, %c2 : index
      %c128_3 = arith.constant 128 : index
      %5 = arith.muli %arg6, %c128_3 : index
      %6 = arith.index_cast %arg4 : index to i32
      %7 = arith.index_cast %arg5 : index to i32
      %8 = arith.index_cast %5 : index to i32
      %9 = faattn.tile_load %arg0[%arg4, %arg5, %5] <bshd> : memref<?x?x4x64xbf16> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>
      %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %c0_4 = arith.constant 0 : index
      %c1_5 = arith.constant 1 : index
      %13 = arith.index_cast %c0_4 : index to i64
      %14 = arith.index_cast %1 : index to i64
      %15 = arith.extsi %2 : i32 to i64
      %16 = arith.extsi %3 : i32 to i64
      %c64_i64 = arith.constant 64 : i64
      %c1_i64 = arith.constant 1 : i64
      %17 = arith.extsi %6 : i32 to i64
      %18 = arith.extsi %7 : i32 to i64
      %19 = arith.extsi %8 : i32 to i64
      %c128_i64 = arith.constant 128 : i64
      %20 = arith.addi %19, %c128_i64 : i64
      %21 = arith.minsi %20, %15 : i64
      %22 = arith.subi %21, %c1_i64 : i64
      %c-1_i64 = arith.constant -1 : i64
      %c0_i64 = arith.constant 0 : i64
      %23 = arith.index_cast %13 : i64 to index
      %24 = arith.index_cast %14 : i64 to index
      %25 = arith.index_cast %c1_i64 : i64 to index
      %26:5 = scf.parallel (%arg7) = (%23) to (%24) step (%25) init (%14, %c-1_i64, %14, %c-1_i64, %c0_i64) -> (i64, i64, i64, i64, i64) {
        %71 = arith.index_cast %arg7 : index to i64
        %72 = arith.muli %71, %c64_i64 : i64
        %73 = arith.addi %72, %c64_i64 : i64
        %74 = arith.minsi %73, %16 : i64
        %75 = arith.subi %74, %c1_i64 : i64
        %76 = arith.cmpi sge, %22, %72 : i64
        %77 = arith.cmpi slt, %19, %75 : i64
        %78 = arith.cmpi sle, %73, %16 : i64
        %true = arith.constant true
        %79 = arith.xori %77, %true : i1
        %80 = arith.andi %79, %78 : i1
        %81 = arith.select %76, %71, %14 : i64
        %82 = arith.select %76, %71, %c-1_i64 : i64
        %83 = arith.select %80, %71, %14 : i64
        %84 = arith.select %80, %71, %c-1_i64 : i64
        %85 = arith.extui %80 : i1 to i64
        scf.reduce(%81, %82, %83, %84, %85 : i64, i64, i64, i64, i64) {
        ^bb0(%arg8: i64, %arg9: i64):
          %86 = arith.minsi %arg8, %arg9 : i64
          scf.reduce.return %86 : i64
        }, {
        ^bb0(%arg8: i64, %arg9: i64):
          %86 = arith.maxsi %arg8, %arg9 : i64
          scf.reduce.return %86 : i64
        }, {
        ^bb0(%arg8: i64, %arg9: i64):
          %86 = arith.minsi %arg8, %arg9 : i64
          scf.reduce.return %86 : i64
        }, {
        ^bb0(%arg8: i64, %arg9: i64):
          %86 = arith.maxsi %arg8, %arg9 : i64
          scf.reduce.return %86 : i64
        }, {
        ^bb0(%arg8: i64, %arg9: i64):
          %86 = arith.addi %arg8, %arg9 : i64
          scf.reduce.return %86 : i64
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
      %42 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %43 = faattn.tile_splat 0.000000e+00 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>
      %44:6 = scf.for %arg7 = %38 to %39 step %c1_5 iter_args(%arg8 = %10, %arg9 = %11, %arg10 = %12, %arg11 = %42, %arg12 = %43, %arg13 = %38) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, index) {
        %c64_11 = arith.constant 64 : index
        %71 = arith.muli %arg7, %c64_11 : index
        %72 = arith.index_cast %71 : index to i32
        %73 = faattn.tile_load %arg1[%arg4, %4, %71] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %74 = faattn.tile_dot %9, %73 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %75 = arith.cmpi eq, %arg7, %38 : index
        %c64_12 = arith.constant 64 : index
        %76 = arith.muli %arg13, %c64_12 : index
        %c9223372036854775807_13 = arith.constant 9223372036854775807 : index
        %77 = arith.select %75, %76, %c9223372036854775807_13 : index
        %78 = faattn.tile_load %arg2[%arg4, %4, %76] <bshd> limit %77 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %79 = faattn.tile_dot %arg12, %78 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %80 = faattn.tile_map %arg8, %arg11, %79 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %90 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %90 : f32
        }
        %81 = faattn.tile_mask %74 at[%6, %7, %8, %72] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
          %90 = arith.cmpi sge, %q_idx, %kv_idx : i32
          faattn.yield %90 : i1
        }
        %82 = faattn.tile_reduce <max> %81 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %83 = faattn.tile_map %arg9, %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %90 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %90 : f32
        }
        %84 = faattn.tile_map %83 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %90 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_14 = arith.constant 0.180336878 : f32
          %91 = arith.mulf %arg14, %cst_14 : f32
          %cst_15 = arith.constant 0.000000e+00 : f32
          %92 = arith.select %90, %cst_15, %91 : f32
          faattn.yield %92 : f32
        }
        %85 = faattn.tile_map %81, %84 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %90 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %91 = math.fma %arg14, %cst, %90 : f32
          %92 = math.exp2 %91 : f32
          faattn.yield %92 : f32
        }
        %86 = faattn.tile_map %arg9, %84 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %90 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %91 = math.fma %arg14, %cst, %90 : f32
          %92 = math.exp2 %91 : f32
          faattn.yield %92 : f32
        }
        %87 = faattn.tile_reduce <sum> %85 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %88 = faattn.tile_map %arg10, %86, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %90 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %90 : f32
        }
        %89 = faattn.tile_map %85 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %90 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %90 : bf16
        }
        scf.yield %80, %83, %88, %86, %89, %arg7 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, index
      } {faattn.kv_loop = "masked", faattn.rotated}
      %45 = arith.cmpi sge, %38, %39 : index
      %c64_6 = arith.constant 64 : index
      %46 = arith.muli %44#5, %c64_6 : index
      %c9223372036854775807 = arith.constant 9223372036854775807 : index
      %47 = arith.select %45, %46, %c9223372036854775807 : index
      %48 = faattn.tile_load %arg2[%arg4, %4, %46] <bshd> limit %47 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %49 = faattn.tile_dot %44#4, %48 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %50 = faattn.tile_map %44#0, %44#3, %49 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %71 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %71 : f32
      }
      %51 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %52 = faattn.tile_splat 0.000000e+00 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>
      %53:6 = scf.for %arg7 = %39 to %40 step %c1_5 iter_args(%arg8 = %50, %arg9 = %44#1, %arg10 = %44#2, %arg11 = %51, %arg12 = %52, %arg13 = %39) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, index) {
        %c64_11 = arith.constant 64 : index
        %71 = arith.muli %arg7, %c64_11 : index
        %72 = arith.index_cast %71 : index to i32
        %73 = faattn.tile_load %arg1[%arg4, %4, %71] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %74 = faattn.tile_dot %9, %73 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %75 = arith.cmpi eq, %arg7, %39 : index
        %c64_12 = arith.constant 64 : index
        %76 = arith.muli %arg13, %c64_12 : index
        %c9223372036854775807_13 = arith.constant 9223372036854775807 : index
        %77 = arith.select %75, %76, %c9223372036854775807_13 : index
        %78 = faattn.tile_load %arg2[%arg4, %4, %76] <bshd> limit %77 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %79 = faattn.tile_dot %arg12, %78 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %80 = faattn.tile_map %arg8, %arg11, %79 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %89 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %89 : f32
        }
        %81 = faattn.tile_reduce <max> %74 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %82 = faattn.tile_map %arg9, %81 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %89 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %89 : f32
        }
        %83 = faattn.tile_map %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %89 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_14 = arith.constant 0.180336878 : f32
          %90 = arith.mulf %arg14, %cst_14 : f32
          %cst_15 = arith.constant 0.000000e+00 : f32
          %91 = arith.select %89, %cst_15, %90 : f32
          faattn.yield %91 : f32
        }
        %84 = faattn.tile_map %74, %83 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %89 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %90 = math.fma %arg14, %cst, %89 : f32
          %91 = math.exp2 %90 : f32
          faattn.yield %91 : f32
        }
        %85 = faattn.tile_map %arg9, %83 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %89 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %90 = math.fma %arg14, %cst, %89 : f32
          %91 = math.exp2 %90 : f32
          faattn.yield %91 : f32
        }
        %86 = faattn.tile_reduce <sum> %84 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %87 = faattn.tile_map %arg10, %85, %86 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %89 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %89 : f32
        }
        %88 = faattn.tile_map %84 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %89 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %89 : bf16
        }
        scf.yield %80, %82, %87, %85, %88, %arg7 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, index
      } {faattn.kv_loop = "full"}
      %54 = arith.cmpi sge, %39, %40 : index
      %c64_7 = arith.constant 64 : index
      %55 = arith.muli %53#5, %c64_7 : index
      %c9223372036854775807_8 = arith.constant 9223372036854775807 : index
      %56 = arith.select %54, %55, %c9223372036854775807_8 : index
      %57 = faattn.tile_load %arg2[%arg4, %4, %55] <bshd> limit %56 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %58 = faattn.tile_dot %53#4, %57 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %59 = faattn.tile_map %53#0, %53#3, %58 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %71 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %71 : f32
      }
      %60 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %61 = faattn.tile_splat 0.000000e+00 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>
      %62:6 = scf.for %arg7 = %40 to %41 step %c1_5 iter_args(%arg8 = %59, %arg9 = %53#1, %arg10 = %53#2, %arg11 = %60, %arg12 = %61, %arg13 = %40) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, index) {
        %c64_11 = arith.constant 64 : index
        %71 = arith.muli %arg7, %c64_11 : index
        %72 = arith.index_cast %71 : index to i32
        %73 = faattn.tile_load %arg1[%arg4, %4, %71] <bshd> : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %74 = faattn.tile_dot %9, %73 {transpose_rhs} : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %75 = arith.cmpi eq, %arg7, %40 : index
        %c64_12 = arith.constant 64 : index
        %76 = arith.muli %arg13, %c64_12 : index
        %c9223372036854775807_13 = arith.constant 9223372036854775807 : index
        %77 = arith.select %75, %76, %c9223372036854775807_13 : index
        %78 = faattn.tile_load %arg2[%arg4, %4, %76] <bshd> limit %77 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
        %79 = faattn.tile_dot %arg12, %78 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %80 = faattn.tile_map %arg8, %arg11, %79 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %90 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %90 : f32
        }
        %81 = faattn.tile_mask %74 at[%6, %7, %8, %72] seq[%2, %3] : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32):
          %90 = arith.cmpi sge, %q_idx, %kv_idx : i32
          faattn.yield %90 : i1
        }
        %82 = faattn.tile_reduce <max> %81 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %83 = faattn.tile_map %arg9, %82 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %90 = arith.maximumf %arg14, %arg15 : f32
          faattn.yield %90 : f32
        }
        %84 = faattn.tile_map %83 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %cst = arith.constant 0xFF800000 : f32
          %90 = arith.cmpf oeq, %arg14, %cst : f32
          %cst_14 = arith.constant 0.180336878 : f32
          %91 = arith.mulf %arg14, %cst_14 : f32
          %cst_15 = arith.constant 0.000000e+00 : f32
          %92 = arith.select %90, %cst_15, %91 : f32
          faattn.yield %92 : f32
        }
        %85 = faattn.tile_map %81, %84 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %90 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %91 = math.fma %arg14, %cst, %90 : f32
          %92 = math.exp2 %91 : f32
          faattn.yield %92 : f32
        }
        %86 = faattn.tile_map %arg9, %84 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32):
          %90 = arith.negf %arg15 : f32
          %cst = arith.constant 0.180336878 : f32
          %91 = math.fma %arg14, %cst, %90 : f32
          %92 = math.exp2 %91 : f32
          faattn.yield %92 : f32
        }
        %87 = faattn.tile_reduce <sum> %85 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
        %88 = faattn.tile_map %arg10, %86, %87 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
        ^bb0(%arg14: f32, %arg15: f32, %arg16: f32):
          %90 = math.fma %arg14, %arg15, %arg16 : f32
          faattn.yield %90 : f32
        }
        %89 = faattn.tile_map %85 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>> {
        ^bb0(%arg14: f32):
          %90 = arith.truncf %arg14 : f32 to bf16
          faattn.yield %90 : bf16
        }
        scf.yield %80, %83, %88, %86, %89, %arg7 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, index
      } {faattn.kv_loop = "masked", faattn.rotated}
      %63 = arith.cmpi sge, %40, %41 : index
      %c64_9 = arith.constant 64 : index
      %64 = arith.muli %62#5, %c64_9 : index
      %c9223372036854775807_10 = arith.constant 9223372036854775807 : index
      %65 = arith.select %63, %64, %c9223372036854775807_10 : index
      %66 = faattn.tile_load %arg2[%arg4, %4, %64] <bshd> limit %65 : memref<?x?x2x64xbf16> -> <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>>
      %67 = faattn.tile_dot %62#4, %66 : <128x64xbf16, #faattn.wgmma_a<warpgroups = 2>>, <64x64xbf16, #faattn.smem<swizzle = 128, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %68 = faattn.tile_map %62#0, %62#3, %67 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32, %arg9: f32):
        %71 = math.fma %arg7, %arg8, %arg9 : f32
        faattn.yield %71 : f32
      }
      %69 = faattn.tile_map %68, %62#2 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %71 = arith.cmpf ogt, %arg8, %cst : f32
        %72 = arith.divf %arg7, %arg8 : f32
        %cst_11 = arith.constant 0.000000e+00 : f32
        %73 = arith.select %71, %72, %cst_11 : f32
        %74 = arith.truncf %73 : f32 to bf16
        faattn.yield %74 : bf16
      }
      %70 = faattn.tile_map %62#1, %62#2 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg7: f32, %arg8: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %71 = arith.cmpf ogt, %arg8, %cst : f32
        %cst_11 = arith.constant 0.180336878 : f32
        %72 = math.log2 %arg8 : f32
        %73 = math.fma %arg7, %cst_11, %72 : f32
        %cst_12 = arith.constant 0.693147182 : f32
        %74 = arith.mulf %73, %cst_12 : f32
        %cst_13 = arith.constant 0xFF800000 : f32
        %75 = arith.select %71, %74, %cst_13 : f32
        faattn.yield %75 : f32
      }
      faattn.tile_store %69, %arg3[%arg4, %arg5, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
    } {faattn.block_counts = {empty = 992 : i64, full = 992 : i64, partial = 64 : i64}, faattn.grid}
    return
  }
  gpu.module @faattn_kernels {
  }
}
