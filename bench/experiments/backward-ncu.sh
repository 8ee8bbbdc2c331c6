#!/usr/bin/env bash
# Where the tensor-core backward's main kernel spends its time (PERFORMANCE steps 46-49 left it at
# 0.18x cuDNN without a profile): ncu's full set and the warp-stall breakdown of one launch of
# specs/backward.fa's causal_bwd, and the SASS of its main entry summarized (spills against the
# products). Run on the GPU machine from the repository root with the bundle unpacked in /tmp/fb
# (tools/gpu-suite.sh's way); writes under $OUT. Not yet run.
set -u
export PATH=/tmp/fb:/usr/local/cuda/bin:$PATH
k=${1:-causal_bwd}
shape=${2:-b=1,seq_q=2048,seq_kv=2048}
timeout 240 ncu --kernel-name "$k" --launch-count 1 --set full --import-source no \
  faattn-run --gpu specs/backward.fa --kernel="$k" --shape "$shape" > "$OUT/ncu-$k.txt" 2>&1
echo "ncu $k exit=$?"
grep -E "Duration|Registers Per|Achieved Occupancy|Theoretical Occupancy|Compute \(SM\) Throughput|Memory Throughput|L2 Hit|Local|Issue Slots Busy|Warp Cycles Per Issued|No Eligible|Eligible Warps|Executed Ipc A|Block Limit|Stall|stall" \
  "$OUT/ncu-$k.txt" | head -70
timeout 120 ncu --kernel-name "$k" --launch-count 1 \
  --metrics regex:smsp__pcsamp_warps_issue_stalled_.*,smsp__inst_executed.sum,smsp__inst_executed_pipe_tensor_op_gmma.sum,l1tex__t_bytes_pipe_lsu_mem_local_op_ld.sum,l1tex__t_bytes_pipe_lsu_mem_local_op_st.sum,lts__t_requests_op_red.sum,lts__t_requests_op_atom.sum \
  faattn-run --gpu specs/backward.fa --kernel="$k" --shape "$shape" 2>&1 |
  grep -E "smsp__|l1tex|lts" | awk '$NF+0 > 0' | sort -k3 -g -r | head -60
