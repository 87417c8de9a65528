"""Explain the machine you are on: CPU, memory, PyTorch, every GPU, and what it is good for.

    python snippets/hardware/machine_report.py --lang zh      # or --lang en (the default)
    python snippets/hardware/machine_report.py --gpu 0        # one GPU only
    python snippets/hardware/machine_report.py --json         # the raw facts, to record or compare

Facts come from py-cpuinfo, psutil, os and PyTorch; gather() collects them into a plain dict and
render() turns such a dict into text, so a recorded machine can be rendered without its hardware.
"""

import argparse
import datetime
import json
import os
import platform
import re
import sys

# --8<-- [start:architectures]
# Compute capability -> architecture, from NVIDIA's tables (developer.nvidia.com/cuda-gpus and
# /cuda-legacy-gpus). The major number names the generation; two minor versions are exceptions.
ARCH_BY_VERSION = {(7, 5): "Turing", (8, 9): "Ada Lovelace"}
ARCH_BY_MAJOR = {3: "Kepler", 5: "Maxwell", 6: "Pascal", 7: "Volta", 8: "Ampere", 9: "Hopper",
                 10: "Blackwell", 11: "Blackwell", 12: "Blackwell"}
# Number formats each generation's tensor cores run; Pascal and older have no tensor cores.
TENSOR_FORMATS = {
    "Volta": ["FP16"],
    "Turing": ["FP16"],
    "Ampere": ["FP16", "BF16", "TF32"],
    "Ada Lovelace": ["FP16", "BF16", "TF32", "FP8"],
    "Hopper": ["FP16", "BF16", "TF32", "FP8"],
    "Blackwell": ["FP16", "BF16", "TF32", "FP8", "FP4"],
}


def architecture(major, minor):
    """'Hopper' for (9, 0); None for a version this table does not know."""
    return ARCH_BY_VERSION.get((major, minor)) or ARCH_BY_MAJOR.get(major)
# --8<-- [end:architectures]


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


# Instruction-set flags (as py-cpuinfo names them) that matter for PyTorch on the CPU.
CPU_FEATURES = [
    ("AVX2", {"avx2"}), ("FMA", {"fma"}), ("AVX-512F", {"avx512f"}),
    ("AVX-512 VNNI", {"avx512vnni", "avx512_vnni"}), ("AVX-512 BF16", {"avx512_bf16"}),
    ("AMX-BF16", {"amx_bf16"}), ("AMX-INT8", {"amx_int8"}),
    ("NEON", {"asimd", "neon"}), ("SVE", {"sve"}),
]


def gather():
    """Facts about this machine, as a JSON-serialisable dict."""
    import cpuinfo
    import psutil
    import torch

    info = cpuinfo.get_cpu_info()
    flags = set(info.get("flags", []))
    usable = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
              else psutil.cpu_count())
    gpus = []
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            gpus.append({"name": props.name, "memory_bytes": props.total_memory,
                         "major": props.major, "minor": props.minor,
                         "multiprocessors": props.multi_processor_count})
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": {
            "model": info.get("brand_raw") or platform.processor() or "unknown",
            "arch": platform.machine(),
            "physical_cores": psutil.cpu_count(logical=False),
            "logical_cpus": psutil.cpu_count(logical=True),
            "usable_cpus": usable,
            "features": [name for name, names in CPU_FEATURES if flags & names],
            "torch_capability": torch.backends.cpu.get_cpu_capability(),
            "torch_threads": torch.get_num_threads(),
        },
        "memory_bytes": psutil.virtual_memory().total,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cuda_arch_list": torch.cuda.get_arch_list() if gpus else [],
        "gpus": gpus,
        "mps_built": torch.backends.mps.is_built(),
        "mps_available": torch.backends.mps.is_available(),
    }


