"""Explain this machine for PyTorch: the CPU's generation, vCPUs, quota and threads, each GPU and
whether this PyTorch build can run on it.

    python tools/machine_report.py                    # English; --lang zh for Chinese
    python tools/machine_report.py --gpu 0            # one GPU only
    python tools/machine_report.py --json > my.json   # the raw facts, to keep or compare
    python tools/machine_report.py --facts my.json    # report recorded facts again, anywhere

One file; it needs only torch, psutil and py-cpuinfo. gather() reads the machine into a plain dict
of facts; everything after it only reads that dict, so a recorded machine can be reported where its
hardware is absent. Every row of the tables below names its source (SOURCES).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
from collections import namedtuple
from pathlib import Path

SOURCES = {
    "intel-family": "https://github.com/torvalds/linux/blob/master/arch/x86/include/asm/intel-family.h",
    "amd-zen": "https://github.com/torvalds/linux/blob/master/arch/x86/kernel/cpu/amd.c",
    "gcc-x86": "https://gcc.gnu.org/onlinedocs/gcc/x86-Options.html",
    "arm-cputype": "https://github.com/torvalds/linux/blob/master/arch/arm64/include/asm/cputype.h",
    "apple-m3": "https://www.apple.com/newsroom/2023/10/apple-unveils-m3-m3-pro-and-m3-max-the-most-"
                "advanced-chips-for-a-personal-computer/",
    "apple-m4": "https://www.apple.com/newsroom/2024/05/apple-introduces-m4-chip/",
    "cuda-gpus": "https://developer.nvidia.com/cuda-gpus",
    "cuda-cc": "https://docs.nvidia.com/cuda/cuda-programming-guide/05-appendices/compute-capabilities.html",
    "cubin-ptx": "https://docs.nvidia.com/cuda/ada-compatibility-guide/index.html",
    "family-specific": "https://developer.nvidia.com/blog/nvidia-blackwell-and-nvidia-cuda-12-9-introduce-"
                       "family-specific-architecture-features",
    "tegra-binary": "https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#binary-compatibility",
    "ptx-mma": "https://docs.nvidia.com/cuda/parallel-thread-execution/index.html#warp-level-matrix-instructions",
    "fp16-rate": "https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#arithmetic-instructions",
    "torch-cuda-matrix": "https://github.com/pytorch/pytorch/blob/main/RELEASE.md#pytorch-cuda-support-matrix",
    "rocm-gfx": "https://rocm.docs.amd.com/en/latest/reference/gpu-arch-specs.html",
    "torch-threads": "https://github.com/pytorch/pytorch/blob/main/c10/core/thread_pool.cpp",
}

# ============================================================================ CPU generations
# One row per CPUID (vendor, family, model) range. `steppings` narrows a model number that several
# generations share (None: any). `flags` are the marker instruction sets the generation has, as Linux
# names them without underscores (GCC's -march list for it, SOURCES["gcc-x86"]); the report checks
# them against the flags the CPU shows, because a hypervisor may present a made-up CPU model.
CpuGen = namedtuple("CpuGen", "vendor family models steppings name kind flags source")
_SPR = {"avx512f", "avx512vnni", "avx512bf16", "avx512fp16", "amxtile", "avxvnni"}
CPU_GENERATIONS = [
    # Intel server (Xeon), intel-family.h: *_X / *_D are server parts.
    CpuGen("intel", 6, [0x55], range(0, 5), "Skylake-SP", "server-x", {"avx512f"}, "intel-family"),
    CpuGen("intel", 6, [0x55], range(5, 8), "Cascade Lake", "server-x", {"avx512f", "avx512vnni"},
           "intel-family"),
    CpuGen("intel", 6, [0x55], range(10, 16), "Cooper Lake", "server-x",
           {"avx512f", "avx512vnni", "avx512bf16"}, "intel-family"),
    CpuGen("intel", 6, [0x6A, 0x6C], None, "Ice Lake-SP", "server", {"avx512f", "avx512vnni"},
           "intel-family"),
    CpuGen("intel", 6, [0x8F], None, "Sapphire Rapids", "server", _SPR, "intel-family"),
    CpuGen("intel", 6, [0xCF], None, "Emerald Rapids", "server", _SPR, "intel-family"),
    CpuGen("intel", 6, [0xAD, 0xAE], None, "Granite Rapids", "server", _SPR | {"amxfp16"},
           "intel-family"),
    CpuGen("intel", 6, [0xAF], None, "Sierra Forest (E-cores)", "server", {"avxvnni"}, "intel-family"),
    # Intel client (Core).
    CpuGen("intel", 6, [0x4E, 0x5E], None, "Skylake", "client", set(), "intel-family"),
    CpuGen("intel", 6, [0x9E], range(10, 14), "Coffee Lake", "client", set(), "intel-family"),
    CpuGen("intel", 6, [0x8E, 0x9E], None, "Kaby Lake family (Kaby/Amber/Coffee/Whiskey Lake)",
           "client", set(), "intel-family"),
    CpuGen("intel", 6, [0xA5, 0xA6], None, "Comet Lake", "client", set(), "intel-family"),
    CpuGen("intel", 6, [0x7D, 0x7E], None, "Ice Lake", "client", {"avx512f", "avx512vnni"},
           "intel-family"),
    CpuGen("intel", 6, [0x8C, 0x8D], None, "Tiger Lake", "client", {"avx512f", "avx512vnni"},
           "intel-family"),
    CpuGen("intel", 6, [0xA7], None, "Rocket Lake", "client", {"avx512f", "avx512vnni"}, "intel-family"),
    CpuGen("intel", 6, [0x97, 0x9A], None, "Alder Lake (P- and E-cores)", "client", {"avxvnni"},
           "intel-family"),
    CpuGen("intel", 6, [0xB7, 0xBA, 0xBF], None, "Raptor Lake (P- and E-cores)", "client", {"avxvnni"},
           "intel-family"),
    CpuGen("intel", 6, [0xAA, 0xAC], None, "Meteor Lake (P- and E-cores)", "client", {"avxvnni"},
           "intel-family"),
    CpuGen("intel", 6, [0xB5, 0xC5, 0xC6], None, "Arrow Lake (P- and E-cores)", "client", {"avxvnni"},
           "intel-family"),
    CpuGen("intel", 6, [0xBD], None, "Lunar Lake (P- and E-cores)", "client", {"avxvnni"},
           "intel-family"),
    # AMD: amd.c's "Figure out Zen generations" (family 0x17 = 23, 0x19 = 25, 0x1A = 26).
    CpuGen("amd", 0x17, [*range(0x00, 0x30), *range(0x50, 0x60)], None, "Zen or Zen+", "",
           set(), "amd-zen"),
    CpuGen("amd", 0x17, [*range(0x30, 0x50), *range(0x60, 0x80), 0x90, 0x91, *range(0xA0, 0xB0)],
           None, "Zen 2", "", set(), "amd-zen"),
    CpuGen("amd", 0x19, [*range(0x00, 0x10), *range(0x20, 0x60)], None, "Zen 3", "", set(), "amd-zen"),
    CpuGen("amd", 0x19, [*range(0x10, 0x20), *range(0x60, 0xB0)], None, "Zen 4", "",
           {"avx512f", "avx512bf16"}, "amd-zen"),
    CpuGen("amd", 0x1A, [*range(0x00, 0x30), *range(0x40, 0x50), *range(0x60, 0x80)], None, "Zen 5",
           "", {"avx512f", "avx512bf16", "avxvnni", "avx512vp2intersect"}, "amd-zen"),
    CpuGen("amd", 0x1A, [*range(0x50, 0x60), *range(0x80, 0xB0), *range(0xC0, 0xD0)], None, "Zen 6",
           "", None, "amd-zen"),
]
# Flags the checks look at, per vendor (a flag outside this list says nothing about the generation).
MARKER_FLAGS = {
    "intel": ["avx512f", "avx512vnni", "avx512bf16", "avx512fp16", "amxtile", "amxfp16", "avxvnni"],
    "amd": ["avx512f", "avx512bf16", "avxvnni", "avx512vp2intersect"],
}
# ARM cores by MIDR (implementer, part), as Linux shows them in /proc/cpuinfo.
ARM_CORES = {
    (0x41, 0xD0C): "Neoverse N1", (0x41, 0xD40): "Neoverse V1", (0x41, 0xD49): "Neoverse N2",
    (0x41, 0xD4F): "Neoverse V2", (0x41, 0xD84): "Neoverse V3", (0x41, 0xD8E): "Neoverse N3",
    (0x41, 0xD08): "Cortex-A72", (0x41, 0xD0B): "Cortex-A76",
    **{(0x61, part): "Apple M1" for part in (0x22, 0x23, 0x24, 0x25, 0x28, 0x29)},
    **{(0x61, part): "Apple M2" for part in (0x32, 0x33, 0x34, 0x35, 0x38, 0x39)},
}
# macOS names Apple silicon in its brand string ("Apple M3 Pro"); Linux on Apple silicon does not.
APPLE_CHIPS = {"M1": "arm-cputype", "M2": "arm-cputype", "M3": "apple-m3", "M4": "apple-m4"}
VENDORS = {"GenuineIntel": "intel", "AuthenticAMD": "amd"}


def _flagset(flags):
    """Flags as Linux names them, without underscores: 'avx512_bf16' and 'avx512bf16' are one."""
    return {flag.replace("_", "").lower() for flag in flags or ()}


def cpu_generation(cpu):
    """Name this CPU's generation from what the CPU reports (CPUID, MIDR or brand string).

    Returns a dict: name (None when unknown), kind, source (a URL), basis ('cpuid', 'midr' or
    'brand'), extra (marker flags present that the named generation lacks: the model number may be
    one a hypervisor made up) and missing (marker flags it should have but the CPU hides).
    """
    brand = cpu.get("brand") or ""
    apple = re.search(r"\bApple (M\d+)( Pro| Max| Ultra)?\b", brand)
    if apple:
        chip = apple[1]
        return {"name": f"Apple {chip}{apple[2] or ''}", "kind": "", "basis": "brand", "extra": [],
                "missing": [], "source": SOURCES.get(APPLE_CHIPS.get(chip, ""))}
    midr = cpu.get("midr")
    if midr:
        name = ARM_CORES.get((midr["implementer"], midr["part"]))
        return {"name": name, "kind": "", "basis": "midr", "extra": [], "missing": [],
                "source": SOURCES["arm-cputype"] if name else None}
    vendor = VENDORS.get(cpu.get("vendor"))
    family, model, stepping = cpu.get("family"), cpu.get("model"), cpu.get("stepping")
    rows = [row for row in CPU_GENERATIONS
            if row.vendor == vendor and row.family == family and model in row.models]
    unknown = {"name": None, "kind": "", "basis": "cpuid", "extra": [], "missing": [], "source": None}
    if not rows:
        return unknown
    markers = set(MARKER_FLAGS.get(vendor, [])) & _flagset(cpu.get("flags"))
    # Several generations share one model number (0x55: Skylake-SP, Cascade Lake, Cooper Lake); the
    # stepping tells them apart, and where it fits none of them, the flags do.
    by_stepping = [row for row in rows if row.steppings is None or stepping in row.steppings]
    by_flags = [row for row in rows if row.flags == markers]
    row = (by_stepping or by_flags or rows)[0]
    known = row.flags is not None and cpu.get("flags") is not None  # None: flags not recorded
    return {"name": row.name, "kind": row.kind, "basis": "cpuid", "source": SOURCES[row.source],
            "extra": sorted(markers - row.flags) if known else [],
            "missing": sorted(row.flags - markers) if known else []}


# ============================================================================ CPU quota and threads
def _cgroup_dirs(base, relative):
    """The cgroup folder of this process under `base` and its ancestors, innermost first.

    Inside a container the process's own cgroup is usually mounted at `base` itself, and the path
    /proc/self/cgroup names does not exist there: then only `base` is read.
    """
    if relative is not None:
        inner = base / relative.strip("/")
        if inner.is_dir() and inner != base:
            return [inner, *[p for p in inner.parents if p == base or base in p.parents]]
    return [base]


def _read(path):
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def cpu_quota(root="/sys/fs/cgroup", self_cgroup="/proc/self/cgroup"):
    """The CPU quota of this process's cgroup as {'cpus': 1.5, 'file': ...}, or None if unlimited.

    cgroup v2: `cpu.max` holds "QUOTA PERIOD" in microseconds, or "max PERIOD" for no limit.
    cgroup v1: `cpu.cfs_quota_us` (-1 for no limit) and `cpu.cfs_period_us`, in the cpu controller.
    A limit on any ancestor cgroup applies too, so the smallest one counts.
    """
    root = Path(root)
    paths = {}
    for line in (_read(Path(self_cgroup)) or "").splitlines():
        _, controllers, path = [*line.split(":", 2), "", ""][:3]
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    found = []
    for folder in _cgroup_dirs(root, paths.get("")):
        text = _read(folder / "cpu.max")
        if text and len(text.split()) == 2 and text.split()[0] != "max":
            quota, period = text.split()
            found.append((int(quota) / int(period), folder / "cpu.max"))
    for mount in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
        if not (root / mount).is_dir():
            continue
        for folder in _cgroup_dirs(root / mount, paths.get("cpu")):
            quota, period = _read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us")
            if quota and period and quota.lstrip("-").isdigit() and int(quota) > 0:
                found.append((int(quota) / int(period), folder / "cpu.cfs_quota_us"))
        break
    if not found:
        return None
    cpus, where = min(found)
    return {"cpus": round(cpus, 3), "file": str(where)}


def _usable_physical_cores(cpus):
    """Distinct physical cores among these logical CPUs (Linux sysfs), or None where unknown."""
    cores = set()
    for cpu in cpus:
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        package, core = _read(topology / "physical_package_id"), _read(topology / "core_id")
        if package is None or core is None:
            return None
        cores.add((package, core))
    return len(cores) or None


def thread_advice(cpu):
    """How many intra-op threads suit this machine: {'budget', 'large', 'tiny', 'limits'}.

    The budget is what the process may use: its affinity set, and the cgroup quota rounded down
    (a fractional CPU cannot carry a whole thread). Large tensor work wants at most one thread per
    physical core within that budget; tiny models want one thread (see the threading lab).
    """
    budget = cpu["usable_cpus"]
    quota = cpu.get("quota")
    if quota:
        budget = max(1, min(budget, math.floor(quota["cpus"])))
    cores = cpu.get("usable_physical_cores") or cpu.get("physical_cores") or budget
    return {"budget": budget, "large": max(1, min(budget, cores)), "tiny": 1}


# ============================================================================ GPUs
# --8<-- [start:architectures]
# Compute capability (major, minor) -> NVIDIA architecture: developer.nvidia.com/cuda-gpus and the
# CUDA Programming Guide's compute capability tables. Look up the pair: major 7 is Volta (7.0, 7.2)
# and Turing (7.5); major 8 is Ampere (8.0, 8.6, 8.7) and Ada Lovelace (8.9).
ARCHITECTURES = {
    (3, 5): "Kepler", (3, 7): "Kepler", (5, 0): "Maxwell", (5, 2): "Maxwell", (5, 3): "Maxwell",
    (6, 0): "Pascal", (6, 1): "Pascal", (6, 2): "Pascal", (7, 0): "Volta", (7, 2): "Volta",
    (7, 5): "Turing", (8, 0): "Ampere", (8, 6): "Ampere", (8, 7): "Ampere", (8, 9): "Ada Lovelace",
    (9, 0): "Hopper", (10, 0): "Blackwell", (10, 3): "Blackwell", (11, 0): "Blackwell",
    (12, 0): "Blackwell", (12, 1): "Blackwell",
}
# Number formats the tensor cores take, by compute capability (PTX ISA, mma/wmma target notes).
# Volta has FP16 only; INT8 from 7.2; INT4 on Turing, Ampere and Ada; BF16 and TF32 from 8.0;
# FP8 from 8.9; FP6 and FP4 from Blackwell. Before Volta there are no tensor cores.
_AMPERE = ["FP16", "BF16", "TF32", "INT8", "INT4"]
_BLACKWELL = ["FP16", "BF16", "TF32", "FP8", "FP6", "FP4", "INT8"]
TENSOR_FORMATS = {
    (7, 0): ["FP16"], (7, 2): ["FP16", "INT8"], (7, 5): ["FP16", "INT8", "INT4"],
    (8, 0): _AMPERE, (8, 6): _AMPERE, (8, 7): _AMPERE,
    (8, 9): ["FP16", "BF16", "TF32", "FP8", "INT8", "INT4"],
    (9, 0): ["FP16", "BF16", "TF32", "FP8", "INT8"],
    (10, 0): _BLACKWELL, (10, 3): _BLACKWELL, (11, 0): _BLACKWELL, (12, 0): _BLACKWELL,
    (12, 1): _BLACKWELL,
}


def architecture(major, minor):
    """'Ada Lovelace' for (8, 9); None for a pair this table does not know."""
    return ARCHITECTURES.get((major, minor))


def tensor_formats(major, minor, name=""):
    """The tensor cores' number formats; [] without tensor cores (GTX 16xx Turing cards have none)."""
    if "GTX 16" in name:
        return []
    return TENSOR_FORMATS.get((major, minor), [])
