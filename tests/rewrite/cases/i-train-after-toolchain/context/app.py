import json
import itsdangerous
model = json.load(open("model.json"))
print("model", sum(model["weights"]), itsdangerous.__name__)