TEXT = {
    "en": {
        "title": "Machine report ({date})",
        "cpu": "CPU: {model} ({arch})",
        "cores": "  physical cores: {physical}, logical CPUs: {logical}, usable by this process: {usable}",
        "features": "  instruction sets: {features}",
        "sep": ", ",
        "torch_cpu": "  PyTorch CPU capability: {capability}, intra-op threads: {threads}",
        "memory": "Memory: {gib:.1f} GiB",
        "software": "Software: Python {python}, PyTorch {torch}, CUDA {cuda}",
        "no_cuda_build": "none (CPU-only build)",
        "gpu": "GPU {index}: {name}",
        "gpu_memory": "  memory (VRAM): {gib:.1f} GiB",
        "gpu_arch": "  compute capability {major}.{minor}: {arch}, {tier} tier (guessed from the name)",
        "gpu_sms": "  streaming multiprocessors (SMs): {sms}",
        "gpu_formats": "  tensor cores run fast: {formats}",
        "gpu_no_tensor": "  no tensor cores: FP16/BF16 autocast brings little or no speed-up",
        "gpu_fits": ("  fits: FP32 training with Adam needs about 16 bytes per parameter before "
                     "activations, so up to about {params} parameters"),
        "gpu_kernels": "  this PyTorch build has kernels for sm_{major}{minor}: {answer}",
        "unknown_arch": "unknown (newer than this script)",
        "no_gpu": "GPU: none that PyTorch can use (torch.cuda.is_available() is False)",
        "mps": "Apple GPU (MPS): {state}",
        "mps_state": {"available": "available", "not_built": "not built into this PyTorch",
                      "absent": "not available on this machine"},
        "reading": "What this machine is good for:",
        "smt": "- SMT (Hyper-Threading) is on: {logical} logical CPUs on {physical} cores; for "
               "PyTorch compute, one thread per physical core is usually the better setting",
        "limited": "- this process may use {usable} of the {logical} logical CPUs "
                   "(a container or taskset limit): size thread pools to {usable}",
        "oversubscribed": "- PyTorch uses {threads} threads but only {usable} CPUs are usable: "
                          "call torch.set_num_threads({usable})",
        "isa_amx": "- AMX: matrix units that PyTorch uses for bfloat16 and int8 on the CPU",
        "isa_avx512": "- AVX-512: wide vector units, fast FP32 math on the CPU",
        "isa_avx2": "- AVX2: the vector baseline PyTorch's x86 kernels are tuned for",
        "isa_arm": "- NEON: the ARM vector baseline PyTorch's kernels use",
        "isa_none": "- no AVX2: PyTorch falls back to slower generic CPU kernels",
        "verdict_gpu": "- GPU work: large models and large batches; small models like Iris "
                       "stay launch-bound, and the CPU can be faster for them",
        "verdict_mps": "- Apple GPU: run models on device 'mps'; some operations fall back "
                       "to the CPU or are missing",
        "verdict_cpu": "- CPU only: learning, small models like Iris, and inference of small "
                       "models; training large models will be slow",
        "yes": "yes", "no": "no (it may still run through PTX, or fail)",
        "tiers": {"consumer": "consumer", "workstation": "workstation", "datacenter": "datacenter",
                  "embedded": "embedded", "unknown": "unknown"},
    },
    "zh": {
        "title": "机器报告（{date}）",
        "cpu": "CPU：{model}（{arch}）",
        "cores": "  物理核心：{physical}，逻辑处理器：{logical}，本进程可用：{usable}",
        "features": "  指令集：{features}",
        "sep": "、",
        "torch_cpu": "  PyTorch CPU 指令级别：{capability}，算子内并行线程：{threads}",
        "memory": "内存：{gib:.1f} GiB",
        "software": "软件：Python {python}，PyTorch {torch}，CUDA {cuda}",
        "no_cuda_build": "无（仅 CPU 版本）",
        "gpu": "GPU {index}：{name}",
        "gpu_memory": "  显存：{gib:.1f} GiB",
        "gpu_arch": "  计算能力 {major}.{minor}：{arch}，{tier}（按型号名推断）",
        "gpu_sms": "  流式多处理器（SM）：{sms} 个",
        "gpu_formats": "  张量核心能高速运行：{formats}",
        "gpu_no_tensor": "  没有张量核心：FP16/BF16 自动混合精度几乎不会提速",
        "gpu_fits": "  容量：用 Adam 做 FP32 训练，每个参数约需 16 字节（不含激活值），最多约 {params}个参数",
        "gpu_kernels": "  当前 PyTorch 是否为 sm_{major}{minor} 编译了核函数：{answer}",
        "unknown_arch": "未知（比本脚本更新）",
        "no_gpu": "GPU：没有 PyTorch 能用的 GPU（torch.cuda.is_available() 为 False）",
        "mps": "Apple GPU（MPS）：{state}",
        "mps_state": {"available": "可用", "not_built": "当前 PyTorch 未编译 MPS 支持",
                      "absent": "本机不可用"},
        "reading": "这台机器适合做什么：",
        "smt": "- 已开启同时多线程（超线程）：{physical} 个核心上有 {logical} 个逻辑处理器；"
               "PyTorch 计算通常以每个物理核心一个线程为宜",
        "limited": "- 本进程只能使用 {logical} 个逻辑处理器中的 {usable} 个（容器或 taskset 的限制），"
                   "线程池按 {usable} 设置",
        "oversubscribed": "- PyTorch 用了 {threads} 个线程，但只有 {usable} 个 CPU 可用："
                          "请调用 torch.set_num_threads({usable})",
        "isa_amx": "- AMX：矩阵运算单元，PyTorch 在 CPU 上做 bfloat16 和 int8 计算时会用到",
        "isa_avx512": "- AVX-512：宽向量单元，CPU 上的 FP32 计算较快",
        "isa_avx2": "- AVX2：PyTorch 的 x86 代码以它为基准做优化",
        "isa_arm": "- NEON：PyTorch 在 ARM 上使用的向量指令基准",
        "isa_none": "- 没有 AVX2：PyTorch 只能使用较慢的通用 CPU 代码",
        "verdict_gpu": "- GPU：适合大模型、大批次；Iris 这样的小模型受核函数启动开销限制，"
                       "CPU 可能更快",
        "verdict_mps": "- Apple GPU：把模型放到 'mps' 设备上运行；部分算子会回退到 CPU 或尚未支持",
        "verdict_cpu": "- 仅 CPU：适合学习、Iris 这样的小模型和小模型推理；训练大模型会很慢",
        "yes": "是", "no": "否（可能经由 PTX 运行，也可能报错）",
        "tiers": {"consumer": "消费级", "workstation": "工作站级", "datacenter": "数据中心级",
                  "embedded": "嵌入式", "unknown": "级别未知"},
    },
}