# --8<-- [end:architectures]


# --8<-- [start:compatibility]
def kernel_for(arch_list, major, minor, integrated=False):
    """Which entry of torch.cuda.get_arch_list() gives a GPU of compute capability major.minor its
    kernels: ('cubin', 'sm_86'), ('ptx', 'compute_120'), or None when nothing can run there.

    A cubin (sm_XY) runs on compute capability X.z with z >= y: the same major number, an equal or
    newer minor one (on Jetson-type integrated GPUs only the exact X.y). An 'a' cubin (sm_90a) runs
    on X.y only. PTX (compute_XY) is compiled by the driver for any GPU of X.y or newer.
    The newest fitting cubin wins; PTX only where no cubin fits.
    """
    fitting = []
    for entry in arch_list:
        kind, _, version = entry.partition("_")  # 'sm_90a' -> 'sm', '90a'
        suffix = version[-1:] if version[-1:] in ("a", "f") else ""
        digits = version.removesuffix(suffix)
        if kind not in ("sm", "compute") or not digits.isdigit() or len(digits) < 2:
            continue
        built = (int(digits[:-1]), int(digits[-1]))  # '120' -> (12, 0)
        if suffix == "a" or (kind == "sm" and integrated):
            fits = built == (major, minor)
        elif kind == "sm" or suffix == "f":
            fits = built[0] == major and built[1] <= minor
        else:
            fits = built <= (major, minor)
        if fits:
            fitting.append((kind == "sm", built, entry))
    if not fitting:
        return None
    is_cubin, _, entry = max(fitting)
    return ("cubin" if is_cubin else "ptx"), entry
