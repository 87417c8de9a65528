#!/usr/bin/env bash
# One GPU session: every GPU measurement of the guide, each part time-boxed, results under $OUT.
set -u
export PYTHONUNBUFFERED=1 PYTHONHASHSEED=0 MPLBACKEND=Agg
OUT=${OUT:-/tmp/gpu-out}; mkdir -p "$OUT"
PY=${PY:-python3}
DRY=${DRY:-}
log="$OUT/log2.txt"
t0=$(date +%s)
part() { echo "### $1 ($(( $(date +%s) - t0 )) s)" | tee -a "$log"; }
{
part env
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv 2>&1
$PY -c "import torch,sys,platform;print(sys.version);print(torch.__version__,torch.version.cuda,torch.cuda.is_available())"
nproc; uptime
} >> "$log" 2>&1

if [ -z "$DRY" ]; then EPOCHS=20000; Q=""; else EPOCHS=40; Q="--quick"; fi

part "overheads"
timeout 250 $PY benchmarks/run_overheads.py $Q --out "$OUT/overheads-h200.json" >> "$log" 2>&1; echo "exit $?" >> "$log"

part "predictor"
timeout 70 $PY .gpu/predict_crossover.py $Q --out "$OUT/crossover-h200.json" >> "$log" 2>&1; echo "exit $?" >> "$log"

part "race cpu on the same machine"
timeout 120 $PY snippets/iris_race.py --device cpu --epochs $EPOCHS $Q --out "$OUT/race-cpu-h200host.json" >> "$log" 2>&1; echo "exit $?" >> "$log"
part done
