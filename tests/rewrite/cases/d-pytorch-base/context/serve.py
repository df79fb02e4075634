import torch, fastapi
print("torch", torch.__version__.split("+")[0], "fastapi", fastapi.__version__)