# --8<-- [end:compatibility]


# The CUDA builds of PyTorch 2.13 for Linux x86_64 (RELEASE.md's support matrix for 2.12-2.14):
# `pip install torch` from PyPI gets the CUDA 13.0 build; the others come from download.pytorch.org.
TORCH_BUILDS = {
    "cu130": ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"],
    "cu132": ["sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120", "compute_120"],
    "cu126": ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"],
}
PYPI_BUILD = "cu130"
# AMD GPUs: the LLVM target (gcnArchName) -> products, from ROCm's hardware specification tables.
AMD_GPUS = {
    "gfx906": "Radeon VII, Instinct MI50/MI60", "gfx908": "Instinct MI100",
    "gfx90a": "Instinct MI210/MI250/MI250X", "gfx942": "Instinct MI300A/MI300X/MI325X",
    "gfx950": "Instinct MI350X/MI355X", "gfx1030": "Radeon RX 6800/6900, Radeon PRO W6800",
    "gfx1100": "Radeon RX 7900, Radeon PRO W7900", "gfx1101": "Radeon RX 7700/7800",
    "gfx1102": "Radeon RX 7600", "gfx1200": "Radeon RX 9060", "gfx1201": "Radeon RX 9070",
}


def suggest_builds(major, minor):
    """The PyTorch 2.13 CUDA builds (cu126, cu130, ...) with kernels for this compute capability."""
    return [build for build, archs in TORCH_BUILDS.items() if kernel_for(archs, major, minor)]


