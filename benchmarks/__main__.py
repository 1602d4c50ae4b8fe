"""Run journeybot's benchmarks and print their tables: `python -m benchmarks` (or `make bench`)."""

from __future__ import annotations

import argparse
import os
import platform
import time

from benchmarks import blind, latency, recommend_quality, second_library, slack_latency, stage_classifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedders", default="e5,minilm,use",
                        help="comma-separated embedders to compare (first one also runs the baselines)")
    parser.add_argument("--sizes", default="1000,10000", help="library sizes for the latency benchmark")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-classifier", action="store_true")
    parser.add_argument("--skip-second-library", action="store_true")
    parser.add_argument("--skip-blind", action="store_true")
    parser.add_argument("--skip-slack", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(f"# journeybot benchmarks — {time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")
    if not args.skip_classifier:
        print(f"## Stage classifier (held-out dev set, {stage_classifier.DEV_SET.name})\n")
        print(stage_classifier.table(*stage_classifier.run()))
        print()
    if not args.skip_quality:
        first, second = (len(recommend_quality.load_queries(p)) for p in (recommend_quality.QUERIES, recommend_quality.SECOND_QUERIES))
        print(f"## Recommendation quality ({first} labelled asks; second set {second}; sample library)\n")
        print(recommend_quality.table(recommend_quality.run(args.embedders.split(","))))
        print()
    if not args.skip_second_library:
        print("## Second library: another industry, asks written before journeybot saw it\n")
        print(second_library.table(second_library.run(args.embedders.split(",")[0])))
        print()
    if not args.skip_blind:
        print("## Blind sets: written by helpers who saw only the seed definitions\n")
        print(blind.table(blind.run()))
        embedder = args.embedders.split(",")[0]
        for blind_library in second_library.BLIND_LIBRARIES:
            print(f"### {blind_library.title}\n")
            print(second_library.table(second_library.run(embedder, blind_library.library, blind_library.queries,
                                                          blind_library.base)))
            print()
    if not args.skip_latency:
        print("## Warm recommend latency (default embedder, model load excluded)\n")
        print(latency.table(latency.run([int(s) for s in args.sizes.split(",")])))
        print()
    if not args.skip_slack:
        print("## /journey through `journeybot serve` (signed HTTP, local Slack stand-in)\n")
        print(slack_latency.table(slack_latency.run()))
        print()
        print("## A library change between two `journeybot serve` processes on one database\n")
        print(slack_latency.propagation_table(slack_latency.propagation()))


if __name__ == "__main__":
    main()
