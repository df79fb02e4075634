"""Scores customers with the churn model trained at build time.

    python score.py LOGINS_PER_WEEK TICKETS_PER_MONTH MONTHS_ACTIVE [...]
"""

import sys
from pathlib import Path

import lightgbm as lgb
import numpy as np

MODEL = Path(__file__).resolve().parent / "churn.txt"


def main(argv: list[str]) -> None:
    values = [float(v) for v in argv] or [15, 1, 24, 1, 8, 3]
    if len(values) % 3:
        sys.exit("give three numbers per customer")
    booster = lgb.Booster(model_file=str(MODEL))
    rows = np.array(values).reshape(-1, 3)
    for row, p in zip(rows, booster.predict(rows)):
        print(f"logins={row[0]:g} tickets={row[1]:g} -> {'churn' if p > 0.5 else 'stay'}")
    print("lightgbm", lgb.__version__, "customers", len(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