def guess_tier(name):
    """Consumer, workstation, datacenter or embedded, guessed from the marketing name."""
    lowered = name.lower()
    if any(word in lowered for word in ("jetson", "orin", "xavier", "thor")):
        return "embedded"
    if "geforce" in lowered or "titan" in lowered:
        return "consumer"
    if any(word in lowered for word in ("quadro", "rtx a", "rtx pro", "ada generation")):
        return "workstation"
    if re.search(r"\b(tesla|gh200|gb200|gb300|[abhlptv]\d{1,3}s?)\b", lowered):
        return "datacenter"
    return "unknown"


def fp16_note(major, minor):
    """Pascal's FP16 speed differs by chip: 'fast' (GP100, GP10B), 'slow' (GP10x, 1/64 rate), or None."""
    return {(6, 0): "fast", (6, 2): "fast", (6, 1): "slow"}.get((major, minor))


def gib(size):
    return size / 2**30


def label_gigabytes(name):
    """The memory size a name like 'NVIDIA H100 80GB HBM3' carries, in GB; None if it has none."""
    found = re.search(r"(\d+)\s?GB\b", name)
    return int(found[1]) if found else None


# ============================================================================ facts
CPU_FEATURES = [  # (shown as, flags as py-cpuinfo names them, underscores removed)
    ("AVX2", {"avx2"}), ("FMA", {"fma"}), ("AVX-512F", {"avx512f"}), ("AVX-512 VNNI", {"avx512vnni"}),
    ("AVX-512 BF16", {"avx512bf16"}), ("AVX-512 FP16", {"avx512fp16"}), ("AVX-VNNI", {"avxvnni"}),
    ("AMX-TILE", {"amxtile"}), ("AMX-BF16", {"amxbf16"}), ("AMX-INT8", {"amxint8"}),
    ("AMX-FP16", {"amxfp16"}), ("AVX-512 VP2INTERSECT", {"avx512vp2intersect"}),
    ("NEON", {"asimd", "neon"}), ("SVE", {"sve"}), ("SVE2", {"sve2"}), ("BF16", {"bf16"}),
    ("I8MM", {"i8mm"}),
]


def cpu_features(flags):
    found = _flagset(flags)
    return [shown for shown, names in CPU_FEATURES if found & names]


def _midr():
    """(implementer, part) of an ARM CPU from Linux's /proc/cpuinfo; None elsewhere."""
    text = _read(Path("/proc/cpuinfo")) or ""
    implementer = re.search(r"^CPU implementer\s*:\s*(0x[0-9a-fA-F]+)", text, re.M)
    part = re.search(r"^CPU part\s*:\s*(0x[0-9a-fA-F]+)", text, re.M)
    if implementer and part:
        return {"implementer": int(implementer[1], 16), "part": int(part[1], 16)}
    return None


def cpuinfo_facts(info):
    """What the generation lookup reads from a py-cpuinfo dict (cpuinfo.get_cpu_info())."""
    flags = info.get("flags")
    return {"brand": info.get("brand_raw") or platform.processor() or "unknown",
            "vendor": info.get("vendor_id_raw"), "family": info.get("family"),
            "model": info.get("model"), "stepping": info.get("stepping"),
            "flags": sorted(flags) if flags is not None else None}


def gather():
    """Facts about this machine, as a JSON-serialisable dict."""
    import cpuinfo
    import psutil
    import torch

    info = cpuinfo.get_cpu_info()
    affinity = (sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                else list(range(psutil.cpu_count())))
    gpus = []
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            gpus.append({"name": props.name, "memory_bytes": props.total_memory,
                         "major": props.major, "minor": props.minor,
                         "multiprocessors": props.multi_processor_count,
                         "integrated": bool(getattr(props, "is_integrated", False)),
                         "gcn_arch": getattr(props, "gcnArchName", None) if torch.version.hip else None})
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": {
            **cpuinfo_facts(dict(info, flags=info.get("flags", []))),
            "midr": _midr() if platform.machine().lower() in ("aarch64", "arm64") else None,
            "arch": platform.machine(),
            "hypervisor": "hypervisor" in info.get("flags", []),
            "physical_cores": psutil.cpu_count(logical=False),
            "logical_cpus": psutil.cpu_count(logical=True),
            "usable_cpus": len(affinity),
            "usable_physical_cores": _usable_physical_cores(affinity),
            "quota": cpu_quota(),
            "torch_capability": torch.backends.cpu.get_cpu_capability(),
            "torch_threads": torch.get_num_threads(),
        },
        "memory_bytes": psutil.virtual_memory().total,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "hip": torch.version.hip,
        "arch_list": torch.cuda.get_arch_list() if gpus else [],
        "gpus": gpus,
        "mps_built": torch.backends.mps.is_built(),
        "mps_available": torch.backends.mps.is_available(),
    }


