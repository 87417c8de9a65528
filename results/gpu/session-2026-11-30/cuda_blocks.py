"""Run every CUDA-only block the pages show (as of this commit) and record what happened."""
import contextlib
import io
import re
import runpy
import subprocess
import sys
import traceback

import torch

HIDDEN_SYNCS_EXPECTED = """t + 1                    waits for the GPU: False
t * torch.tensor(2.0)    waits for the GPU: False
str(t), print(t)         waits for the GPU: True
if t.sum(): ...          waits for the GPU: True
float(t.sum())           waits for the GPU: True
t[t > 0]                 waits for the GPU: True
t.nonzero()              waits for the GPU: True
t.tolist()               waits for the GPU: True
"""
SAME_DEVICE = ("Expected all tensors to be on the same device, but got mat1 is on cpu, "
               "different from other tensors on cuda:0")


def run_file(path):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name="__main__")
    return out.getvalue()


def case(name, fn):
    print(f"=== {name}")
    try:
        result = fn()
        print(result if isinstance(result, str) else repr(result))
    except Exception as err:  # record, never stop
        print("EXCEPTION", type(err).__name__, err)
        traceback.print_exc(file=sys.stdout)


def expect_error(fn, pattern):
    try:
        fn()
    except RuntimeError as err:
        ok = re.search(pattern, str(err)) is not None
        return f"{'PASS' if ok else 'FAIL'}: RuntimeError: {err}"
    return "FAIL: no error raised"


print("torch", torch.__version__, "cuda", torch.version.cuda,
      torch.cuda.get_device_name() if torch.cuda.is_available() else "no CUDA device")
case("snippets/training/cuda.py", lambda: run_file("snippets/training/cuda.py"))
case("hidden_syncs.py (compare with the page)", lambda: (
    lambda got: ("PASS\n" if got == HIDDEN_SYNCS_EXPECTED else "FAIL: differs from the page\n") + got)(
        run_file("snippets/training/hidden_syncs.py")))
case("same_device mistake on cuda", lambda: expect_error(
    lambda: runpy.run_path("snippets/training/same_device.py")["forward_with_data_left_behind"](
        torch.device("cuda")), re.escape(SAME_DEVICE)))
case("optimizer_too_early.py", lambda: expect_error(
    lambda: run_file("snippets/training/optimizer_too_early.py"), "same device"))
case("results_back.py on cuda", lambda: run_file("snippets/training/results_back.py"))
case("timing.py on cuda", lambda: run_file("snippets/training/timing.py"))
case("dataloader_loop.py on cuda", lambda: run_file("snippets/training/dataloader_loop.py"))
case("train_iris.py --device cuda --epochs 2000", lambda: subprocess.run(
    [sys.executable, "snippets/train_iris.py", "--device", "cuda", "--epochs", "2000"],
    capture_output=True, text=True).stdout)
case("iris_recipes.py --device cuda (the same-result check)", lambda: (lambda r: r.stdout + r.stderr[-2000:] + f"exit {r.returncode}")(
    subprocess.run([sys.executable, "snippets/iris_recipes.py", "--device", "cuda"],
                   capture_output=True, text=True)))
