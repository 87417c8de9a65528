"""Operations that copy from the GPU and wait for it without saying so, caught by sync debug mode."""

import warnings

import torch


def waits(fn):
    """True if fn() triggered PyTorch's "called a synchronizing CUDA operation" warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return any("synchronizing" in str(w.message) for w in caught)


def main():
    if not torch.cuda.is_available():
        print("no CUDA device on this machine")
        return
    t = torch.tensor([0.5, -1.0, 2.0], device="cuda")
    cases = {
        "t + 1": lambda: t + 1,
        "t * torch.tensor(2.0)": lambda: t * torch.tensor(2.0),  # a 0-dim CPU tensor: no wait
        "str(t), print(t)": lambda: str(t),
        "if t.sum(): ...": lambda: bool(t.sum()),
        "float(t.sum())": lambda: float(t.sum()),
        "t[t > 0]": lambda: t[t > 0],  # how many elements survive? the CPU must know
        "t.nonzero()": lambda: t.nonzero(),
        "t.tolist()": lambda: t.tolist(),
    }
    torch.cuda.set_sync_debug_mode("warn")  # or "error": raise instead of warn
    try:
        for name, fn in cases.items():
            print(f"{name:<24} waits for the GPU: {waits(fn)}")
    finally:
        torch.cuda.set_sync_debug_mode("default")


if __name__ == "__main__":
    main()