# ============================================================================ words
TEXT = {
    "en": {
        "title": "Machine report ({date})",
        "cpu": "CPU: {brand} ({arch})",
        "gen": "  generation: {name}{kind} (from {basis})",
        "kind": {"server": ", server part", "server-x": ", server part (also Core X desktops)",
                 "client": ", desktop/laptop part", "": ""},
        "basis": {"cpuid": "CPUID family {family}, model {model} (0x{model:02X}), stepping {stepping}",
                  "midr": "the CPU's MIDR: implementer 0x{implementer:02X}, part 0x{part:03X}",
                  "brand": "the brand string"},
        "gen_unknown_x86": "  generation: unknown (family {family}, model {model}): not in this report's "
                           "table; the vendor's documentation lists the model number",
        "gen_unknown_arm": "  generation: unknown (MIDR implementer 0x{implementer:02X}, part 0x{part:03X})",
        "gen_unknown_none": "  generation: unknown: the CPU reports no family/model this report can read",
        "gen_source": "  source: {url}",
        "flags_ok": "  the instruction-set flags agree: {flags}",
        "flags_extra": "  but the flags show {flags}, which {name} does not have: a hypervisor may be "
                       "presenting an older CPU model than the real one",
        "flags_missing": "  but the flags lack {flags}, which {name} has: the hypervisor or firmware "
                         "hides them, and PyTorch cannot use them",
        "vm": "  virtual machine: yes (the CPU reports the hypervisor flag); its vCPUs are what the "
              "hypervisor hands this guest, and the guest cannot tell whether two of them share one "
              "physical core",
        "no_vm": "  virtual machine: no hypervisor flag",
        "counts": "  logical CPUs (vCPUs): {logical}; cores the OS sees: {physical}; usable by this "
                  "process (affinity): {usable}",
        "quota": "  CPU quota (cgroup): {cpus:g} CPUs ({file})",
        "no_quota": "  CPU quota (cgroup): none",
        "features": "  instruction sets: {features}",
        "sep": ", ",
        "torch_cpu": "  PyTorch CPU capability: {capability}, intra-op threads now: {threads}",
        "memory": "Memory: {gib:.1f} GiB",
        "software": "Software: Python {python}, PyTorch {torch}, {backend}",
        "cuda_build": "CUDA {cuda}", "hip_build": "ROCm (HIP) {hip}", "cpu_build": "CPU-only build",
        "gpu": "GPU {index}: {name}",
        "gpu_memory": "  memory (VRAM): {gib:.1f} GiB = {gb:.1f} GB ({bytes} bytes)",
        "gpu_label": "  the name says {label} GB: that is {label} GiB = {label_bytes} bytes; the driver "
                     "reports {bytes}, {gap:.0f} MiB less, kept back from programs",
        "gpu_arch": "  compute capability {major}.{minor}: {arch}",
        "gpu_tier": "  tier: {tier} (guessed from the name)",
        "tier_note": {
            "datacenter": "  datacenter says servers, not HBM: memory type, NVLink and FP64 speed "
                          "differ by model (T4, A10, L4 and L40S have GDDR6 memory)",
        },
        "gpu_sms": "  streaming multiprocessors (SMs): {sms}",
        "gpu_formats": "  tensor cores take: {formats}",
        "gpu_no_tensor": "  no tensor cores: autocast to FP16/BF16 brings no tensor-core speed-up",
        "fp16": {"fast": "  FP16 runs at twice the FP32 rate on this chip (no tensor cores)",
                 "slow": "  FP16 runs at 1/64 of the FP32 rate on this chip: stay in FP32, do not "
                         "autocast to float16"},
        "gpu_fits": ("  fits: FP32 training with Adam needs about 16 bytes per parameter before "
                     "activations, so up to about {params} parameters"),
        "unknown_arch": "unknown (not in this report's table)",
        "kernels_cubin": "  this PyTorch build runs here: its {entry} kernels run on {major}.{minor} "
                         "(same major number, equal or newer minor)",
        "kernels_ptx": "  this PyTorch build runs here through PTX: the driver compiles {entry} for "
                       "{major}.{minor} at first use (slow start, then cached)",
        "kernels_none": "  this PyTorch build has no kernels for {major}.{minor} (built for {archs})",
        "use_build": "  use PyTorch 2.13's {build} build instead: pip install torch "
                     "--index-url https://download.pytorch.org/whl/{build}",
        "no_build": "  no PyTorch 2.13 CUDA build covers {major}.{minor}: use an older PyTorch release "
                    "or build from source",
        "amd_gpu": "  AMD GPU, LLVM target {gfx}{products}",
        "amd_kernels": "  this PyTorch (ROCm) build has kernels for {gfx}: {answer}",
        "yes": "yes", "no": "no",
        "no_gpu": "GPU: none that PyTorch can use (torch.cuda.is_available() is False)",
        "mps": "Apple GPU (MPS): {state}",
        "mps_state": {"available": "available", "not_built": "not built into this PyTorch",
                      "absent": "not available on this machine"},
        "threads": "Threads for PyTorch here (torch.set_num_threads):",
        "budget": "- this process may use {budget} CPUs ({why})",
        "why_affinity": "affinity {usable}", "why_quota": "quota {cpus:g}, rounded down",
        "large": "- large tensor work (big matrix products, convolutions): up to {large}, one per core",
        "tiny": "- tiny models like Iris: 1; even on 120 rows, log_softmax and nll_loss's backward open "
                "parallel regions, and each waits for its slowest thread (see the threading lab)",
        "over": "- PyTorch uses {threads} threads but only {budget} CPUs are usable: call "
                "torch.set_num_threads({budget})",
        "reading": "What this machine is good for:",
        "isa_amx": "- AMX: matrix units that PyTorch (oneDNN) uses for bfloat16 and int8 on the CPU",
        "isa_avx512": "- AVX-512: wide vector units, fast FP32 math on the CPU",
        "isa_avx2": "- AVX2: the vector baseline PyTorch's x86 kernels are tuned for",
        "isa_arm": "- NEON: the ARM vector baseline PyTorch's kernels use",
        "isa_none": "- no AVX2: PyTorch falls back to slower generic CPU kernels",
        "verdict_gpu": "- GPU work: large models and large batches; small models like Iris stay "
                       "launch-bound, and the CPU can be faster for them",
        "verdict_mps": "- Apple GPU: run models on device 'mps'; some operations fall back to the CPU",
        "verdict_cpu": "- CPU only: learning, small models like Iris, and inference of small models; "
                       "training large models will be slow",
        "tiers": {"consumer": "consumer", "workstation": "workstation", "datacenter": "datacenter",
                  "embedded": "embedded", "unknown": "unknown"},
    },
    "zh": {
        "title": "机器报告（{date}）",
        "cpu": "CPU：{brand}（{arch}）",
        "gen": "  架构代际：{name}{kind}（依据：{basis}）",
        "kind": {"server": "，服务器型号", "server-x": "，服务器型号（也用于 Core X 台式机）",
                 "client": "，台式机/笔记本型号", "": ""},
        "basis": {"cpuid": "CPUID 系列 {family}、型号 {model}（0x{model:02X}）、步进 {stepping}",
                  "midr": "CPU 的 MIDR：厂商 0x{implementer:02X}、型号 0x{part:03X}",
                  "brand": "型号名"},
        "gen_unknown_x86": "  架构代际：未知（系列 {family}，型号 {model}）：不在本报告的对照表里，"
                           "可按型号号码查厂商文档",
        "gen_unknown_arm": "  架构代际：未知（MIDR 厂商 0x{implementer:02X}，型号 0x{part:03X}）",
        "gen_unknown_none": "  架构代际：未知：CPU 没有报告本报告能读取的系列和型号",
        "gen_source": "  出处：{url}",
        "flags_ok": "  指令集标志与之相符：{flags}",
        "flags_extra": "  但标志里有 {flags}，而 {name} 没有这些指令：虚拟机监控程序报给客户机的"
                       "可能是比真实 CPU 更老的型号",
        "flags_missing": "  但标志里缺少 {flags}，而 {name} 本该有：它们被虚拟机监控程序或固件屏蔽了，"
                         "PyTorch 也就用不上",
        "vm": "  虚拟机：是（CPU 报告了 hypervisor 标志）；这里的 vCPU 是虚拟机监控程序分给本机的，"
              "客户机看不出其中两个是否共用同一个物理核心",
        "no_vm": "  虚拟机：没有 hypervisor 标志",
        "counts": "  逻辑处理器（vCPU）：{logical} 个；操作系统看到的核心：{physical} 个；"
                  "本进程可用（亲和性）：{usable} 个",
        "quota": "  CPU 配额（cgroup）：{cpus:g} 个 CPU（{file}）",
        "no_quota": "  CPU 配额（cgroup）：无",
        "features": "  指令集：{features}",
        "sep": "、",
        "torch_cpu": "  PyTorch CPU 指令级别：{capability}，当前算子内并行线程数：{threads}",
        "memory": "内存：{gib:.1f} GiB",
        "software": "软件：Python {python}，PyTorch {torch}，{backend}",
        "cuda_build": "CUDA {cuda}", "hip_build": "ROCm（HIP）{hip}", "cpu_build": "仅 CPU 版本",
        "gpu": "GPU {index}：{name}",
        "gpu_memory": "  显存：{gib:.1f} GiB，即 {gb:.1f} GB（{bytes} 字节）",
        "gpu_label": "  型号名写的是 {label} GB，实为 {label} GiB，即 {label_bytes} 字节；驱动报告 "
                     "{bytes} 字节，少了 {gap:.0f} MiB，这部分程序用不到",
        "gpu_arch": "  计算能力 {major}.{minor}：{arch}",
        "gpu_tier": "  级别：{tier}（按型号名推断）",
        "tier_note": {
            "datacenter": "  数据中心级只说明它装在服务器里，不等于 HBM 显存：显存类型、NVLink 和 "
                          "FP64 速度因型号而异（T4、A10、L4、L40S 用的都是 GDDR6）",
        },
        "gpu_sms": "  流式多处理器（SM）：{sms} 个",
        "gpu_formats": "  张量核心支持：{formats}",
        "gpu_no_tensor": "  没有张量核心：自动混合精度（FP16/BF16）得不到张量核心的加速",
        "fp16": {"fast": "  这颗芯片的 FP16 速率是 FP32 的两倍（没有张量核心）",
                 "slow": "  这颗芯片的 FP16 速率只有 FP32 的 1/64：保持 FP32，不要用 float16 自动混合精度"},
        "gpu_fits": "  容量：用 Adam 做 FP32 训练，每个参数约需 16 字节（不含激活值），最多约 {params}个参数",
        "unknown_arch": "未知（不在本报告的对照表里）",
        "kernels_cubin": "  当前 PyTorch 能在这块卡上运行：它的 {entry} 核函数可在 {major}.{minor} 上运行"
                         "（主版本号相同，次版本号相同或更新）",
        "kernels_ptx": "  当前 PyTorch 要经由 PTX 才能在这块卡上运行：驱动在首次使用时把 {entry} 编译成 "
                       "{major}.{minor} 的代码（启动慢，之后有缓存）",
        "kernels_none": "  当前 PyTorch 没有可在 {major}.{minor} 上运行的核函数（它为 {archs} 编译）",
        "use_build": "  请改用 PyTorch 2.13 的 {build} 版本：pip install torch "
                     "--index-url https://download.pytorch.org/whl/{build}",
        "no_build": "  PyTorch 2.13 的 CUDA 版本都不支持 {major}.{minor}：请用更早的 PyTorch 或自行编译",
        "amd_gpu": "  AMD GPU，LLVM 目标 {gfx}{products}",
        "amd_kernels": "  当前 PyTorch（ROCm 版）是否为 {gfx} 编译了核函数：{answer}",
        "yes": "是", "no": "否",
        "no_gpu": "GPU：没有 PyTorch 能用的 GPU（torch.cuda.is_available() 为 False）",
        "mps": "Apple GPU（MPS）：{state}",
        "mps_state": {"available": "可用", "not_built": "当前 PyTorch 未编译 MPS 支持",
                      "absent": "本机不可用"},
        "threads": "PyTorch 在本机该用几个线程（torch.set_num_threads）：",
        "budget": "- 本进程可用 {budget} 个 CPU（{why}）",
        "why_affinity": "亲和性 {usable} 个", "why_quota": "配额 {cpus:g} 个，向下取整",
        "large": "- 大张量运算（大矩阵乘法、卷积）：最多 {large} 个，每个核心一个",
        "tiny": "- Iris 这样的小模型：1 个；即使只有 120 行，log_softmax 和 nll_loss 的反向也会开启并行区域，"
                "每次都要等最慢的线程（见线程实验）",
        "over": "- PyTorch 用了 {threads} 个线程，但只有 {budget} 个 CPU 可用："
                "请调用 torch.set_num_threads({budget})",
        "reading": "这台机器适合做什么：",
        "isa_amx": "- AMX：矩阵运算单元，PyTorch（oneDNN）在 CPU 上做 bfloat16 和 int8 计算时会用到",
        "isa_avx512": "- AVX-512：宽向量单元，CPU 上的 FP32 计算较快",
        "isa_avx2": "- AVX2：PyTorch 的 x86 代码以它为基准做优化",
        "isa_arm": "- NEON：PyTorch 在 ARM 上使用的向量指令基准",
        "isa_none": "- 没有 AVX2：PyTorch 只能使用较慢的通用 CPU 代码",
        "verdict_gpu": "- GPU：适合大模型、大批次；Iris 这样的小模型受核函数启动开销限制，CPU 可能更快",
        "verdict_mps": "- Apple GPU：把模型放到 'mps' 设备上运行；部分算子会回退到 CPU",
        "verdict_cpu": "- 仅 CPU：适合学习、Iris 这样的小模型和小模型推理；训练大模型会很慢",
        "tiers": {"consumer": "消费级", "workstation": "工作站级", "datacenter": "数据中心级",
                  "embedded": "嵌入式", "unknown": "未知"},
    },
}


