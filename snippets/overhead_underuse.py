"""Overhead 3, too little work: time per epoch as the batch and the hidden layer grow.

The seed's epoch (forward, loss, backward, SGD step, .item()) on random data shaped like Iris
(4 features, 3 classes), for every batch size × hidden width, on the CPU and on a GPU if there is
one. Where both were measured, the crossover is the smallest batch at which the GPU is faster.
"""

import torch

from iris_setup import IrisMLP, pick_device
from overhead_timing import make_epoch, time_per_call


# --8<-- [start:grid]
def epoch_grid(device, batch_sizes, hidden_widths, repeats=5, min_time=0.05):
    """Seconds per epoch, one row per batch size, one column per hidden width."""
    generator = torch.Generator().manual_seed(0)
    grid = []
    for batch in batch_sizes:
        x = torch.randn(batch, 4, generator=generator).to(device)
        y = torch.randint(0, 3, (batch,), generator=generator).to(device)
        row = []
        for hidden in hidden_widths:
            torch.manual_seed(0)
            epoch = make_epoch(IrisMLP(hidden).to(device), x, y)
            row.append(time_per_call(epoch, device, repeats, min_time))
        grid.append(row)
    return grid


def crossover(batch_sizes, cpu_grid, gpu_grid):
    """Per hidden width: the smallest batch size from which on the GPU stays faster, or None."""
    result = []
    for column in range(len(cpu_grid[0])):
        found = None
        for row in reversed(range(len(batch_sizes))):
            if gpu_grid[row][column] < cpu_grid[row][column]:
                found = batch_sizes[row]
            else:
                break
        result.append(found)
    return result
# --8<-- [end:grid]


def measure(batch_sizes, hidden_widths, repeats, min_time):
    result = {"batch_sizes": batch_sizes, "hidden_widths": hidden_widths,
              "cpu": epoch_grid(torch.device("cpu"), batch_sizes, hidden_widths, repeats, min_time)}
    if torch.cuda.is_available():
        result["cuda"] = epoch_grid(torch.device("cuda"), batch_sizes, hidden_widths, repeats, min_time)
        result["crossover_batch"] = crossover(batch_sizes, result["cpu"], result["cuda"])
    else:
        result["cuda"] = {"not_measured": "no CUDA device"}
        result["crossover_batch"] = None
    return result


if __name__ == "__main__":
    batch_sizes, hidden_widths = [120, 1_200, 12_000], [10, 100]
    for device in sorted({torch.device("cpu"), pick_device()}, key=str):
        grid = epoch_grid(device, batch_sizes, hidden_widths, repeats=3, min_time=0.01)
        print(f"{device}: µs per epoch; rows: batch {batch_sizes}, columns: hidden {hidden_widths}")
        for batch, row in zip(batch_sizes, grid, strict=True):
            print(f"{batch:>8,}", " ".join(f"{seconds * 1e6:10.0f}" for seconds in row))
