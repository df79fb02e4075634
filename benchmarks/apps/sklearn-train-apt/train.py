"""Trains the wine classifier at build time and writes model/wine.joblib."""

from pathlib import Path

import joblib
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

MODEL = Path(__file__).resolve().parent / "model" / "wine.joblib"


def main() -> None:
    data = load_wine()
    x_train, x_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.25, random_state=7)
    model = RandomForestClassifier(n_estimators=50, random_state=7).fit(x_train, y_train)
    MODEL.parent.mkdir(exist_ok=True)
    joblib.dump({"model": model, "classes": list(data.target_names), "features": list(data.feature_names)}, MODEL)
    print(f"accuracy {model.score(x_test, y_test):.3f} -> {MODEL}")


if __name__ == "__main__":
    main()
