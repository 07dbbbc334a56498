class Net(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  fc : __torch__.torch.nn.modules.linear.Linear
  def forward(self: __torch__.Net,
    x: Tensor) -> Tensor:
    fc = self.fc
    y = (fc).forward(x, )
    if bool(torch.gt(torch.sum(y), 0)):
      y0 = torch.relu(y)
    else:
      y0 = y
    y1 = y0
    for i in range(2):
      y2 = torch.add(torch.mul(y1, 2.), float(i))
      y1 = y2
    return torch.softmax(y1, -1)
