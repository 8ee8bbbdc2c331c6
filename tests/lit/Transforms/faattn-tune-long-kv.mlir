// RUN: faattn-opt %s -split-input-file -faattn-tune | FileCheck %s --check-prefix=DEFAULT
// RUN: faattn-opt %s -split-input-file -faattn-tune=long-kv=true | FileCheck %s --check-prefix=LONG

// overlap = auto's shape-dependent choice (docs/PERFORMANCE.md steps 20-21, 68): the plain
// sm_90a kernels at head dim 256, and the causal ones at head dim 128, with their default
// tiles are marked with the shortest KV sequence their long-KV build may be launched for
// (1024) and the cost model's ratio (the launch's KV blocks a tile against its waves: 6.5 at
// head dim 256, 2.5 for causal 128, 1.0 for plain 112); with long-kv the pass makes that
// build (cooperative warpgroups, the softmax overlap, which then are not plain: heavy first;
// the tiles stay these head dims' defaults).
// DEFAULT-LABEL: func.func @d256(
// DEFAULT-SAME: faattn.long_kv_alternative = 1024 : i64, faattn.long_kv_blocks_per_wave = 6.500000e+00 : f64
// DEFAULT-NOT: faattn.schedule
// DEFAULT-SAME: faattn.tile_order = "l2_sections"
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 80>
// LONG-LABEL: func.func @d256(
// LONG-NOT: long_kv_alternative
// LONG-NOT: tile_order
// LONG-SAME: faattn.overlap = "softmax", faattn.schedule = "cooperative"
// LONG-NOT: tile_order
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 80>

