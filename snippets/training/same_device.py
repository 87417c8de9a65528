"""The error everyone meets once: the model on one device, a batch on another. And the fix."""

# --8<-- [start:mistake]
import torch
from torch import nn


def forward_with_data_left_behind(device):
    torch.manual_seed(0)
    model = nn.Linear(4, 3).to(device)  # the model's parameters move...
    x = torch.randn(8, 4)               # ...but this batch is created on the CPU
    return model(x)                     # one operation, two devices: RuntimeError
# --8<-- [end:mistake]


def forward_with_data_moved(device):
    torch.manual_seed(0)
    model = nn.Linear(4, 3).to(device)
    x = torch.randn(8, 4).to(device)    # the fix: send the batch where the model is
    return model(x)


if __name__ == "__main__":
    meta = torch.device("meta")  # every build has it: shapes, no data; a stand-in second device
    try:
        forward_with_data_left_behind(meta)
    except RuntimeError as err:
        print("RuntimeError:", err)
    out = forward_with_data_moved(meta)
    print("fixed:", out.device, tuple(out.shape))
