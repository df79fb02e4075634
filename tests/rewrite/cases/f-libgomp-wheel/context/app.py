import lightgbm; print("lgbm ok")
