"""The prototype's text matching as the benchmark peers use it
(peer_prototype.py, peer_score.py): words of letters and digits,
lower-cased; a vocabulary of the products' words; a text as the unit
vector of its word counts over that vocabulary; products as the same of
their descriptive fields. Written for the benchmarks only."""
import re

import numpy as np

WORD = re.compile(r"[a-z0-9]+")
PRODUCT_FIELDS = ("name", "description", "features", "category", "rewards",
                  "additional_benefits", "eligibility")


def product_text(p):
    return " ".join(str(p.get(f, "")) for f in PRODUCT_FIELDS)


class Bow:
    """The vocabulary of `products` and their vectors (one row each)."""

    def __init__(self, products):
        self.vocab = {}
        for p in products:
            for w in WORD.findall(product_text(p).lower()):
                self.vocab.setdefault(w, len(self.vocab))
        self.products = np.array([self.bag(product_text(p)) for p in products])

    def bag(self, text):
        v = np.zeros(len(self.vocab))
        for w in WORD.findall(text.lower()):
            i = self.vocab.get(w)
            if i is not None:
                v[i] += 1.0
        n = np.linalg.norm(v)
        return v / n if n > 0 else v
