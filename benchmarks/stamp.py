"""The machine stamp every result file carries: hardware, software and date.

    from benchmarks.stamp import machine_stamp
    machine_stamp(torch.device("cpu"))   # {"date": ..., "cpu": ..., "gpu": ..., "torch": ..., ...}
"""

from __future__ import annotations

import datetime
import os
import platform

import cpuinfo
import psutil
import torch


def machine_stamp(device: torch.device | None = None) -> dict:
    """Hardware, software and date, for every result file a benchmark writes."""
    stamp = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "cpu": cpuinfo.get_cpu_info().get("brand_raw", platform.processor()),
        "physical_cores": psutil.cpu_count(logical=False),
        "logical_cpus": psutil.cpu_count(logical=True),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else psutil.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "os": platform.platform(terse=True),
    }
    if device is not None:
        stamp["device"] = str(device)
    return stamp
