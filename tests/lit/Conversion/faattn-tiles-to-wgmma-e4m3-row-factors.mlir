// faattn-tiles-to-wgmma with a query row's factors folded (faattn-fold-row-factors) on the
// algorithm pipeline's output (faattn-compile --emit=mlir --stop-after=faattn-overlap-softmax) for
//   kernel q8 { heads = 4 : 2; head_dim = 64; dtype = e4m3; target = sm_90a
//     param qs : f32[batch, heads, seq_q]
//     param vs : f32[batch, kv_heads]
//     q_descale = qs[b, h, q_idx]
//     v_descale = vs[b, h / 2] }
// The rows tile_score on a 128 x 1 tile is a thread's two rows (rowBase and rowBase + 8): q_descale
// read once each before the KV loop, where the row is inside seq_q, guarded (negative -> NaN)
// and clamped below at 2^-100. In the loop each row's exponent factor is that times
// scale * log2(e) (0.125 * 1.44269502), and every score's exponent is one fma with it: the
// score itself is not multiplied.
// RUN: faattn-opt %s -faattn-tiles-to-wgmma='e4m3=true' | FileCheck %s

// CHECK-LABEL: gpu.func @q8(
// CHECK-SAME: %[[QS:arg4]]: memref<?x4x?xf32>
// CHECK: %[[F0:.*]]:4 = scf.if %{{.*}} -> (index, f32, i1, f32) {
// CHECK: memref.load %[[QS]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x4x?xf32>
// CHECK: arith.constant 8 : index
// CHECK: %[[F1:.*]]:4 = scf.if %{{.*}} -> (index, f32, i1, f32) {
// CHECK: memref.load %[[QS]][%{{.*}}, %{{.*}}, %{{.*}}] : memref<?x4x?xf32>
// CHECK: %[[RAW:.*]] = vector.from_elements %[[F0]]#3, %[[F1]]#3 : vector<2xf32>
// CHECK: arith.constant 7.88860905E-31 : f32
// CHECK-NEXT: %[[R0:.*]] = arith.maximumf
// CHECK: arith.constant 7.88860905E-31 : f32
// CHECK-NEXT: %[[R1:.*]] = arith.maximumf
// CHECK-NEXT: %[[R:.*]] = vector.from_elements %[[R0]], %[[R1]] : vector<2xf32>
// CHECK: scf.for
// CHECK: vector.extract %[[R]][0] : f32 from vector<2xf32>
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0.180336878 : f32
// CHECK-NEXT: %[[T0:.*]] = arith.mulf %{{.*}}, %[[C0]] : f32
// CHECK: %[[T:.*]] = vector.from_elements %[[T0]], %{{.*}} : vector<2xf32>
// The exponents: fma(s, t, -base) with t a row's value (an extract of %[[T]], not a constant
// as without factors), then exp2.
// CHECK: %[[NB:.*]] = arith.negf
// CHECK-NEXT: %[[E:.*]] = math.fma %{{[0-9]+}}, %{{[0-9]+}}, %[[NB]] : f32
// CHECK-NEXT: math.exp2 %[[E]] : f32

