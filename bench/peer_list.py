"""The peer for the customer-list benchmark: a FastAPI server (the
prototype's stack, one uvicorn worker) that answers GET /api/v1/customers
the way a Python service over the bank's customer file would: every customer
held in memory as a dict, each request filtered with a comprehension, sorted
by Python's stable sort (ties keep the file's order, as tailor's do), counted
and sliced. Same parameters (risk_profile, account_status, gender, age_min,
age_max, sort, order, limit, offset) and the same JSON shape as tailor's.
Written for this benchmark; run by bench/list_peers.sh only.

usage: python3 peer_list.py CUSTOMERS_CSV PORT
"""
import csv
import sys

import uvicorn
from fastapi import FastAPI

path, port = sys.argv[1], int(sys.argv[2])
app = FastAPI()


def load(path):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows.append({
                "customer_id": r["customer_id"],
                "name": f"{r['first_name']} {r['last_name']}",
                "gender": r["gender"],
                "age": int(r["age"]),
                "city": r["city"],
                "country": r["country"],
                "balance": float(r["balance"]),
                "currency": r["currency"],
                "risk_profile": r["risk_profile"],
                "account_status": r["account_status"],
            })
    return rows


CUSTOMERS = load(path)
SORT_KEYS = {"id": "customer_id", "name": "name", "age": "age", "balance": "balance"}


@app.get("/api/v1/customers")
def customers(risk_profile: str = None, account_status: str = None, gender: str = None,
              age_min: int = -1, age_max: int = -1, sort: str = None, order: str = "asc",
              limit: int = 50, offset: int = 0):
    def keep(c):
        return ((risk_profile is None or c["risk_profile"].lower() == risk_profile.lower())
                and (account_status is None
                     or c["account_status"].lower() == account_status.lower())
                and (gender is None or c["gender"].lower() == gender.lower())
                and (age_min < 0 or c["age"] >= age_min)
                and (age_max < 0 or c["age"] <= age_max))

    matches = [c for c in CUSTOMERS if keep(c)]
    if sort:
        key = SORT_KEYS[sort]
        matches.sort(key=lambda c: c[key], reverse=order == "desc")
    elif order == "desc":
        matches.reverse()
    return {"items": matches[offset:offset + limit], "total": len(matches), "limit": limit,
            "offset": offset}


uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)
