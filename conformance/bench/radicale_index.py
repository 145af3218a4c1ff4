#!/usr/bin/env python3
"""conformance/bench/radicale_index.py — build Radicale's item cache for collections whose files
were written straight into its storage folder, on all CPUs, with Radicale's own code.

usage (with the Python of Radicale's venv; called by load.py radicale-fs):
    radicale_index.py CONFIG USER/COLLECTION [USER/COLLECTION...] [--workers N]

On the first request that lists a collection, Radicale parses every item it has no cache entry
for (vobject: for Outlook's VTIMEZONEs, whose rules start in 1601, that costs ~30 ms an event)
and stores the result in .Radicale.cache/item/. It does this one item at a time under a
per-collection lock, on one CPU. This script runs exactly the steps of
radicale.storage.multifilesystem.get.CollectionPartGet._get for a cache miss — read_components,
check_and_sanitize_items, Item, _store_item_cache with the same cache hash — split over N
processes, so the cache files are the ones Radicale would have written itself.
"""
import argparse
import multiprocessing
import os
import sys

import radicale.item as radicale_item
from radicale import config, storage

_state = {}


def _collection(cfg, path):
    key = (cfg, path)
    if key not in _state:
        configuration = config.load([(cfg, False)])
        st = storage.load(configuration)
        with st.acquire_lock("r"):
            coll = next(iter(st.discover("/" + path.strip("/") + "/", depth="0")))
        _state[key] = (st, coll)
    return _state[key]


def build(job):
    cfg, path, hrefs = job
    st, coll = _collection(cfg, path)
    for href in hrefs:
        with open(os.path.join(coll._filesystem_path, href), "rb") as f:
            raw = f.read()
        cache_hash = coll._item_cache_hash(raw)
        items = radicale_item.read_components(raw.decode(coll._encoding))
        radicale_item.check_and_sanitize_items(
            items, tag=coll.tag, max_vevent_rrule_occurrence=st._max_vevent_rrule_occurrence)
        vobject_item, = items
        coll._store_item_cache(href, radicale_item.Item(collection=coll, vobject_item=vobject_item), cache_hash)
    return len(hrefs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("config")
    p.add_argument("collections", nargs="+")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    a = p.parse_args()
    cfg = os.path.abspath(a.config)
    configuration = config.load([(cfg, False)])
    root = os.path.join(configuration.get("storage", "filesystem_folder"), "collection-root")
    jobs = []
    for path in a.collections:
        d = os.path.join(root, path.strip("/"))
        hrefs = sorted(n for n in os.listdir(d) if not n.startswith(".") and os.path.isfile(os.path.join(d, n)))
        chunk = 100
        jobs += [(cfg, path, hrefs[i:i + chunk]) for i in range(0, len(hrefs), chunk)]
    with multiprocessing.get_context("fork").Pool(a.workers) as pool:
        n = sum(pool.imap_unordered(build, jobs))
    print(n)


if __name__ == "__main__":
    sys.exit(main())
