// RUN: faattn-opt %s -pass-pipeline='builtin.module(gpu.module(faattn-fast-math))' | FileCheck %s

// faattn-fast-math rewrites the f32 math of the tensor-core kernels
// (faattn.mapping = "wgmma") only.
module attributes {gpu.container_module} {
  gpu.module @faattn_kernels {
    // A constant divisor becomes its reciprocal's product (1 / 50 rounded to
    // f32 is 0.0199999996); another divisor llvm.nvvm.div.full; exp2 the
    // ftz approximation; tanh tanh.approx.f32. f64 math is left alone.
    // CHECK-LABEL: gpu.func @wgmma
    // CHECK-SAME: (%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[Z:.*]]: f64)
    // CHECK-NOT: arith.divf %{{.*}} : f32
    // CHECK: %[[R:.*]] = arith.constant 2.000000e-02 : f32
    // CHECK: arith.mulf %[[X]], %[[R]] : f32
    // CHECK: llvm.call_intrinsic "llvm.nvvm.div.full"(%[[X]], %[[Y]]) : (f32, f32) -> f32
    // CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"(%[[X]]) : (f32) -> f32
    // CHECK: llvm.inline_asm asm_dialect = att "tanh.approx.f32 $0, $1;", "=f,f" %[[X]] : (f32) -> f32
    // CHECK: arith.divf %[[Z]], %[[Z]] : f64
    // CHECK: math.exp2 %[[Z]] : f64
    gpu.func @wgmma(%x: f32, %y: f32, %z: f64) kernel attributes {faattn.mapping = "wgmma"} {
      %c = arith.constant 50.0 : f32
      %0 = arith.divf %x, %c : f32
      %1 = arith.divf %x, %y : f32
      %2 = math.exp2 %x : f32
      %3 = math.tanh %x : f32
      %4 = arith.divf %z, %z : f64
      %5 = math.exp2 %z : f64
      gpu.return
    }

    // A divisor that is not a normal f32 (0 here) takes div.full.
    // CHECK-LABEL: gpu.func @zero_divisor
    // CHECK: llvm.call_intrinsic "llvm.nvvm.div.full"
    gpu.func @zero_divisor(%x: f32) kernel attributes {faattn.mapping = "wgmma"} {
      %c = arith.constant 0.0 : f32
      %0 = arith.divf %x, %c : f32
      gpu.return
    }

    // Two CTAs per SM (the resource plan's mark): libdevice's exp2 stays, the
    // rest is rewritten.
    // CHECK-LABEL: gpu.func @two_ctas
    // CHECK: llvm.call_intrinsic "llvm.nvvm.div.full"
    // CHECK: math.exp2 %{{.*}} : f32
    // CHECK-NOT: ex2.approx
    // CHECK: tanh.approx.f32
    gpu.func @two_ctas(%x: f32, %y: f32) kernel
        attributes {faattn.mapping = "wgmma", faattn.ctas_per_sm = 2 : i64} {
      %0 = arith.divf %x, %y : f32
      %1 = math.exp2 %x : f32
      %2 = math.tanh %x : f32
      gpu.return
    }

    // The SIMT kernels keep IEEE math.
    // CHECK-LABEL: gpu.func @simt
    // CHECK: arith.divf
    // CHECK: math.exp2
    // CHECK: math.tanh
    // CHECK-NOT: llvm.call_intrinsic
    gpu.func @simt(%x: f32, %y: f32) kernel attributes {faattn.mapping = "simt"} {
      %0 = arith.divf %x, %y : f32
      %1 = math.exp2 %x : f32
      %2 = math.tanh %x : f32
      gpu.return
    }
  }
}
