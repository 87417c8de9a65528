"""Which accelerator can this machine use? torch.accelerator, with and without the runtime check."""

import torch

built_for = torch.accelerator.current_accelerator()                   # what this build of torch supports
usable = torch.accelerator.current_accelerator(check_available=True)  # ...and is present right now
device = usable or torch.device("cpu")
print("built for:", built_for, "| usable now:", usable, "| using:", device)
