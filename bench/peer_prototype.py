"""The peer for the API benchmark: a FastAPI server that answers the
benchmarked endpoints the way the original Python prototype did (one uvicorn
worker; the insights endpoint re-reads the monthly-insights JSON file on every
call and applies a linear regression on the previous 11 monthly totals, then
min-max rescales it). Its recommendations endpoint is the prototype's
retrieval step without the two LLM calls around it, so a lower bound of its
cost: the customer's profile and posts as one text, a bag-of-words vector,
cosine against every product's text, the top three with a templated reason.
Written for this benchmark; run by bench/run.sh only.

usage: python3 peer_prototype.py SEED_DIR PORT
"""
import json
import sys

import numpy as np
import uvicorn
from fastapi import FastAPI

from peer_bow import Bow

seed_dir, port = sys.argv[1], int(sys.argv[2])
app = FastAPI()

with open(f"{seed_dir}/customer_profile.json") as f:
    profiles = json.load(f)
with open(f"{seed_dir}/products.json") as f:
    products = json.load(f)
with open(f"{seed_dir}/non_contradictory_social_media_posts.json") as f:
    posts = json.load(f)

BOW = Bow(products)


def monthly_totals(customer_id):
    # The prototype opened and parsed this file on every request.
    with open(f"{seed_dir}/customer_monthly_transaction_insights.json") as f:
        data = json.load(f)
    for c in data:
        if c["CustomerID"] == customer_id:
            return [m["Total_Transaction_Amount"] for m in c["Transaction_Insights"]], c
    return [], None


def fit_pooled_ar11():
    with open(f"{seed_dir}/customer_monthly_transaction_insights.json") as f:
        data = json.load(f)
    xs, ys = [], []
    for c in data:
        t = [m["Total_Transaction_Amount"] for m in c["Transaction_Insights"]]
        for i in range(11, len(t)):
            xs.append(t[i - 11:i] + [1.0])
            ys.append(t[i])
    coef, *_ = np.linalg.lstsq(np.array(xs, float), np.array(ys, float), rcond=None)
    return coef


COEF = fit_pooled_ar11()


@app.get("/customer_data/{customer_id}")
async def customer_data(customer_id: str):
    for p in profiles:
        if p["CustomerID"] == customer_id:
            return p


@app.get("/customer_transaction_insights/{customer_id}")
async def customer_transaction_insights(customer_id: str):
    totals, record = monthly_totals(customer_id)
    prediction = None
    if len(totals) >= 12:
        arr = np.array(totals, float)
        pred = float(np.dot(np.append(arr[-11:], 1.0), COEF))
        lo, hi = arr.min(), arr.max()
        score = min(1.0, max(0.0, (pred - lo) / (hi - lo))) if hi > lo else 0.0
        prediction = {"predicted": pred, "score": score}
    return {"prediction": prediction, "transaction_insights": record}


@app.get("/product_recommendations/{customer_id}")
async def product_recommendations(customer_id: str):
    profile = next((p for p in profiles if p["CustomerID"] == customer_id), None)
    if profile is None:
        return {"error": "not found"}
    said = [p["Post"] for p in posts if p["CustomerID"] == customer_id]
    text = " ".join(str(v) for v in profile.values()) + " " + " ".join(said)
    sims = BOW.products @ BOW.bag(text)
    top = [products[i] for i in np.argsort(-sims)[:3]]
    return {
        "profile": {"profile_summary": text[:400], "product_offering": [p["name"] for p in top]},
        "recommended": [p["name"] for p in top],
        "products_sentiment": [{"Product_Name": p["name"], "Sentiment": float(sims[i])}
                               for i, p in enumerate(top)],
        "products": [{"Product_Name": p["name"],
                      "Reason": f"{p['name']} matches what the customer said about "
                                f"{p['category'].lower()}"} for p in top],
    }


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", workers=1)