def group(number):
    """20 000 000: digits in groups of three, separated by thin spaces (both languages)."""
    return f"{number:,}".replace(",", "\u2009")


def _count(value, lang):
    """A parameter count in words: '5.3 billion' or '53 亿'."""
    if lang == "zh":
        return f"{value / 1e8:.0f} 亿" if value >= 1e8 else f"{value / 1e4:.0f} 万"
    return f"{value / 1e9:.1f} billion" if value >= 1e9 else f"{value / 1e6:.0f} million"


# ============================================================================ rendering
def render_cpu(facts, lang="en"):
    """The CPU lines of the report."""
    text, cpu = TEXT[lang], facts["cpu"]
    lines = [text["cpu"].format(brand=cpu["brand"], arch=cpu["arch"])]
    gen = cpu_generation(cpu)
    if gen["name"]:
        basis = text["basis"][gen["basis"]].format(
            family=cpu.get("family"), model=cpu.get("model") or 0, stepping=cpu.get("stepping"),
            **(cpu.get("midr") or {}))
        lines.append(text["gen"].format(name=gen["name"], kind=text["kind"][gen["kind"]], basis=basis))
        lines.append(text["gen_source"].format(url=gen["source"]))
        markers = sorted(set(MARKER_FLAGS.get(VENDORS.get(cpu.get("vendor")), []))
                         & _flagset(cpu.get("flags")))
        shown = text["sep"].join(cpu_features(markers)) or "-"
        if gen["extra"]:
            lines.append(text["flags_extra"].format(flags=text["sep"].join(cpu_features(gen["extra"])),
                                                    name=gen["name"]))
        if gen["missing"]:
            lines.append(text["flags_missing"].format(
                flags=text["sep"].join(cpu_features(gen["missing"])), name=gen["name"]))
        if gen["basis"] == "cpuid" and not gen["extra"] and not gen["missing"] and markers:
            lines.append(text["flags_ok"].format(flags=shown))
    elif cpu.get("midr"):
        lines.append(text["gen_unknown_arm"].format(**cpu["midr"]))
    elif cpu.get("family") is not None and cpu.get("model") is not None:
        lines.append(text["gen_unknown_x86"].format(family=cpu["family"], model=cpu["model"]))
    else:
        lines.append(text["gen_unknown_none"])
    lines.append(text["vm"] if cpu.get("hypervisor") else text["no_vm"])
    lines.append(text["counts"].format(logical=cpu["logical_cpus"], physical=cpu["physical_cores"] or "?",
                                       usable=cpu["usable_cpus"]))
    quota = cpu.get("quota")
    lines.append(text["quota"].format(**quota) if quota else text["no_quota"])
    lines.append(text["features"].format(features=text["sep"].join(cpu_features(cpu.get("flags"))) or "-"))
    lines.append(text["torch_cpu"].format(capability=cpu["torch_capability"], threads=cpu["torch_threads"]))
    return lines


