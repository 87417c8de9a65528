"""Regenerate every plot and results table from the committed result files.

    python -m benchmarks.make_figures

Each `benchmarks/figures_<name>.py` module defines `make(results, plots_dir, tables_dir)`, where
`results` is the list of parsed `results/*.json` files (each with a "benchmark" name and a "stamp"
describing the machine). Plots (SVG, one per language where they carry text) go to
docs/assets/plots/; Markdown tables go to results/tables/ as <name>.zh.md and <name>.en.md, which the
pages embed with --8<--. Nothing here measures anything.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
PLOTS = ROOT / "docs" / "assets" / "plots"
TABLES = RESULTS / "tables"


def load_results() -> list[dict]:
    results = []
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["file"] = f"results/{path.name}"
        results.append(data)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.make_figures",
                                     description=__doc__.splitlines()[0])
    parser.parse_args(argv)  # no options: --help says what it does
    PLOTS.mkdir(parents=True, exist_ok=True)
    TABLES.mkdir(parents=True, exist_ok=True)
    results = load_results()
    for module_path in sorted(Path(__file__).parent.glob("figures_*.py")):
        module = importlib.import_module(f"benchmarks.{module_path.stem}")
        module.make(results, PLOTS, TABLES)
        print(f"{module_path.name}: done")


if __name__ == "__main__":
    main()
