"""Small ONNX models that a teacher must refuse, each for one reason (or whose tensors it must refuse as hints). Run with python3 (torch 1.13, onnx 1.12):
python3 make_refused.py, in this directory."""
import torch
import torch.nn as nn

torch.manual_seed(5)


class Linear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc(x)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 3)

    def forward(self, x, y):
        return self.fc(x + y)


class Rank3(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 6)

    def forward(self, x):
        return self.fc(x).reshape(-1, 2, 3)


class ShapeConstant(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 6)
        self.fc2 = nn.Linear(6, 3)

    def forward(self, x):
        return self.fc2(self.fc1(x).reshape(-1, 2, 3).reshape(-1, 6))


def export(model, args, names, path, dynamic):
    model.eval()
    axes = {name: {0: "N"} for name in names + ["output"]} if dynamic else None
    torch.onnx.export(model, args, path, input_names=names, output_names=["output"], dynamic_axes=axes,
                      opset_version=13)


export(Linear(), (torch.randn(2, 8),), ["input"], "fixed-batch.onnx", dynamic=False)
export(TwoInputs(), (torch.randn(2, 8), torch.randn(2, 8)), ["x", "y"], "two-inputs.onnx", dynamic=True)
export(Rank3(), (torch.randn(2, 8),), ["input"], "rank3-output.onnx", dynamic=True)
export(ShapeConstant(), (torch.randn(2, 8),), ["input"], "shape-constant.onnx", dynamic=True)