def render_gpu(index, gpu, lang="en", arch_list=(), hip=None):
    """The lines describing one GPU; arch_list is torch.cuda.get_arch_list() of the build in use."""
    text = TEXT[lang]
    size = gpu["memory_bytes"]
    lines = [text["gpu"].format(index=index, name=gpu["name"]),
             text["gpu_memory"].format(gib=gib(size), gb=size / 1e9, bytes=group(size))]
    label = label_gigabytes(gpu["name"])
    if label and label * 2**30 > size:
        lines.append(text["gpu_label"].format(label=label, label_bytes=group(label * 2**30),
                                              bytes=group(size), gap=(label * 2**30 - size) / 2**20))
    if hip or gpu.get("gcn_arch"):
        gfx = (gpu.get("gcn_arch") or "").split(":")[0]
        products = AMD_GPUS.get(gfx)
        lines.append(text["amd_gpu"].format(gfx=gfx or "?", products=f" ({products})" if products else ""))
        lines.append(text["gpu_sms"].format(sms=gpu["multiprocessors"]))
        if arch_list:
            built = {entry.split(":")[0] for entry in arch_list}
            lines.append(text["amd_kernels"].format(gfx=gfx, answer=text["yes" if gfx in built else "no"]))
        lines.append(text["gpu_fits"].format(params=_count(size / 16, lang)))
        return lines
    major, minor = gpu["major"], gpu["minor"]
    arch = architecture(major, minor)
    lines.append(text["gpu_arch"].format(major=major, minor=minor, arch=arch or text["unknown_arch"]))
    tier = guess_tier(gpu["name"])
    lines.append(text["gpu_tier"].format(tier=text["tiers"][tier]))
    if tier in text["tier_note"]:
        lines.append(text["tier_note"][tier])
    lines.append(text["gpu_sms"].format(sms=gpu["multiprocessors"]))
    formats = tensor_formats(major, minor, gpu["name"])
    if formats:
        lines.append(text["gpu_formats"].format(formats=text["sep"].join(formats)))
    elif arch is not None:
        lines.append(text["gpu_no_tensor"])
    if fp16_note(major, minor):
        lines.append(text["fp16"][fp16_note(major, minor)])
    lines.append(text["gpu_fits"].format(params=_count(size / 16, lang)))
    if arch_list:
        found = kernel_for(arch_list, major, minor, gpu.get("integrated", False))
        if found:
            lines.append(text[f"kernels_{found[0]}"].format(entry=found[1], major=major, minor=minor))
        else:
            lines.append(text["kernels_none"].format(major=major, minor=minor, archs=" ".join(arch_list)))
            builds = suggest_builds(major, minor)
            lines.append(text["use_build"].format(build=builds[0]) if builds
                         else text["no_build"].format(major=major, minor=minor))
    return lines


