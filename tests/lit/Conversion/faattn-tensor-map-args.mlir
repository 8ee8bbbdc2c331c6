// RUN: faattn-opt %s -split-input-file -pass-pipeline='builtin.module(gpu.module(faattn-tensor-map-args))' -verify-diagnostics | FileCheck %s

// The last `faattn.tensor_maps` arguments become 128-byte, 64-byte-aligned
// grid constants passed by value; the others keep their attributes.
module attributes {gpu.container_module} {
  gpu.module @faattn_kernels {
    // CHECK-LABEL: llvm.func @k(
    // CHECK-SAME: %{{.*}}: !llvm.ptr {llvm.noalias},
    // CHECK-SAME: %{{.*}}: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant},
    // CHECK-SAME: %{{.*}}: !llvm.ptr {llvm.align = 64 : i64, llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant})
    llvm.func @k(%a: !llvm.ptr {llvm.noalias}, %m0: !llvm.ptr, %m1: !llvm.ptr)
        attributes {faattn.tensor_maps = 2 : i64, nvvm.kernel} {
      llvm.return
    }
    // Without the attribute nothing changes.
    // CHECK-LABEL: llvm.func @plain(
    // CHECK-SAME: %{{.*}}: !llvm.ptr)
    llvm.func @plain(%a: !llvm.ptr) attributes {nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @faattn_kernels {
    // expected-error @+1 {{faattn.tensor_maps = 3 but the function has 2 arguments}}
    llvm.func @k(%a: !llvm.ptr, %b: !llvm.ptr) attributes {faattn.tensor_maps = 3 : i64, nvvm.kernel} {
      llvm.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @faattn_kernels {
    // expected-error @+1 {{tensor-map argument 1 is not a pointer}}
    llvm.func @k(%a: !llvm.ptr, %b: i64) attributes {faattn.tensor_maps = 1 : i64, nvvm.kernel} {
      llvm.return
    }
  }
}
