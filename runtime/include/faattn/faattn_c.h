/*===- faattn_c.h - faattn's C ABI (for ctypes and other FFIs) ----*- C -*-===//
 *
 * A small C interface over the C++ runtime (faattn/faattn.h), built as the
 * shared library libfaattn_c.so. The Python package calls it through ctypes,
 * so it needs no build against torch or Python: one library serves every
 * PyTorch and Python version.
 *
 *   faattn_runtime *rt = faattn_runtime_create(NULL);   // default disk cache
 *   faattn_kernel *k = faattn_compile(rt, specText, "");  // NULL: faattn_last_error()
 *   faattn_args a = {0}; a.q = &q; ...                     // the runtime's LaunchArgs
 *   if (faattn_launch(k, &a, device, stream) != 0) puts(faattn_last_error());
 *
 * Nothing aborts: a function that fails returns NULL or a non-zero status and
 * leaves the runtime's message in faattn_last_error() (per thread).
 *
 *===----------------------------------------------------------------------===*/
#ifndef FAATTN_FAATTN_C_H
#define FAATTN_FAATTN_C_H

#include <stdint.h>

#if defined(FAATTN_C_BUILD)
#define FAATTN_C_API __attribute__((visibility("default")))
#else
#define FAATTN_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define FAATTN_C_ABI_VERSION 3
#define FAATTN_C_MAX_RANK 8

/* Element types, as faattn::DType. */
enum {
  FAATTN_F16 = 0,
  FAATTN_BF16 = 1,
  FAATTN_E4M3 = 2,
  FAATTN_F32 = 3,
  FAATTN_I32 = 4
};

/* A tensor: pointer (device memory for faattn_launch, host memory for
 * faattn_run_cpu), element type, shape and, when has_strides, strides in
 * elements (otherwise contiguous row-major). Shapes are as faattn.h's
 * LaunchArgs: the spec's layout, rank 3 for varlen's packed tensors. */
typedef struct faattn_tensor {
  void *data;
  int32_t dtype;
  int32_t rank;
  int64_t shape[FAATTN_C_MAX_RANK];
  int64_t strides[FAATTN_C_MAX_RANK];
  int32_t has_strides;
} faattn_tensor;

/* faattn::LaunchArgs: NULL for an absent optional tensor. */
typedef struct faattn_args {
  const faattn_tensor *q, *k, *v, *out;
  const faattn_tensor *lse;
  const faattn_tensor *cu_seqlens_q, *cu_seqlens_kv; /* varlen */
  int64_t max_seqlen_q;                               /* varlen; 0: total_q */
  const faattn_tensor *block_table, *seqlens_kv;      /* paged_kv */
  int32_t num_params;
  const char *const *param_names;
  const faattn_tensor *params;
  /* Backward kernels only (faattn_compile_backward): dout (dL/d out, as out)
   * in; dq, dk, dv (as q, k, v) and one f32 gradient per requires_grad
   * param, by name, of its param's shape, out. lse is then the forward's
   * LSE, read. NULL / 0 for a forward kernel. */
  const faattn_tensor *dout, *dq, *dk, *dv;
  int32_t num_param_grads;
  const char *const *param_grad_names;
  const faattn_tensor *param_grads;
  /* paged_kv and varlen: the longest KV sequence when the caller knows it on
   * the host (LaunchArgs::maxSeqlenKV: a decode kernel's split count is chosen
   * for it); 0: the block table's capacity, or total_kv. (ABI version 3.) */
  int64_t max_seqlen_kv;
} faattn_args;

typedef struct faattn_runtime faattn_runtime;
typedef struct faattn_kernel faattn_kernel;

