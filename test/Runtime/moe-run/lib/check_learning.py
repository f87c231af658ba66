#!/usr/bin/python3
"""Checks from a moe-run report that the cost model learns pim-sim's times.

    check_learning.py REPORT.json

Each layer record holds the PIM time of a 1-token expert the cost model
used for that step's placement ("pim_model"). Before any PIM run it is the
roofline's; once pim-sim has run experts of the layer it must come from
their simulated times, and differ from the roofline's. Prints one line per
step of layer 0; exits 1 when the model did not learn.
"""

import json
import sys


def main(path):
    with open(path) as f:
        report = json.load(f)
    records = [r for r in report["layers"] if r["layer"] == 0]
    ok = len(records) >= 2
    first = None
    for r in records:
        model = r["pim_model"]
        learned = model["source"] == "pim-sim"
        print("step %d: PIM time of a 1-token expert %.4g us (%s)"
              % (r["step"], model["one_token_seconds"] * 1e6,
                 "learned from pim-sim" if learned else "roofline"))
        if first is None:
            first = model["one_token_seconds"]
            ok &= not learned
        else:
            ok &= learned and model["one_token_seconds"] != first
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
