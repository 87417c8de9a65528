#!/usr/bin/env bash
# One GPU session: every GPU measurement of the guide, each part time-boxed, results under $OUT.
set -u
export PYTHONUNBUFFERED=1 PYTHONHASHSEED=0 MPLBACKEND=Agg
OUT=${OUT:-/tmp/gpu-out}; mkdir -p "$OUT"
PY=${PY:-python3}
DRY=${DRY:-}
log="$OUT/log.txt"
t0=$(date +%s)
part() { echo "### $1 ($(( $(date +%s) - t0 )) s)" | tee -a "$log"; }
{
part env
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1
$PY -c "import torch,sys,platform;print(sys.version);print(torch.__version__,torch.version.cuda,torch.cuda.is_available())"
nproc; uptime
} >> "$log" 2>&1

if [ -z "$DRY" ]; then EPOCHS=20000; Q=""; else EPOCHS=40; Q="--quick"; fi

part "race cuda"
timeout 210 $PY snippets/iris_race.py --device cuda --epochs $EPOCHS $Q --out "$OUT/race-cuda-h200.json" >> "$log" 2>&1; echo "exit $?" >> "$log"

part "cuda blocks"
timeout 60 $PY .gpu/cuda_blocks.py > "$OUT/cuda-blocks.txt" 2>&1; echo "exit $?" >> "$log"

part "machine report"
{ timeout 30 $PY .gpu/machine_report.py --lang en; timeout 30 $PY .gpu/machine_report.py --lang zh; } > "$OUT/machine-report-h200.txt" 2>&1
timeout 30 $PY .gpu/machine_report.py --json > "$OUT/machine-facts-h200.json" 2>> "$log"

part done
