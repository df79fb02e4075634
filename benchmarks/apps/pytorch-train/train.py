"""Trains SpiralNet on the CPU at build time and writes model.pt (its state_dict)."""

import torch

from model import SpiralNet, spirals

torch.manual_seed(0)
torch.set_num_threads(1)
x, y = spirals()
net = SpiralNet()
opt = torch.optim.Adam(net.parameters(), lr=0.02)
for step in range(600):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
accuracy = (net(x).argmax(1) == y).float().mean().item()
torch.save(net.state_dict(), "model.pt")
print(f"trained: loss {loss.item():.4f}, accuracy {accuracy:.3f}")