func.func @q8(%arg0: memref<?x?x4x64xf8E4M3FN>, %arg1: memref<?x?x2x64xf8E4M3FN>, %arg2: memref<?x?x2x64xf8E4M3FN>, %arg3: memref<?x?x4x64xbf16>, %arg4: memref<?x4x?xf32>, %arg5: memref<?x2xf32>) attributes {faattn.kernel, faattn.reference_shape = array<i64: 4096, 4096>, faattn.schedule = "cooperative", faattn.spec_hash = "fdcc043b246786bde7696e16ee4f173512d8732bc2ef1353c179ce350ddc5a93", faattn.target = "sm_90a"} {
  %c0 = arith.constant 0 : index
  %dim = memref.dim %arg0, %c0 : memref<?x?x4x64xf8E4M3FN>
  %c1 = arith.constant 1 : index
  %dim_0 = memref.dim %arg0, %c1 : memref<?x?x4x64xf8E4M3FN>
  %c1_1 = arith.constant 1 : index
  %dim_2 = memref.dim %arg1, %c1_1 : memref<?x?x2x64xf8E4M3FN>
  %c128 = arith.constant 128 : index
  %0 = arith.ceildivui %dim_0, %c128 : index
  %c128_3 = arith.constant 128 : index
  %1 = arith.ceildivui %dim_2, %c128_3 : index
  %2 = arith.index_cast %dim_0 : index to i32
  %3 = arith.index_cast %dim_2 : index to i32
  scf.forall (%arg6, %arg7, %arg8) in (%dim, 4, %0) {
    %c2 = arith.constant 2 : index
    %4 = arith.divui %arg7, %c2 : index
    %c128_4 = arith.constant 128 : index
    %5 = arith.muli %arg8, %c128_4 : index
    %6 = arith.index_cast %arg6 : index to i32
    %7 = arith.index_cast %arg7 : index to i32
    %8 = arith.index_cast %5 : index to i32
    %9 = faattn.tile_load %arg0[%arg6, %arg7, %5] <bshd> : memref<?x?x4x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>
    %10 = faattn.tile_splat 0.000000e+00 : <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %11 = faattn.tile_splat 0xFF800000 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %12 = faattn.tile_splat 0.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_5 = arith.constant 0 : index
    %c1_6 = arith.constant 1 : index
    %13 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_i32 = arith.constant 0 : i32
    %14 = faattn.tile_score %13 at[%6, %7, %8, %c0_i32] seq[%2, %3] params(%arg4, %arg5 : memref<?x4x?xf32>, memref<?x2xf32>) {rows, scale = 1.000000e+00 : f32} : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg9: memref<?x4x?xf32>, %arg10: memref<?x2xf32>):
      %34 = arith.index_cast %b : i32 to index
      %35 = arith.index_cast %h : i32 to index
      %36 = arith.index_cast %q_idx : i32 to index
      %37 = memref.load %arg9[%34, %35, %36] : memref<?x4x?xf32>
      %cst = arith.constant 0.000000e+00 : f32
      %38 = arith.cmpf olt, %37, %cst : f32
      %cst_9 = arith.constant 0x7FC00000 : f32
      %39 = arith.select %38, %cst_9, %37 : f32
      faattn.yield %39 : f32
    }
    %15 = faattn.tile_map %14 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg9: f32):
      %cst = arith.constant 7.88860905E-31 : f32
      %34 = arith.maximumf %arg9, %cst : f32
      faattn.yield %34 : f32
    }
    %16 = faattn.tile_splat 1.000000e+00 : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    %c0_i32_7 = arith.constant 0 : i32
    %17 = faattn.tile_score %16 at[%6, %7, %8, %c0_i32_7] seq[%2, %3] params(%arg4, %arg5 : memref<?x4x?xf32>, memref<?x2xf32>) {rows, scale = 1.000000e+00 : f32} : <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%score: f32, %b: i32, %h: i32, %q_idx: i32, %kv_idx: i32, %seq_q: i32, %seq_kv: i32, %arg9: memref<?x4x?xf32>, %arg10: memref<?x2xf32>):
      %34 = arith.index_cast %b : i32 to index
      %c2_i32 = arith.constant 2 : i32
      %35 = arith.divsi %h, %c2_i32 : i32
      %36 = arith.index_cast %35 : i32 to index
      %c1_9 = arith.constant 1 : index
      %dim_10 = memref.dim %arg10, %c1_9 : memref<?x2xf32>
      %37 = arith.cmpi ult, %36, %dim_10 : index
      %c0_11 = arith.constant 0 : index
      %38 = arith.select %37, %36, %c0_11 : index
      %39 = memref.load %arg10[%34, %38] : memref<?x2xf32>
      %cst = arith.constant 0.000000e+00 : f32
      %40 = arith.select %37, %39, %cst : f32
      faattn.yield %40 : f32
    }
    %18 = arith.index_cast %c0_5 : index to i64
    %19 = arith.index_cast %1 : index to i64
    %20 = arith.extsi %2 : i32 to i64
    %21 = arith.extsi %3 : i32 to i64
    %c128_i64 = arith.constant 128 : i64
    %c128_i64_8 = arith.constant 128 : i64
    %c1_i64 = arith.constant 1 : i64
    %22 = arith.divsi %21, %c128_i64 : i64
    %23 = arith.minsi %22, %19 : i64
    %24 = arith.maxsi %23, %18 : i64
    %25 = arith.index_cast %18 : i64 to index
    %26 = arith.index_cast %18 : i64 to index
    %27 = arith.index_cast %24 : i64 to index
    %28:3 = scf.for %arg9 = %25 to %26 step %c1_6 iter_args(%arg10 = %10, %arg11 = %11, %arg12 = %12) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_9 = arith.constant 128 : index
      %34 = arith.muli %arg9, %c128_9 : index
      %35 = arith.index_cast %34 : index to i32
      %36 = faattn.tile_load %arg1[%arg6, %4, %34] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %37 = faattn.tile_dot %9, %36 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %38 = faattn.tile_mask %37 at[%6, %7, %8, %35] seq[%2, %3] params(%arg4, %arg5 : memref<?x4x?xf32>, memref<?x2xf32>) : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %39 = faattn.tile_load %arg2[%arg6, %4, %34] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %40 = faattn.tile_map %15 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0.180336878 : f32
        %50 = arith.mulf %arg13, %cst : f32
        faattn.yield %50 : f32
      }
      %41 = faattn.tile_reduce <max> %38 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_map %arg11, %41 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %50 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %50 : f32
      }
      %43 = faattn.tile_map %42, %40 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %50 = arith.cmpf oeq, %arg13, %cst : f32
        %51 = arith.mulf %arg13, %arg14 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %52 = arith.select %50, %cst_10, %51 : f32
        faattn.yield %52 : f32
      }
      %44 = faattn.tile_map %38, %43, %40 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %50 = arith.negf %arg14 : f32
        %51 = math.fma %arg13, %arg15, %50 : f32
        %52 = math.exp2 %51 : f32
        faattn.yield %52 : f32
      }
      %45 = faattn.tile_map %arg11, %42, %40 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %cst = arith.constant 0xFF800000 : f32
        %50 = arith.cmpf oeq, %arg13, %cst : f32
        %51 = arith.subf %arg13, %arg14 : f32
        %52 = arith.mulf %51, %arg15 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %53 = math.exp2 %52 : f32
        %54 = arith.select %50, %cst_10, %53 : f32
        faattn.yield %54 : f32
      }
      %46 = faattn.tile_reduce <sum> %44 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %47 = faattn.tile_map %arg12, %45, %46 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %50 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %50 : f32
      }
      %48 = faattn.tile_dot %44, %39 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %49 = faattn.tile_map %arg10, %45, %48 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %50 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %50 : f32
      }
      scf.yield %49, %42, %47 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %29:3 = scf.for %arg9 = %26 to %27 step %c1_6 iter_args(%arg10 = %28#0, %arg11 = %28#1, %arg12 = %28#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_9 = arith.constant 128 : index
      %34 = arith.muli %arg9, %c128_9 : index
      %35 = arith.index_cast %34 : index to i32
      %36 = faattn.tile_load %arg1[%arg6, %4, %34] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %37 = faattn.tile_dot %9, %36 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %38 = faattn.tile_load %arg2[%arg6, %4, %34] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %39 = faattn.tile_map %15 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0.180336878 : f32
        %49 = arith.mulf %arg13, %cst : f32
        faattn.yield %49 : f32
      }
      %40 = faattn.tile_reduce <max> %37 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %41 = faattn.tile_map %arg11, %40 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %49 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %49 : f32
      }
      %42 = faattn.tile_map %41, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %49 = arith.cmpf oeq, %arg13, %cst : f32
        %50 = arith.mulf %arg13, %arg14 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %51 = arith.select %49, %cst_10, %50 : f32
        faattn.yield %51 : f32
      }
      %43 = faattn.tile_map %37, %42, %39 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %49 = arith.negf %arg14 : f32
        %50 = math.fma %arg13, %arg15, %49 : f32
        %51 = math.exp2 %50 : f32
        faattn.yield %51 : f32
      }
      %44 = faattn.tile_map %arg11, %41, %39 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %cst = arith.constant 0xFF800000 : f32
        %49 = arith.cmpf oeq, %arg13, %cst : f32
        %50 = arith.subf %arg13, %arg14 : f32
        %51 = arith.mulf %50, %arg15 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %52 = math.exp2 %51 : f32
        %53 = arith.select %49, %cst_10, %52 : f32
        faattn.yield %53 : f32
      }
      %45 = faattn.tile_reduce <sum> %43 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %46 = faattn.tile_map %arg12, %44, %45 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %49 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %49 : f32
      }
      %47 = faattn.tile_dot %43, %38 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %48 = faattn.tile_map %arg10, %44, %47 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %49 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %49 : f32
      }
      scf.yield %48, %41, %46 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "full"}
    %30:3 = scf.for %arg9 = %27 to %1 step %c1_6 iter_args(%arg10 = %29#0, %arg11 = %29#1, %arg12 = %29#2) -> (!faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>) {
      %c128_9 = arith.constant 128 : index
      %34 = arith.muli %arg9, %c128_9 : index
      %35 = arith.index_cast %34 : index to i32
      %36 = faattn.tile_load %arg1[%arg6, %4, %34] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %37 = faattn.tile_dot %9, %36 {transpose_rhs} : <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 1>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %38 = faattn.tile_mask %37 at[%6, %7, %8, %35] seq[%2, %3] params(%arg4, %arg5 : memref<?x4x?xf32>, memref<?x2xf32>) : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %39 = faattn.tile_load %arg2[%arg6, %4, %34] <bshd> : memref<?x?x2x64xf8E4M3FN> -> <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>>
      %40 = faattn.tile_map %15 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32):
        %cst = arith.constant 0.180336878 : f32
        %50 = arith.mulf %arg13, %cst : f32
        faattn.yield %50 : f32
      }
      %41 = faattn.tile_reduce <max> %38 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %42 = faattn.tile_map %arg11, %41 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %50 = arith.maximumf %arg13, %arg14 : f32
        faattn.yield %50 : f32
      }
      %43 = faattn.tile_map %42, %40 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32):
        %cst = arith.constant 0xFF800000 : f32
        %50 = arith.cmpf oeq, %arg13, %cst : f32
        %51 = arith.mulf %arg13, %arg14 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %52 = arith.select %50, %cst_10, %51 : f32
        faattn.yield %52 : f32
      }
      %44 = faattn.tile_map %38, %43, %40 : !faattn.tile<128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %50 = arith.negf %arg14 : f32
        %51 = math.fma %arg13, %arg15, %50 : f32
        %52 = math.exp2 %51 : f32
        faattn.yield %52 : f32
      }
      %45 = faattn.tile_map %arg11, %42, %40 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %cst = arith.constant 0xFF800000 : f32
        %50 = arith.cmpf oeq, %arg13, %cst : f32
        %51 = arith.subf %arg13, %arg14 : f32
        %52 = arith.mulf %51, %arg15 : f32
        %cst_10 = arith.constant 0.000000e+00 : f32
        %53 = math.exp2 %52 : f32
        %54 = arith.select %50, %cst_10, %53 : f32
        faattn.yield %54 : f32
      }
      %46 = faattn.tile_reduce <sum> %44 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %47 = faattn.tile_map %arg12, %45, %46 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %50 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %50 : f32
      }
      %48 = faattn.tile_dot %44, %39 : <128x128xf32, #faattn.wgmma_acc<warpgroups = 2>>, <128x64xf8E4M3FN, #faattn.smem<swizzle = 64, stages = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>
      %49 = faattn.tile_map %arg10, %45, %48 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xf32, #faattn.wgmma_acc<warpgroups = 2>> {
      ^bb0(%arg13: f32, %arg14: f32, %arg15: f32):
        %50 = math.fma %arg13, %arg14, %arg15 : f32
        faattn.yield %50 : f32
      }
      scf.yield %49, %42, %47 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>
    } {faattn.kv_loop = "masked"}
    %31 = faattn.tile_map %15 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg9: f32):
      %cst = arith.constant 0.180336878 : f32
      %34 = arith.mulf %arg9, %cst : f32
      faattn.yield %34 : f32
    }
    %32 = faattn.tile_map %30#0, %30#2, %17 : !faattn.tile<128x64xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>> {
    ^bb0(%arg9: f32, %arg10: f32, %arg11: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %34 = arith.cmpf oeq, %arg10, %cst : f32
      %35 = arith.divf %arg9, %arg10 : f32
      %36 = arith.mulf %35, %arg11 : f32
      %cst_9 = arith.constant 0.000000e+00 : f32
      %37 = arith.select %34, %cst_9, %36 : f32
      %38 = arith.truncf %37 : f32 to bf16
      faattn.yield %38 : bf16
    }
    %33 = faattn.tile_map %30#1, %30#2, %31 : !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>>, !faattn.tile<128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> -> <128x1xf32, #faattn.wgmma_acc<warpgroups = 2>> {
    ^bb0(%arg9: f32, %arg10: f32, %arg11: f32):
      %cst = arith.constant 0.000000e+00 : f32
      %34 = arith.cmpf oeq, %arg10, %cst : f32
      %35 = math.log2 %arg10 : f32
      %36 = math.fma %arg9, %arg11, %35 : f32
      %cst_9 = arith.constant 0.693147182 : f32
      %37 = arith.mulf %36, %cst_9 : f32
      %cst_10 = arith.constant 0xFF800000 : f32
      %38 = arith.select %34, %cst_10, %37 : f32
      faattn.yield %38 : f32
    }
    faattn.tile_store %32, %arg3[%arg6, %arg7, %5] <bshd> : <128x64xbf16, #faattn.smem<swizzle = 128, stages = 1>>, memref<?x?x4x64xbf16>
  } {faattn.block_counts = {empty = 0 : i64, full = 1024 : i64, partial = 0 : i64}, faattn.grid}
  return
}