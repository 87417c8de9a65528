"""The machine stamp every result file carries (hardware, software and date), and the one way a
benchmark writes its result file.

    from benchmarks.stamp import machine_stamp, result_file, write_result
    machine_stamp(torch.device("cpu"))   # {"date": ..., "cpu": ..., "gpu": ..., "torch": ..., ...}
    write_result(path, result_file("race", "benchmarks.race", argv, quick, stamp, results))
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import platform
import shlex
from pathlib import Path

import cpuinfo
import psutil
import torch

from tools.machine_report import cpu_generation, cpu_quota, cpuinfo_facts


@functools.cache
def _cpu_info() -> dict:
    """py-cpuinfo's facts, read once per process: each reading starts a Python process of its own and
    spends a second timing the CPU's clock."""
    return cpuinfo.get_cpu_info()


def machine_stamp(device: torch.device | None = None) -> dict:
    """Hardware, software and date, for every result file a benchmark writes."""
    stamp = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "cpu": _cpu_info().get("brand_raw", platform.processor()),
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
    cpu = cpuinfo_facts(_cpu_info())
    stamp["cpu_generation"] = cpu_generation(cpu)["name"]  # from CPUID: brand strings in VMs hide it
    stamp["hypervisor"] = "hypervisor" in (cpu["flags"] or [])  # a VM: vCPUs, not cores
    stamp["cpu_quota"] = cpu_quota()  # a cgroup limit, in CPUs, or None
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties()
        stamp["gpu_capability"] = f"{props.major}.{props.minor}"
        stamp["gpu_sms"] = props.multi_processor_count
        stamp["gpu_memory_bytes"] = props.total_memory
    if device is not None:
        stamp["device"] = str(device)
    return stamp


def result_file(benchmark: str, module: str, argv: list[str], quick: bool, stamp: dict,
                results: dict) -> dict:
    """What every results/*.json holds: which benchmark, the command that makes it again (from the
    repository's root), whether it was a quick run (not for quoting), the machine, the results."""
    return {"benchmark": benchmark, "command": shlex.join(["python", "-m", module, *argv]),
            "quick": quick, "stamp": stamp, "results": results}


def write_result(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
