"""The GPU part of the report for real cards, rendered without a GPU.

Each card is what the CUDA driver reported for it (the cudaDeviceProp fields that
torch.cuda.get_device_properties() also returns), copied from a published deviceQuery run.
"""

# --8<-- [start:cards]
from machine_report import render_gpus

RECORDED = [
    # deviceQuery on a GeForce GTX 1080 Ti (Pascal), github.com/ethereum-mining/ethminer/issues/536
    {"name": "GeForce GTX 1080 Ti", "memory_bytes": 11715084288,
     "major": 6, "minor": 1, "multiprocessors": 28},
    # deviceQuery on a GeForce RTX 4090 (Ada Lovelace),
    # github.com/thamada/nvidia-smi/blob/b09ef139/gls/RTX4090_deviceQuery.py
    {"name": "NVIDIA GeForce RTX 4090", "memory_bytes": 25386352640,
     "major": 8, "minor": 9, "multiprocessors": 128},
    # deviceQuery on an H100 SXM (Hopper),
    # github.com/thamada/nvidia-smi/blob/03fbe6e6/nvsim/H100SXMx8_deviceQuery.py
    {"name": "NVIDIA H100 80GB HBM3", "memory_bytes": 85045477376,
     "major": 9, "minor": 0, "multiprocessors": 132},
]
# --8<-- [end:cards]

if __name__ == "__main__":
    print(render_gpus(RECORDED, lang="en"))