func.func @d256(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// DEFAULT-LABEL: func.func @d256_causal(
// DEFAULT-SAME: faattn.long_kv_alternative = 1024 : i64, faattn.long_kv_blocks_per_wave = 6.500000e+00 : f64
// DEFAULT-NOT: faattn.schedule
// DEFAULT-SAME: faattn.tile_order = "l2_sections"
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 80>
// LONG-LABEL: func.func @d256_causal(
// LONG-NOT: long_kv_alternative
// LONG-NOT: tile_order
// LONG-SAME: faattn.overlap = "softmax", faattn.schedule = "cooperative"
// LONG-NOT: tile_order
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 80>

func.func @d256_causal(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
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

// DEFAULT-LABEL: func.func @d128_causal(
// DEFAULT-SAME: faattn.long_kv_alternative = 1024 : i64, faattn.long_kv_blocks_per_wave = 2.500000e+00 : f64
// DEFAULT-NOT: faattn.schedule
// DEFAULT-SAME: faattn.tile_order = "l2_sections"
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 128>
// LONG-LABEL: func.func @d128_causal(
// LONG-NOT: long_kv_alternative
// LONG-NOT: tile_order
// LONG-SAME: faattn.overlap = "softmax", faattn.schedule = "cooperative"
// LONG-NOT: tile_order
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @d128_causal(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
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

// Head dim 128 without a mask: measured slower with the overlap (4% at 16k).
// DEFAULT-LABEL: func.func @d128(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 176>
// LONG-LABEL: func.func @d128(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 176>

func.func @d128(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Head dim 64: slower (one CTA an SM).
// DEFAULT-LABEL: func.func @d64_causal(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 128>
// LONG-LABEL: func.func @d64_causal(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @d64_causal(%q: memref<?x?x4x64xbf16>, %k: memref<?x?x4x64xbf16>, %v: memref<?x?x4x64xbf16>, %o: memref<?x?x4x64xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x64xbf16>) k(%k : memref<?x?x4x64xbf16>) v(%v : memref<?x?x4x64xbf16>) out(%o : memref<?x?x4x64xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
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

// Another mask (q_idx > kv_idx; windows, documents: slower).
// DEFAULT-LABEL: func.func @d128_strict(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 128>
// LONG-LABEL: func.func @d128_strict(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 128>

func.func @d128_strict(%q: memref<?x?x4x128xbf16>, %k: memref<?x?x4x128xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x128xbf16>) k(%k : memref<?x?x4x128xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  } mask {
  ^bb0(%b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    %m = arith.cmpi sgt, %qi, %ki : i32
    faattn.yield %m : i1
  }
  return
}

// -----

// The spec's overlap = none (or softmax): the user's choice, no alternative.
// DEFAULT-LABEL: func.func @d256_overlap_none(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 80>
// LONG-LABEL: func.func @d256_overlap_none(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 80>

func.func @d256_overlap_none(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.overlap = "none", faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// A schedule of the spec's: not plain.
// DEFAULT-LABEL: func.func @d256_pingpong(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 80>
// LONG-LABEL: func.func @d256_pingpong(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 80>

func.func @d256_pingpong(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.schedule = "pingpong", faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// The spec's tile: not the measured kernel.
// DEFAULT-LABEL: func.func @d256_tile(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 64>
// LONG-LABEL: func.func @d256_tile(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 64>

func.func @d256_tile(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32, tile = array<i64: 128, 64>} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// sm_80: no tensor-core pipeline.
// DEFAULT-LABEL: func.func @d256_sm80(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 64, 64>
// LONG-LABEL: func.func @d256_sm80(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 64, 64>

func.func @d256_sm80(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_80"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Head dims 256 : 128: not measured.
// DEFAULT-LABEL: func.func @d256_128(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 80>
// LONG-LABEL: func.func @d256_128(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 80>

func.func @d256_128(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x128xbf16>, %o: memref<?x?x4x128xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x128xbf16>) out(%o : memref<?x?x4x128xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// The spec's stages (1: no ring for the rotated loops).
// DEFAULT-LABEL: func.func @d256_stages1(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 80>
// LONG-LABEL: func.func @d256_stages1(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 80>

func.func @d256_stages1(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.stages = 1 : i64, faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// The spec's tile_order.
// DEFAULT-LABEL: func.func @d256_order(
// DEFAULT-NOT: long_kv_alternative
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 80>
// LONG-LABEL: func.func @d256_order(
// LONG-NOT: long_kv_alternative
// LONG-NOT: faattn.overlap = "softmax"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 80>

func.func @d256_order(%q: memref<?x?x4x256xbf16>, %k: memref<?x?x4x256xbf16>, %v: memref<?x?x4x256xbf16>, %o: memref<?x?x4x256xbf16>) attributes {faattn.target = "sm_90a", faattn.tile_order = "l2_sections"} {
  faattn.attention q(%q : memref<?x?x4x256xbf16>) k(%k : memref<?x?x4x256xbf16>) v(%v : memref<?x?x4x256xbf16>) out(%o : memref<?x?x4x256xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}

// -----

// Plain head dim 112 without a mask: marked too (cooperative + overlap 11% faster at 16k,
// step 27); the tiles stay 128x128.
// DEFAULT-LABEL: func.func @d112(
// DEFAULT-SAME: faattn.long_kv_alternative = 1024 : i64, faattn.long_kv_blocks_per_wave = 1.000000e+00 : f64
// DEFAULT: faattn.attention {{.*}}tile = array<i64: 128, 128>
// LONG-LABEL: func.func @d112(
// LONG-SAME: faattn.overlap = "softmax", faattn.schedule = "cooperative"
// LONG: faattn.attention {{.*}}tile = array<i64: 128, 128>
func.func @d112(%q: memref<?x?x4x112xbf16>, %k: memref<?x?x4x112xbf16>, %v: memref<?x?x4x112xbf16>, %o: memref<?x?x4x112xbf16>) attributes {faattn.target = "sm_90a"} {
  faattn.attention q(%q : memref<?x?x4x112xbf16>) k(%k : memref<?x?x4x112xbf16>) v(%v : memref<?x?x4x112xbf16>) out(%o : memref<?x?x4x112xbf16>) attributes {layout = #faattn.layout<bshd>, mode = #faattn.mode<forward>, num_heads = 4 : i64, num_kv_heads = 4 : i64, scale = 1.0 : f32} score {
  ^bb0(%s: f32, %b: i32, %h: i32, %qi: i32, %ki: i32, %sq: i32, %skv: i32):
    faattn.yield %s : f32
  }
  return
}
