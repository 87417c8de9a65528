"""Statements of the chapters "Training on a GPU" and "Reading hardware specs" that code can check on a
CPU-only machine."""

import runpy

import torch

from tests.pages import ROOT, SNIPPETS


def test_current_accelerator_reports_the_build_not_the_machine(monkeypatch, capsys):
    # A CUDA wheel on a machine without a GPU: the build knows CUDA, the runtime finds no device.
    monkeypatch.setattr(torch._C, "_accelerator_getAccelerator", lambda: torch.device("cuda"))
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: False)
    assert torch.accelerator.current_accelerator() == torch.device("cuda")
    runpy.run_path(str(SNIPPETS / "training" / "accelerator.py"), run_name="__main__")
    assert capsys.readouterr().out == "built for: cuda | usable now: None | using: cpu\n"


def test_current_accelerator_when_the_device_is_there(monkeypatch, capsys):
    monkeypatch.setattr(torch._C, "_accelerator_getAccelerator", lambda: torch.device("cuda"))
    monkeypatch.setattr(torch.accelerator, "is_available", lambda: True)
    runpy.run_path(str(SNIPPETS / "training" / "accelerator.py"), run_name="__main__")
    assert capsys.readouterr().out == "built for: cuda | usable now: cuda | using: cuda\n"


def test_only_adagrad_creates_its_state_at_construction():
    params = list(torch.nn.Linear(4, 3).parameters())
    assert len(torch.optim.Adagrad(params).state) == 2  # a running sum per parameter, created now
    assert len(torch.optim.Adam(params).state) == 0  # moments appear at the first step()


def test_a_zero_dim_cpu_tensor_joins_an_operation_on_another_device():
    on_meta = torch.ones(3, device="meta")
    assert (on_meta * torch.tensor(2.0)).device.type == "meta"


def test_the_precision_and_memory_calls_the_hardware_page_teaches_exist():
    """docs/hardware.*.md: TF32 is switched on with set_float32_matmul_precision (default "highest",
    full FP32), and an Apple GPU's nearest thing to a VRAM size is torch.mps.recommended_max_memory()."""
    assert torch.get_float32_matmul_precision() == "highest"
    assert callable(torch.set_float32_matmul_precision)
    assert callable(torch.mps.recommended_max_memory)
    for name in ("hardware.zh.md", "hardware.en.md"):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert 'torch.set_float32_matmul_precision("high")' in text, name
        assert "torch.mps.recommended_max_memory()" in text, name
