"""The peer for the batch-scoring benchmark: the original prototype's
recommendation step run for every customer of a bank, as a data team would
run it overnight from the bank's files. For each customer: the profile and
their posts as one text, a bag-of-words vector, cosine against every
product's text, the top k with a templated reason, written as CSV
(customer_id, rank, product_id, score, reasons), the columns of
`tailor score --export`. The prototype also called an LLM twice per
customer; this does not, so it is a lower bound of the prototype's cost.
It reads what `tailor generate` writes (customers.csv, posts.csv,
products.json). Written for this benchmark; run by bench/score_peers.sh.

usage: python3 peer_score.py BANK_DIR OUT_CSV [K]
"""
import csv
import json
import sys

import numpy as np

from peer_bow import Bow

bank, out_path = sys.argv[1], sys.argv[2]
k = int(sys.argv[3]) if len(sys.argv) > 3 else 3

with open(f"{bank}/products.json") as f:
    products = json.load(f)
with open(f"{bank}/customers.csv", newline="") as f:
    customers = list(csv.DictReader(f))
posts = {}
with open(f"{bank}/posts.csv", newline="") as f:
    for row in csv.DictReader(f):
        posts.setdefault(row["customer_id"], []).append(row["text"])

bow = Bow(products)

with open(out_path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["customer_id", "rank", "product_id", "score", "reasons"])
    for c in customers:
        cid = c["customer_id"]
        text = " ".join(c.values()) + " " + " ".join(posts.get(cid, []))
        sims = bow.products @ bow.bag(text)
        for rank, i in enumerate(np.argsort(-sims)[:k], 1):
            p = products[i]
            reason = f"{p['name']} matches what the customer said about {p['category'].lower()}"
            w.writerow([cid, rank, p["product_id"], f"{sims[i]:.6f}", reason])
print(f"peer: {len(customers)} customers scored")
