// catalogue.js — product names by id, fetched once per page load (the
// catalogue is small) for holdings and links.
import { api } from './api.js';

let pending = null;

export function catalogue() {
  if (!pending) {
    pending = api('/products').then(d => new Map(d.items.map(p => [p.product_id, p])))
      .catch(err => { pending = null; throw err; });
  }
  return pending;
}
