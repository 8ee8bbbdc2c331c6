// RUN: faattn-opt %s -split-input-file -faattn-tune -verify-diagnostics | FileCheck %s
// RUN: faattn-opt %s -split-input-file -faattn-tune=pad-head-dims=true -verify-diagnostics | FileCheck %s --check-prefix=PAD

// The tuning table (compiler/Target/Tune.cpp): each attention op gets its block sizes
// (tile = array<i64: block_m, block_n>), the plain kernels their tile order.

// Head dim 64 on sm_90a: 128x128 (two warpgroups; three would spill)
// CHECK-LABEL: func.func @h64_sm90(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>
func.func @h64_sm90(%q: memref<?x?x4x64xbf16>, %k: memref<?x?x4x64xbf16>, %v: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%k : memref<?x?x4x64xbf16>) v(%v : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Head dim 128 without a mask: 128x176 (FlashAttention-3's block_n), and the plain
// kernels' tile order is L2 sections.
// CHECK-LABEL: func.func @h128_sm90(
// CHECK-SAME: faattn.tile_order = "l2_sections"
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 176>
func.func @h128_sm90(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// the larger of the qk and v head dims decides
// CHECK-LABEL: func.func @mla_sm90(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 96>
func.func @mla_sm90(%q: memref<?x?x4x192xbf16>, %k: memref<?x?x4x192xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x192xbf16>) k(%k : memref<?x?x4x192xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h256_sm90(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 80>
func.func @h256_sm90(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h64_sm80(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>
func.func @h64_sm80(%q: memref<?x?x4x64xbf16>, %k: memref<?x?x4x64xbf16>, %v: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%k : memref<?x?x4x64xbf16>) v(%v : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_sm80(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 64>
func.func @h128_sm80(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h256_sm80(
// CHECK: faattn.attention {{.*}}tile = array<i64: 64, 64>
func.func @h256_sm80(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// no faattn.target: sm_90a
// CHECK-LABEL: func.func @no_target(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 176>
func.func @no_target(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// The spec's override is kept.
// CHECK-LABEL: func.func @override(
// CHECK: faattn.attention {{.*}}tile = array<i64: 64, 32>
func.func @override(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, tile = array<i64: 64, 32>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// The backward algorithm is not materialized yet: the op only gets its block sizes.
// CHECK-LABEL: func.func @backward(
// CHECK: faattn.attention {{.*}}mode = #faattn.mode<backward>{{.*}}tile = array<i64: 128, 128>
func.func @backward(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<backward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// The causal mask (q_idx >= kv_idx, or kv_idx <= q_idx): 128x128 (the diagonal blocks stay
// few), L2 sections.
// CHECK-LABEL: func.func @h128_causal(
// CHECK-SAME: faattn.tile_order = "l2_sections"
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_causal(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sge, %qi, %ki : i32
    faattn.yield %m : i1
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_causal_flipped(
// CHECK-SAME: faattn.tile_order = "l2_sections"
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_causal_flipped(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sle, %ki, %qi : i32
    faattn.yield %m : i1
  }
  return
}

// -----

// Any other mask, a score modification, another schedule or grid, an explicit order, sm_80
// or 8-bit inputs: 128x128 and the function's attributes as they were (heavy first).
// CHECK-LABEL: func.func @h128_window(
// CHECK-NOT: tile_order
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_window(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sge, %qi, %ki : i32
    %d = arith.subi %qi, %ki : i32
    %c = arith.constant 64 : i32
    %w = arith.cmpi slt, %d, %c : i32
    %a = arith.andi %m, %w : i1
    faattn.yield %a : i1
  }
  return
}

// -----

// kv_idx >= q_idx is not the causal mask.
// CHECK-LABEL: func.func @h128_anticausal(
// CHECK-NOT: tile_order
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_anticausal(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sge, %ki, %qi : i32
    faattn.yield %m : i1
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_score(
// CHECK-NOT: tile_order
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_score(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %c = arith.constant 2.0 : f32
    %t = arith.mulf %s, %c : f32
    faattn.yield %t : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_pingpong(
// CHECK-NOT: tile_order
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_pingpong(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a", faattn.schedule = "pingpong"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_persistent(
// CHECK-NOT: tile_order
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_persistent(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a", faattn.launch_grid = "persistent"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_heavy_first(
// CHECK-SAME: faattn.tile_order = "heavy_first"
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 176>

func.func @h128_heavy_first(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a", faattn.tile_order = "heavy_first"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_sm80_plain(
// CHECK-NOT: tile_order
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 64>

func.func @h128_sm80_plain(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @h128_e4m3(
// CHECK-NOT: tile_order
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h128_e4m3(%q: memref<?x?x4x128xf8E4M3FN>, %k: memref<?x?x4x128xf8E4M3FN>, %v: memref<?x?x4x128xf8E4M3FN>, %o: memref<?x?x4x128xf8E4M3FN>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xf8E4M3FN>) k(%k : memref<?x?x4x128xf8E4M3FN>) v(%v : memref<?x?x4x128xf8E4M3FN>) out(%o : memref<?x?x4x128xf8E4M3FN>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Head dim 64 without a mask: 128x128, L2 sections.
// CHECK-LABEL: func.func @h64_plain(
// CHECK-SAME: faattn.tile_order = "l2_sections"
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @h64_plain(%q: memref<?x?x4x64xbf16>, %k: memref<?x?x4x64xbf16>, %v: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%k : memref<?x?x4x64xbf16>) v(%v : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// expected-error @+1 {{unknown faattn.target 'sm_75' (expected sm_90a or sm_80)}}
func.func @bad_target(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_75"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Decode: 64-row Q tiles (one warpgroup; measured 7-9% faster than 128 rows, PERFORMANCE.md
// step 27), block_n by head dim as for the forward; GQA packing (step 28): head_group =
// gcd(query heads per KV head, block_m) = 4 here.
// CHECK-LABEL: func.func @decode_h128(
// CHECK: faattn.attention {{.*}}head_group = 4 : i64{{.*}}tile = array<i64: 64, 128>
func.func @decode_h128(%q: memref<?x?x32x128xbf16>, %k: memref<?x?x8x128xbf16>, %v: memref<?x?x8x128xbf16>, %o: memref<?x?x32x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x32x128xbf16>) k(%k : memref<?x?x8x128xbf16>) v(%v : memref<?x?x8x128xbf16>) out(%o : memref<?x?x32x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 32 : i64, num_kv_heads = 8 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @decode_h256(
// CHECK: faattn.attention {{.*}}head_group = 4 : i64{{.*}}tile = array<i64: 64, 80>
func.func @decode_h256(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x1x256xbf16>, %v: memref<?x?x1x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x1x256xbf16>) v(%v : memref<?x?x1x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 4 : i64, num_kv_heads = 1 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Plain head dim 80: 128x96 (18% faster than 128x128 at 16k, step 27).
// CHECK-LABEL: func.func @h80_sm90(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 96>
func.func @h80_sm90(%q: memref<?x?x4x80xbf16>, %k: memref<?x?x4x80xbf16>, %v: memref<?x?x4x80xbf16>, %o: memref<?x?x4x80xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x80xbf16>) k(%k : memref<?x?x4x80xbf16>) v(%v : memref<?x?x4x80xbf16>) out(%o : memref<?x?x4x80xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// GQA packing's head group is gcd(group, block_m): a group of 6 (12 : 2) packs 2 heads of 32
// rows; MQA 64 : 1 a whole 64-row tile of heads (one row each); varlen decode too (its packed
// rows are a tile row's sequence row past the sequence's start); MHA none, nor the forward.
// CHECK-LABEL: func.func @decode_group6(
// CHECK: faattn.attention {{.*}}head_group = 2 : i64
func.func @decode_group6(%q: memref<?x?x12x64xbf16>, %k: memref<?x?x2x64xbf16>, %o: memref<?x?x12x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x12x64xbf16>) k(%k : memref<?x?x2x64xbf16>) v(%k : memref<?x?x2x64xbf16>) out(%o : memref<?x?x12x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 12 : i64, num_kv_heads = 2 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @decode_mqa64(
// CHECK: faattn.attention {{.*}}head_group = 64 : i64
func.func @decode_mqa64(%q: memref<?x?x64x64xbf16>, %k: memref<?x?x1x64xbf16>, %o: memref<?x?x64x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x64x64xbf16>) k(%k : memref<?x?x1x64xbf16>) v(%k : memref<?x?x1x64xbf16>) out(%o : memref<?x?x64x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 64 : i64, num_kv_heads = 1 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @decode_mha(
// CHECK-NOT: head_group
// CHECK: return
func.func @decode_mha(%q: memref<?x?x8x64xbf16>, %o: memref<?x?x8x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x8x64xbf16>) k(%q : memref<?x?x8x64xbf16>) v(%q : memref<?x?x8x64xbf16>) out(%o : memref<?x?x8x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 8 : i64, num_kv_heads = 8 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @decode_varlen(
// CHECK: faattn.attention {{.*}}head_group = 4 : i64
// CHECK: return
func.func @decode_varlen(%q: memref<1x?x8x64xbf16>, %k: memref<1x?x2x64xbf16>, %o: memref<1x?x8x64xbf16>, %cq: memref<?xi32>, %ck: memref<?xi32>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<1x?x8x64xbf16>) k(%k : memref<1x?x2x64xbf16>) v(%k : memref<1x?x2x64xbf16>) out(%o : memref<1x?x8x64xbf16>) cu_seqlens_q(%cq : memref<?xi32>) cu_seqlens_kv(%ck : memref<?xi32>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<decode>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 1.0 : f32, varlen} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// CHECK-LABEL: func.func @forward_gqa(
// CHECK-NOT: head_group
// CHECK: return
func.func @forward_gqa(%q: memref<?x?x8x64xbf16>, %k: memref<?x?x2x64xbf16>, %o: memref<?x?x8x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x8x64xbf16>) k(%k : memref<?x?x2x64xbf16>) v(%k : memref<?x?x2x64xbf16>) out(%o : memref<?x?x8x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 8 : i64, num_kv_heads = 2 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Head dim 72 under pad-head-dims (FAATTN_EXPERIMENTAL_PADDED_HEAD_DIMS=1: faattn-tile pads
// it to 80): the tiles of 80, 128x96 (step 27), not 72's own 128x128 (PERFORMANCE step 48).
// PAD-LABEL: func.func @h72_padded(
// PAD: faattn.attention {{.*}}tile = array<i64: 128, 96>
// CHECK-LABEL: func.func @h72_padded(
// CHECK: faattn.attention {{.*}}tile = array<i64: 128, 128>
func.func @h72_padded(%q: memref<?x?x4x72xbf16>, %k: memref<?x?x4x72xbf16>, %v: memref<?x?x4x72xbf16>, %o: memref<?x?x4x72xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x72xbf16>) k(%k : memref<?x?x4x72xbf16>) v(%v : memref<?x?x4x72xbf16>) out(%o : memref<?x?x4x72xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Head dim 104 padded to 112: 112's long-KV build (the plain kernel without a mask, step 27).
// PAD-LABEL: func.func @h104_padded(
// PAD-SAME: faattn.long_kv_alternative = 1024 : i64, faattn.long_kv_blocks_per_wave = 1.000000e+00 : f64
// CHECK-LABEL: func.func @h104_padded(
// CHECK-NOT: faattn.long_kv_alternative
// CHECK: faattn.attention
func.func @h104_padded(%q: memref<?x?x4x104xbf16>, %k: memref<?x?x4x104xbf16>, %v: memref<?x?x4x104xbf16>, %o: memref<?x?x4x104xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x104xbf16>) k(%k : memref<?x?x4x104xbf16>) v(%v : memref<?x?x4x104xbf16>) out(%o : memref<?x?x4x104xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}
