"""On the CPU too: the seed's training in plain NumPy, beside the same epochs in eager PyTorch.

Same start weights, same full batch, same SGD: the losses agree, so any difference in time is what
each framework spends around the arithmetic, not the arithmetic itself (`python -m
benchmarks.overheads` times both). The demo needs iris_setup.py in the same folder.
"""

# --8<-- [start:numpy]
import numpy as np


def numpy_params(model):
    """The model's weights as float32 NumPy arrays (copies: NumPy trains its own)."""
    return {name: p.detach().cpu().numpy().copy() for name, p in model.named_parameters()}


def numpy_epoch(params, x, onehot, lr=0.01):
    """Forward, cross-entropy, backward by hand, SGD step. Returns the loss before the step."""
    w1, b1, w2, b2 = (params[k] for k in ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"))
    hidden = x @ w1.T + b1
    active = np.maximum(hidden, 0)
    logits = active @ w2.T + b2
    shifted = logits - logits.max(axis=1, keepdims=True)  # stable softmax
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -(log_probs * onehot).sum() / len(x)
    d_logits = (np.exp(log_probs) - onehot) / len(x)  # gradient of mean cross-entropy
    d_active = d_logits @ w2
    d_hidden = d_active * (hidden > 0)
    grads = {"fc2.weight": d_logits.T @ active, "fc2.bias": d_logits.sum(axis=0),
             "fc1.weight": d_hidden.T @ x, "fc1.bias": d_hidden.sum(axis=0)}
    for name, grad in grads.items():
        params[name] -= lr * grad  # in place: the model's arrays see the update
    return float(loss)


def train_numpy(params, x, y, epochs, lr=0.01):
    """The seed's loop in NumPy: x, y are NumPy arrays. Returns the losses."""
    onehot = np.eye(3, dtype=np.float32)[y]
    return [numpy_epoch(params, x, onehot, lr) for _ in range(epochs)]
# --8<-- [end:numpy]


if __name__ == "__main__":
    import torch

    from iris_setup import IrisMLP, load_iris_tensors, train_full_batch  # the file beside this one

    torch.manual_seed(0)
    x, y, _, _ = load_iris_tensors()
    model = IrisMLP()
    params = numpy_params(model)  # copied before PyTorch trains the model
    torch_losses = train_full_batch(model, x, y, epochs=200)
    numpy_losses = train_numpy(params, x.numpy(), y.numpy(), epochs=200)
    gap = max(abs(a - b) for a, b in zip(torch_losses, numpy_losses, strict=True))
    print(f"after 200 epochs: PyTorch loss {torch_losses[-1]:.4f}, NumPy loss {numpy_losses[-1]:.4f}")
    print("the two agree within 1e-5 at every epoch:", gap < 1e-5)