def render_gpus(gpus, lang="en", arch_list=(), hip=None):
    """The GPU part of the report for a list of GPUs (recorded or live)."""
    return "\n".join(line for index, gpu in enumerate(gpus)
                     for line in render_gpu(index, gpu, lang, arch_list, hip))


def render_threads(facts, lang="en"):
    text, cpu = TEXT[lang], facts["cpu"]
    advice = thread_advice(cpu)
    why = [text["why_affinity"].format(usable=cpu["usable_cpus"])]
    if cpu.get("quota"):
        why.append(text["why_quota"].format(cpus=cpu["quota"]["cpus"]))
    lines = [text["threads"], text["budget"].format(budget=advice["budget"], why=text["sep"].join(why)),
             text["large"].format(large=advice["large"]), text["tiny"]]
    if cpu["torch_threads"] > advice["budget"]:
        lines.append(text["over"].format(threads=cpu["torch_threads"], budget=advice["budget"]))
    return lines


def render(facts, lang="en"):
    """The whole report as text, in English or Chinese."""
    text = TEXT[lang]
    backend = (text["hip_build"].format(hip=facts["hip"]) if facts.get("hip")
               else text["cuda_build"].format(cuda=facts["cuda"]) if facts.get("cuda")
               else text["cpu_build"])
    lines = [text["title"].format(date=facts["date"]), *render_cpu(facts, lang),
             text["memory"].format(gib=gib(facts["memory_bytes"])),
             text["software"].format(python=facts["python"], torch=facts["torch"], backend=backend)]
    offset = facts.get("gpu_offset", 0)
    for number, gpu in enumerate(facts["gpus"]):
        lines += render_gpu(offset + number, gpu, lang, facts.get("arch_list", []), facts.get("hip"))
    if not facts["gpus"]:
        lines.append(text["no_gpu"])
    state = "available" if facts["mps_available"] else "absent" if facts["mps_built"] else "not_built"
    lines.append(text["mps"].format(state=text["mps_state"][state]))
    lines += render_threads(facts, lang)
    lines.append(text["reading"])
    found = set(cpu_features(facts["cpu"].get("flags")))
    if "AMX-BF16" in found:
        lines.append(text["isa_amx"])
    if "AVX-512F" in found:
        lines.append(text["isa_avx512"])
    elif "AVX2" in found:
        lines.append(text["isa_avx2"])
    elif "NEON" in found:
        lines.append(text["isa_arm"])
    else:
        lines.append(text["isa_none"])
    lines.append(text["verdict_gpu"] if facts["gpus"] else
                 text["verdict_mps"] if facts["mps_available"] else text["verdict_cpu"])
    return "\n".join(lines)


# ============================================================================ the generation table
TABLE_WORDS = {
    "en": {"head": ["vendor", "family", "models (hex)", "stepping", "generation", "marker flags", "source"],
           "any": "any", "unknown": "not listed", "family": "{family} (0x{family:X})"},
    "zh": {"head": ["厂商", "系列", "型号（十六进制）", "步进", "架构代际", "标志性指令集", "出处"],
           "any": "任意", "unknown": "未列出", "family": "{family}（0x{family:X}）"},
}


def _ranges(numbers):
    """[0x30..0x4F, 0x60] -> '30–4F, 60'."""
    numbers, parts = sorted(numbers), []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(f"{start:02X}" if start == previous else f"{start:02X}–{previous:02X}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)


def generation_table(lang="en"):
    """The CPU generation table as Markdown, each row with its source: what the page shows."""
    words = TABLE_WORDS[lang]
    lines = ["| " + " | ".join(words["head"]) + " |", "|" + "---|" * len(words["head"])]
    for row in CPU_GENERATIONS:
        steppings = (words["any"] if row.steppings is None
                     else f"{row.steppings.start}–{row.steppings.stop - 1}")
        flags = (words["unknown"] if row.flags is None
                 else TEXT[lang]["sep"].join(cpu_features(sorted(row.flags))) or "-")
        vendor = {"intel": "Intel", "amd": "AMD"}[row.vendor]
        family = words["family"].format(family=row.family)
        lines.append(f"| {vendor} | {family} | {_ranges(row.models)} | "
                     f"{steppings} | {row.name} | {flags} | [{Path(SOURCES[row.source]).name}]"
                     f"({SOURCES[row.source]}) |")
    return "\n".join(lines) + "\n"


# ============================================================================ command line
def gpu_index(value):
    """argparse type for --gpu: a whole number, 0 or more."""
    try:
        index = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a GPU index (0, 1, ...)") from None
    if index < 0:
        raise argparse.ArgumentTypeError(f"a GPU index is 0 or more, not {index}")
    return index


def facts_file(value):
    """argparse type for --facts: a JSON file written by --json."""
    try:
        facts = json.loads(Path(value).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise argparse.ArgumentTypeError(f"cannot read facts from {value}: {err}") from None
    if not isinstance(facts, dict) or "cpu" not in facts or "gpus" not in facts:
        raise argparse.ArgumentTypeError(f"{value} holds no facts written by --json")
    return facts


def main(argv=None):
    parser = argparse.ArgumentParser(
        usage="%(prog)s [options]",
        description="Explain this machine's CPU, memory and GPUs for PyTorch.")
    parser.add_argument("--lang", choices=["zh", "en"], default="en", help="report language")
    parser.add_argument("--gpu", type=gpu_index, metavar="INDEX", help="report only this GPU")
    parser.add_argument("--json", action="store_true", help="print the raw facts as JSON")
    parser.add_argument("--facts", type=facts_file, metavar="FILE",
                        help="report facts recorded earlier with --json")
    args = parser.parse_args(argv)
    facts = args.facts or gather()
    if args.gpu is not None:
        gpus = facts["gpus"]
        if not gpus:
            parser.error(f"--gpu {args.gpu}: PyTorch sees no GPU on this machine "
                         f"(torch {facts['torch']}, CUDA {facts.get('cuda') or 'none'})")
        if args.gpu >= len(gpus):
            parser.error(f"--gpu {args.gpu}: no such GPU; this machine has {len(gpus)} "
                         f"(index 0 to {len(gpus) - 1})")
        facts = dict(facts, gpus=[gpus[args.gpu]], gpu_offset=args.gpu)
    print(json.dumps(facts, indent=2, ensure_ascii=False) if args.json else render(facts, args.lang))


if __name__ == "__main__":
    main()
