"""Ways of removing the overheads of the seed's Iris training loop, one recipe each.

Every recipe has the same shape: `recipe(model, x, y, lr)` does the one-time work (build the
optimizer, compile, capture) and returns `train(epochs)`, which trains `model` for that many more
full-batch epochs and returns the loss of every epoch as Python floats. Recipe 1, the baseline, is
the seed's loop itself (`train_full_batch` in iris_setup.py). The recipes import installed packages
only; the demo below needs iris_setup.py in the same folder.

`python -m benchmarks.check_recipes` checks that every recipe reaches the seed loop's result, and
`python -m benchmarks.race` races them.
"""

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, grad_and_value, stack_module_state, vmap

# --8<-- [end:imports]


# --8<-- [start:no-sync]
def no_sync(model, x, y, lr=0.01):
    """Recipe 2: keep each epoch's loss on the device; read them all once, at the end."""
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def train(epochs):
        losses = []
        for _ in range(epochs):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())  # stays on the device: no copy, no waiting
        return torch.stack(losses).tolist()  # one copy to the CPU, one wait
    return train
# --8<-- [end:no-sync]


# --8<-- [start:fewer-launches]
def fewer_launches(model, x, y, lr=0.01):
    """Recipe 3: recipe 2, with a fused SGD update and no gradient-zeroing kernels."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, fused=True)

    def train(epochs):
        losses = []
        for _ in range(epochs):
            optimizer.zero_grad(set_to_none=True)  # the default since torch 2.0: no zeroing kernels
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
        return torch.stack(losses).tolist()
    return train
# --8<-- [end:fewer-launches]


# --8<-- [start:one-thread]
def one_thread(model, x, y, lr=0.01):
    """Recipe 4a (CPU): recipe 3 on a single intra-op thread; tiny tensors gain nothing from more."""
    train_fewer = fewer_launches(model, x, y, lr)

    def train(epochs):
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return train_fewer(epochs)
        finally:
            torch.set_num_threads(threads)  # the setting is process-wide: put it back
    return train
# --8<-- [end:one-thread]


# --8<-- [start:functional-step]
def functional_step(model, lr):
    """Forward, backward and the SGD update as one pure function of the parameters."""
    names = [name for name, _ in model.named_parameters()]

    def loss_of(params, x, y):
        return F.cross_entropy(functional_call(model, dict(zip(names, params, strict=True)), (x,)), y)

    def step(params, x, y):
        grads, loss = grad_and_value(loss_of)(params, x, y)
        return [p - lr * g for p, g in zip(params, grads, strict=True)], loss
    return step
# --8<-- [end:functional-step]


# --8<-- [start:compiled]
def compiled_step(model, x, y, lr=0.01, mode=None):
    """Recipe 4b: the whole step compiled as one graph (on the CPU, on one thread).

    mode="reduce-overhead" (recipe 5b, CUDA) also records the compiled kernels as a CUDA graph.
    """
    step = torch.compile(functional_step(model, lr), fullgraph=True, mode=mode)
    params = [p.detach().clone() for p in model.parameters()]
    threads = torch.get_num_threads()
    if x.device.type == "cpu":
        torch.set_num_threads(1)  # before compiling: the generated code takes its thread count now
    try:
        for _ in range(3):  # compile (and record) now, on a copy: a one-time cost, apart
            torch.compiler.cudagraph_mark_step_begin()
            step([p.clone() for p in params], x, y)
    finally:
        torch.set_num_threads(threads)

    def train(epochs):
        losses = []
        if x.device.type == "cpu":
            torch.set_num_threads(1)
        try:
            for _ in range(epochs):
                torch.compiler.cudagraph_mark_step_begin()  # a new step: earlier outputs may be reused
                new_params, loss = step(params, x, y)
                for p, new in zip(params, new_params, strict=True):
                    p.copy_(new)  # read the outputs before the next step overwrites them
                losses.append(loss.clone())
        finally:
            torch.set_num_threads(threads)
        with torch.no_grad():
            for p, trained in zip(model.parameters(), params, strict=True):
                p.copy_(trained)
        return torch.stack(losses).tolist()
    return train
# --8<-- [end:compiled]


# --8<-- [start:cuda-graph]
def cuda_graph(model, x, y, lr=0.01, capacity=1000):
    """Recipe 5a (CUDA): capture one whole step in a CUDA graph; each epoch is one replay."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    start = [p.detach().clone() for p in model.parameters()]
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):  # warm up on a side stream, as capture requires
        for _ in range(3):
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            optimizer.step()
    torch.cuda.current_stream().wait_stream(side)
    with torch.no_grad():  # undo the warm-up steps: every recipe starts from the same weights
        for p, p0 in zip(model.parameters(), start, strict=True):
            p.copy_(p0)

    log = torch.zeros(capacity, device=x.device)  # each replay writes its loss into the next slot
    slot = torch.zeros(1, dtype=torch.long, device=x.device)
    graph = torch.cuda.CUDAGraph()
    optimizer.zero_grad(set_to_none=True)  # gradients are then allocated inside the graph's memory
    with torch.cuda.graph(graph):  # recorded, not run
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        log.index_copy_(0, slot, loss.detach().view(1))
        slot.add_(1)

    def train(epochs):
        parts = []
        for done in range(0, epochs, capacity):
            n = min(capacity, epochs - done)
            slot.zero_()
            for _ in range(n):
                graph.replay()  # one launch replays every kernel of the step
            parts.append(log[:n].clone())
        return torch.cat(parts).tolist()
    return train