class ReportError(Exception):
    """Bad input: a GPU index that does not exist, or a facts file that cannot be read."""


def _count(value, lang):
    """A parameter count in words: '5.3 billion' or '53 亿'."""
    if lang == "zh":
        return f"{value / 1e8:.0f} 亿" if value >= 1e8 else f"{value / 1e4:.0f} 万"
    return f"{value / 1e9:.1f} billion" if value >= 1e9 else f"{value / 1e6:.0f} million"


def render_gpu(index, gpu, lang="en", arch_list=()):
    """The lines describing one GPU."""
    text = TEXT[lang]
    arch = architecture(gpu["major"], gpu["minor"])
    lines = [
        text["gpu"].format(index=index, name=gpu["name"]),
        text["gpu_memory"].format(gib=gpu["memory_bytes"] / 2**30),
        text["gpu_arch"].format(major=gpu["major"], minor=gpu["minor"],
                                arch=arch or text["unknown_arch"],
                                tier=text["tiers"][guess_tier(gpu["name"])]),
        text["gpu_sms"].format(sms=gpu["multiprocessors"]),
    ]
    formats = TENSOR_FORMATS.get(arch)
    if formats:
        lines.append(text["gpu_formats"].format(formats=text["sep"].join(formats)))
    elif arch is not None:
        lines.append(text["gpu_no_tensor"])
    lines.append(text["gpu_fits"].format(params=_count(gpu["memory_bytes"] / 16, lang)))
    if arch_list:
        built = f"sm_{gpu['major']}{gpu['minor']}" in arch_list
        lines.append(text["gpu_kernels"].format(major=gpu["major"], minor=gpu["minor"],
                                                answer=text["yes" if built else "no"]))
    return lines


