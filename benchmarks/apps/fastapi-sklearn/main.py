"""Iris species prediction API."""

import os
from functools import lru_cache

import joblib
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

MODEL_PATH = os.environ.get("MODEL_PATH", "model.joblib")

app = FastAPI(title="iris-api")


class Flower(BaseModel):
    sepal_length: float = Field(gt=0)
    sepal_width: float = Field(gt=0)
    petal_length: float = Field(gt=0)
    petal_width: float = Field(gt=0)


@lru_cache(maxsize=1)
def load_model():
    return joblib.load(MODEL_PATH)


@app.get("/healthz")
def healthz():
    bundle = load_model()
    return {"status": "ok", "accuracy": bundle["accuracy"]}


@app.post("/predict")
def predict(flower: Flower):
    bundle = load_model()
    features = [[flower.sepal_length, flower.sepal_width, flower.petal_length, flower.petal_width]]
    try:
        index = int(bundle["model"].predict(features)[0])
    except ValueError as exc:  # pragma: no cover - malformed input caught by pydantic first
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return {"species": bundle["classes"][index]}
