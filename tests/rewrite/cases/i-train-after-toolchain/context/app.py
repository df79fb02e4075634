import json
import itsdangerous
model = json.load(open("model.json"))
print("model", round(sum(model["weights"]), 2), itsdangerous.__name__)
