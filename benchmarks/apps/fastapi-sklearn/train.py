"""Train the iris classifier served by main.py and write it to model.joblib."""

import json
import sys

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_PATH = "model.joblib"


def train(path: str = MODEL_PATH) -> float:
    iris = load_iris()  # shipped inside scikit-learn: no download
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.25, random_state=42, stratify=iris.target
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(x_train, y_train)
    accuracy = float(model.score(x_test, y_test))
    joblib.dump({"model": model, "classes": list(iris.target_names), "accuracy": accuracy}, path)
    return accuracy


if __name__ == "__main__":
    acc = train(sys.argv[1] if len(sys.argv) > 1 else MODEL_PATH)
    print(json.dumps({"model": MODEL_PATH, "accuracy": round(acc, 3)}))