def render_gpus(gpus, lang="en"):
    """The GPU part of the report for a list of GPUs (recorded or live)."""
    return "\n".join(line for index, gpu in enumerate(gpus) for line in render_gpu(index, gpu, lang))


def select_gpu(facts, index):
    """Keep only GPU `index`; a clear ReportError when it does not exist."""
    gpus = facts["gpus"]
    if index < 0:
        raise ReportError(f"--gpu {index}: a GPU index is 0 or more")
    if not gpus:
        raise ReportError(f"--gpu {index}: PyTorch sees no CUDA GPU on this machine "
                          f"(torch {facts['torch']}, CUDA {facts['cuda'] or 'none'})")
    if index >= len(gpus):
        raise ReportError(f"--gpu {index}: no such GPU; this machine has {len(gpus)} "
                          f"(index 0 to {len(gpus) - 1})")
    return dict(facts, gpus=[gpus[index]], gpu_offset=index)


def render(facts, lang="en"):
    """The whole report as text, in English or Chinese."""
    text, cpu = TEXT[lang], facts["cpu"]
    lines = [
        text["title"].format(date=facts["date"]),
        text["cpu"].format(model=cpu["model"], arch=cpu["arch"]),
        text["cores"].format(physical=cpu["physical_cores"] or "?", logical=cpu["logical_cpus"],
                             usable=cpu["usable_cpus"]),
        text["features"].format(features=text["sep"].join(cpu["features"]) or "-"),
        text["torch_cpu"].format(capability=cpu["torch_capability"], threads=cpu["torch_threads"]),
        text["memory"].format(gib=facts["memory_bytes"] / 2**30),
        text["software"].format(python=facts["python"], torch=facts["torch"],
                                cuda=facts["cuda"] or text["no_cuda_build"]),
    ]
    offset = facts.get("gpu_offset", 0)
    for number, gpu in enumerate(facts["gpus"]):
        lines += render_gpu(offset + number, gpu, lang, facts.get("cuda_arch_list", []))
    if not facts["gpus"]:
        lines.append(text["no_gpu"])
    state = ("available" if facts["mps_available"]
             else "absent" if facts["mps_built"] else "not_built")
    lines.append(text["mps"].format(state=text["mps_state"][state]))
    lines.append(text["reading"])
    lines += _reading(facts, text)
    return "\n".join(lines)


def _reading(facts, text):
    cpu, found = facts["cpu"], set(facts["cpu"]["features"])
    physical, logical, usable = cpu["physical_cores"], cpu["logical_cpus"], cpu["usable_cpus"]
    lines = []
    if physical and logical > physical:
        lines.append(text["smt"].format(physical=physical, logical=logical))
    if usable < logical:
        lines.append(text["limited"].format(usable=usable, logical=logical))
    if cpu["torch_threads"] > usable:
        lines.append(text["oversubscribed"].format(threads=cpu["torch_threads"], usable=usable))
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
    if facts["gpus"]:
        lines.append(text["verdict_gpu"])
    elif facts["mps_available"]:
        lines.append(text["verdict_mps"])
    else:
        lines.append(text["verdict_cpu"])
    return lines


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit code 2, without the usage block
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv=None):
    parser = _Parser(description="Explain this machine's CPU, memory and GPUs for PyTorch.")
    parser.add_argument("--lang", choices=["zh", "en"], default="en", help="report language")
    parser.add_argument("--gpu", type=int, metavar="INDEX", help="report only this CUDA GPU")
    parser.add_argument("--json", action="store_true", help="print the raw facts as JSON")
    parser.add_argument("--facts", metavar="FILE", help="render facts recorded with --json")
    args = parser.parse_args(argv)
    try:
        if args.facts:
            try:
                with open(args.facts, encoding="utf-8") as handle:
                    facts = json.load(handle)
            except (OSError, ValueError) as err:
                raise ReportError(f"cannot read facts from {args.facts}: {err}") from None
        else:
            facts = gather()
        if args.gpu is not None:
            facts = select_gpu(facts, args.gpu)
    except ReportError as err:
        parser.error(str(err))
    print(json.dumps(facts, indent=2, ensure_ascii=False) if args.json else render(facts, args.lang))


if __name__ == "__main__":
    main()
