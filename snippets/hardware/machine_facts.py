"""Read the facts a hardware report starts from: what the CPU, the OS and PyTorch say."""

import os
from pathlib import Path

import cpuinfo
import psutil
import torch


def cpu_facts():
    info = cpuinfo.get_cpu_info()
    quota = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "max 100000", or "150000 100000" = 1.5 CPUs
    return {
        "brand": info.get("brand_raw"),      # in a VM often just "Intel(R) Xeon(R) Processor"
        "cpuid": (info.get("vendor_id_raw"), info.get("family"), info.get("model"),
                  info.get("stepping")),     # what names the generation when the brand does not
        "virtual machine": "hypervisor" in info.get("flags", []),
        "logical CPUs (vCPUs)": psutil.cpu_count(logical=True),
        "cores the OS sees": psutil.cpu_count(logical=False),
        "usable (affinity)": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "quota (cpu.max)": quota.read_text().strip() if quota.exists() else None,
        "PyTorch threads": torch.get_num_threads(),
    }


def gpu_facts(index):
    props = torch.cuda.get_device_properties(index)
    return {
        "name": props.name,
        "compute capability": (props.major, props.minor),  # on ROCm: see props.gcnArchName
        "memory (bytes)": props.total_memory,
        "SMs": props.multi_processor_count,
    }


if __name__ == "__main__":
    for key, value in cpu_facts().items():
        print(f"{key}: {value}")
    print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "ROCm", torch.version.hip)
    print("kernels built for:", torch.cuda.get_arch_list())  # [] on a CPU-only build
    for index in range(torch.cuda.device_count()):
        print(f"GPU {index}:", gpu_facts(index))