# --8<-- [end:cuda-graph]


# --8<-- [start:many-models]
def many_models(model, x, y, lr=0.01, copies=64):
    """Recipe 6: train `copies` models at once, the first being `model`; each kernel serves them all."""
    models = [model]
    for seed in range(1, copies):
        torch.manual_seed(seed)  # the others: same shape, their own initial weights
        models.append(type(model)().to(x.device))
    params, _ = stack_module_state(models)  # each parameter becomes one (copies, ...) tensor
    template = type(model)().to("meta")  # the structure only, no data
    forward = vmap(lambda p, x: functional_call(template, p, (x,)), in_dims=(0, None))
    optimizer = torch.optim.SGD(params.values(), lr=lr, fused=True)
    targets = y.repeat(copies)

    def train(epochs):
        losses = []
        for _ in range(epochs):
            optimizer.zero_grad()
            logits = forward(params, x)  # (copies, rows, 3), from batched matrix products
            loss = F.cross_entropy(logits.flatten(0, 1), targets, reduction="none")
            loss = loss.view(copies, -1).mean(dim=1)  # each model's own mean loss
            loss.sum().backward()  # a sum: each model's gradient is its own loss's gradient
            optimizer.step()
            losses.append(loss.detach())
        with torch.no_grad():  # write the trained weights back into each module
            for i, m in enumerate(models):
                for name, p in m.named_parameters():
                    p.copy_(params[name][i])
        return torch.stack(losses)[:, 0].tolist()  # the first model's losses
    train.models = copies
    return train
# --8<-- [end:many-models]


# --8<-- [start:macs]
def macs_per_epoch(model, samples):
    """Multiply-adds in one full-batch epoch, counted from the layer shapes."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    forward = sum(samples * m.in_features * m.out_features for m in linears)
    weight_grads = forward  # dW = dY^T X: the same shape of product, once per layer
    input_grads = sum(samples * m.in_features * m.out_features for m in linears[1:])  # dX = dY W
    return forward + weight_grads + input_grads
# --8<-- [end:macs]


if __name__ == "__main__":
    from iris_setup import IrisMLP, load_iris_tensors, train_full_batch  # the file beside this one

    x, y, _, _ = load_iris_tensors()
    torch.manual_seed(0)
    seed_losses = train_full_batch(IrisMLP(), x, y, epochs=300)  # recipe 1, the baseline
    print(f"{'seed':<15} final loss {seed_losses[-1]:.4f}")
    for recipe in (no_sync, fewer_launches, one_thread, many_models):
        torch.manual_seed(0)  # the same start weights as the baseline
        losses = recipe(IrisMLP(), x, y)(300)
        gap = max(abs(a - b) for a, b in zip(losses, seed_losses, strict=True))
        print(f"{recipe.__name__:<15} final loss {losses[-1]:.4f}, same as the seed loop's: {gap < 1e-4}")