/* faattn::quantizeE4M3 (faattn.h): x (bf16, f16 or f32; (batch, seq, heads,
 * head_dim) when bshd, else (batch, heads, seq, head_dim)) to x8 (e4m3, x's
 * shape) and descale (f32: (1), (batch, heads) or (batch, heads, seq) for
 * granularity 0 (tensor), 1 (head) or 2 (block of `block` rows)), with
 * x ~= x8 * descale. device < 0: host memory; else device memory of that
 * GPU, on `stream`. 0 on success, else nonzero (faattn_last_error). (ABI
 * version 3.) */
FAATTN_C_API int32_t faattn_quantize_e4m3(const faattn_tensor *x, const faattn_tensor *x8,
                                          const faattn_tensor *descale, int32_t granularity,
                                          int64_t block, int32_t bshd, int32_t device,
                                          void *stream);

/* FAATTN_C_ABI_VERSION of the library (a binding checks it). */
FAATTN_C_API int32_t faattn_abi_version(void);
/* faattn's compiler version (part of every cache key). */
FAATTN_C_API const char *faattn_compiler_version(void);
/* The message of this thread's last failure ("" if none). */
FAATTN_C_API const char *faattn_last_error(void);

/* cache_dir: NULL for the runtime's default ($FAATTN_CACHE_DIR, ...), "" for
 * no disk cache, else that directory. */
FAATTN_C_API faattn_runtime *faattn_runtime_create(const char *cache_dir);
FAATTN_C_API void faattn_runtime_destroy(faattn_runtime *rt);
/* The cache directory in use ("" when off); valid until the runtime is destroyed. */
FAATTN_C_API const char *faattn_runtime_cache_dir(faattn_runtime *rt);
/* compiles, memory hits, disk hits of this runtime. */
FAATTN_C_API void faattn_runtime_stats(faattn_runtime *rt, int32_t *compiles, int32_t *memory_hits,
                          int32_t *disk_hits);

/* Compiles the kernel named `kernel` (NULL or "": the spec's only one) of
 * `spec_text` through the runtime's memory and disk caches. NULL on failure. */
FAATTN_C_API faattn_kernel *faattn_compile(faattn_runtime *rt, const char *spec_text, const char *kernel);
/* The backward of that kernel (Runtime::compileBackward): of a forward kernel
 * with the `backward` flag, or the kernel itself when it has mode = backward.
 * faattn_launch runs its GPU kernels (SIMT for now), faattn_run_cpu the CPU path. Its
 * info's "mode" is "backward" and each param has "requires_grad". */
FAATTN_C_API faattn_kernel *faattn_compile_backward(faattn_runtime *rt, const char *spec_text,
                                                    const char *kernel);
FAATTN_C_API void faattn_kernel_destroy(faattn_kernel *k);
/* The checked spec as JSON: name, heads, head dims, dtype, out_dtype, kv_dtype, layout,
 * mode, target, scale, return_lse, backward (the forward's flag), varlen, page,
 * params (name, dtype, dims, requires_grad), hash and the canonical spec.
 * Valid while the kernel lives. */
FAATTN_C_API const char *faattn_kernel_info(faattn_kernel *k);

/* The runtime's launch checks only (Kernel::validate); no GPU needed. */
FAATTN_C_API int32_t faattn_validate(faattn_kernel *k, const faattn_args *args);
/* Launches on CUDA device `device` (its primary context is made current on
 * the calling thread) and `stream` (a CUstream; NULL: the default stream). */
FAATTN_C_API int32_t faattn_launch(faattn_kernel *k, const faattn_args *args, int32_t device, void *stream);
/* Runs the kernel on the CPU (the CPU execution path: f32 storage and
 * compute, JIT-compiled on first use and kept with the kernel): q, k, v and
 * out (and a backward's dout, dq, dk, dv) are f32 host tensors, contiguous;
 * the other tensors as for a launch. The launch checks run first, with
 * those taken as the spec's dtype. */
FAATTN_C_API int32_t faattn_run_cpu(faattn_kernel *k, const faattn_args *args);

#ifdef __cplusplus
}
#endif

#endif /* FAATTN_FAATTN_C_H */
