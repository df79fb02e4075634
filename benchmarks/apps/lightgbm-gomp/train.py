"""Trains a small churn model with LightGBM at build time and writes churn.txt.

The data is synthetic: customers with few logins and many support tickets churn.
"""

from pathlib import Path

import lightgbm as lgb
import numpy as np

MODEL = Path(__file__).resolve().parent / "churn.txt"
FEATURES = ["logins_per_week", "tickets_per_month", "months_active"]


def make_data(n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    logins = rng.uniform(0, 20, n)
    tickets = rng.uniform(0, 10, n)
    months = rng.uniform(1, 60, n)
    churn = ((tickets - logins / 2 + rng.normal(0, 1, n)) > 0).astype(int)
    return np.column_stack([logins, tickets, months]), churn


def main() -> None:
    x, y = make_data(2000)
    params = {"objective": "binary", "num_leaves": 15, "learning_rate": 0.1, "verbose": -1, "seed": 3, "deterministic": True, "num_threads": 2}
    booster = lgb.train(params, lgb.Dataset(x, y, feature_name=FEATURES), num_boost_round=60)
    booster.save_model(str(MODEL))
    accuracy = ((booster.predict(x) > 0.5) == y).mean()
    print(f"train accuracy {accuracy:.3f} -> {MODEL}")


if __name__ == "__main__":
    main()
