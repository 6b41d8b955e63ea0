"""Scale benchmark (issue 20): the whole pipeline at 1.2M people (the whole ICS), 3 times that and,
by flag, more (`--persons 12000000`), each step's time and peak memory against the people.

Steps, each in a fresh process measured as a whole tree (the generator's workers included):
generate (the synthetic extracts, six years), land (landing with validation and the data-quality
summary), dbt_build (`build_warehouse`, the production path) and board_pack (the HTML pack read from
the published layer; PDFs off, Chromium's printing is not what grows with the people).

Baseline, in the same invocation: the 1.2M run. Targets: each step's time at N people at most
N/1.2M × 1.1 its baseline time (3.3 at 3×, 11 at 10×), and every step's peak memory at most 8 GB
at any size. Writes results/scale.json and results/scale.svg (time and memory against people),
and, not as targets, the slowest dbt nodes at each larger size with their growth against the
baseline (the models that grow faster than the people).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb

from benchmarks import svg_plot
from benchmarks.child import TreePeak, in_child
from benchmarks.dbt_build import land_and_summarise
from benchmarks.ingest import settings_for
from pipelines.config import Settings
from pipelines.report.board_pack import write_board_pack
from pipelines.synthetic.generate import DEFAULT_WORKERS, generate
from pipelines.warehouse.dbt import build_warehouse
from pipelines.warehouse.lock import reading

BASELINE_PERSONS = 1_200_000  # the whole ICS
BIGGER = 3  # the second size, always run: 3 × the baseline
PEAK_LIMIT_GB = 8.0  # every step at any size
TIME_SLACK = 1.1  # time may grow 10% faster than the people
STEPS = ("generate", "land", "dbt_build", "board_pack")
ALL_STEPS = "all steps"  # the sum of the steps' times, checked as a step is
SLOWEST_NODES = 15  # dbt nodes listed for each size after the baseline, with their growth
# Free disk the largest size needs, in GB per million people (each size's folder is removed before
# the next is made). At 12M the generate step's parts and extracts held at least 39 GiB (`df -h`
# every minute), and a run started with 47 GiB (50 GB) free ran out of disk in that step
# (docs/scaling.md, *Measured curve*): 4.5 GB per million asks for 54 GB at 12M, 16 GB at 3.6M.
DISK_GB_PER_MILLION = 4.5


class NotEnoughDisk(RuntimeError):
    """The folder the sizes are made in has too little free disk for the largest."""


def sizes(baseline: int = BASELINE_PERSONS, persons: int | None = None) -> list[int]:
    """The baseline first (the ratios' denominator), then 3× it, then ``persons`` if larger."""
    if baseline < 1:
        raise ValueError(f"baseline persons must be at least 1, not {baseline}")
    chosen = [baseline, BIGGER * baseline]
    return chosen + [persons] if persons and persons > chosen[-1] else chosen


def allowed_ratio(persons: int, baseline: int) -> float:
    return persons / baseline * TIME_SLACK


# --- the steps, each called in a child process -------------------------------------------------

def _measured(work: Callable[[], dict]) -> dict:
    """Seconds and peak memory (GB, the process and its workers) of ``work``, with its counts."""
    with TreePeak() as peak:
        start = time.perf_counter()
        counts = work()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_memory_gb": peak.gb, **counts}


def generate_step(settings: Settings, persons: int) -> dict:
    settings.export()
    return _measured(lambda: {"rows": sum(generate(settings.landing_dir, persons=persons)
                                          .rows.values())})


def land_step(settings: Settings) -> dict:
    settings.export()
    return _measured(lambda: {"rows": land_and_summarise(settings)})


def dbt_build_step(settings: Settings) -> dict:
    settings.export()  # dbt's profile reads the paths and DuckDB's resources from the environment

    def build() -> dict:
        nodes = build_warehouse(settings).nodes
        # every node's time, for the results' slowest nodes (slowest_nodes): the run's folder,
        # dbt's run_results.json with it, is removed, and a 12M build is too long to run again to
        # see which models grew
        return {"nodes": len(nodes), "node_seconds": {n.name: n.seconds for n in nodes}}
    return _measured(build)


def board_pack_step(settings: Settings) -> dict:
    settings.export()

    def pack() -> dict:
        with reading(settings, "report"):  # as `pophealth report` does
            return {"files": len(write_board_pack(settings))}
    return _measured(pack)


def scale_settings(work: Path) -> Settings:
    return replace(settings_for(work / "extracts", work / "data"), board_pack_pdf=False)


def measure(persons: int, workdir: Path | None) -> dict[str, dict]:
    """Every step at one size, in a folder removed afterwards (the 12M warehouse is ~16 GB)."""
    with tempfile.TemporaryDirectory(prefix=f"scale-{persons}-", dir=workdir) as tmp:
        settings = scale_settings(Path(tmp))
        steps = {"generate": in_child(generate_step, settings, persons)}
        steps["land"] = in_child(land_step, settings)
        shutil.rmtree(settings.landing_dir)  # landed: the extracts are not needed again
        steps["dbt_build"] = in_child(dbt_build_step, settings)
        steps["board_pack"] = in_child(board_pack_step, settings)
    return steps


# --- what the measurements say -------------------------------------------------------------------

def with_total(steps: dict[str, dict]) -> dict[str, float]:
    """Each step's seconds, and their sum."""
    seconds = {step: m["seconds"] for step, m in steps.items()}
    return {**seconds, ALL_STEPS: sum(seconds.values())}


def checks(measured: dict[int, dict[str, dict]], baseline: int) -> list[dict]:
    """Every target, checked: peak memory of each step at each size; time ratio of each step (and
    of all of them) at each size against the baseline."""
    found = []
    base_seconds = with_total(measured[baseline])
    for persons, steps in measured.items():
        for step, m in steps.items():
            found.append({"check": "peak_memory_gb", "step": step, "persons": persons,
                          "value": round(m["peak_memory_gb"], 2), "limit": PEAK_LIMIT_GB,
                          "meets_target": m["peak_memory_gb"] <= PEAK_LIMIT_GB})
        if persons == baseline:
            continue
        allowed = allowed_ratio(persons, baseline)
        for step, seconds in with_total(steps).items():
            ratio = seconds / base_seconds[step]
            found.append({"check": "time_ratio", "step": step, "persons": persons,
                          "value": round(ratio, 2), "limit": round(allowed, 2),
                          "meets_target": ratio <= allowed})
    return found


def slowest_nodes(measured: dict[int, dict[str, dict]], baseline: int,
                  top: int = SLOWEST_NODES) -> list[dict]:
    """At each size after the baseline, the dbt nodes that took longest (dbt's timings), each with
    its time at the baseline and the ratio: which models grow faster than the people. Not a
    target; none for a size whose build did not record its nodes' times."""
    base = measured[baseline].get("dbt_build", {}).get("node_seconds", {})
    found = []
    for persons, steps in measured.items():
        nodes = steps.get("dbt_build", {}).get("node_seconds", {})
        if persons == baseline or not nodes:
            continue
        for name, seconds in sorted(nodes.items(), key=lambda item: -item[1])[:top]:
            before = base.get(name)
            found.append({"persons": persons, "node": name, "seconds": seconds,
                          "baseline_seconds": before,
                          "ratio": round(seconds / before, 1) if before else None})
    return found


def total_memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)  # kB
    return float("nan")


def environment(settings: Settings) -> dict:
    return {"duckdb_version": duckdb.__version__, "duckdb_threads": settings.duckdb_threads,
            "duckdb_memory_limit": settings.duckdb_memory_limit, "dbt_threads": settings.dbt_threads,
            "generator_workers": DEFAULT_WORKERS, "cores": os.cpu_count(),
            "memory_gb": total_memory_gb()}


def summarise(measured: dict[int, dict[str, dict]], baseline: int, settings: Settings) -> dict:
    found = checks(measured, baseline)
    rounded = {p: {step: {k: round(v, 2) if isinstance(v, float) else v for k, v in m.items()
                          if k != "node_seconds"}
                   for step, m in steps.items()} for p, steps in measured.items()}
    return {
        "benchmark": "scale: generate, land, dbt build and board pack at growing populations",
        "baseline_persons": baseline,
        "environment": environment(settings),
        "board_pack": "HTML only: PDFs off (Settings(board_pack_pdf=False))",
        "sizes": [{"persons": p, "seconds": round(with_total(steps)[ALL_STEPS], 1), "steps": steps}
                  for p, steps in rounded.items()],
        "targets": {"peak_memory_gb": PEAK_LIMIT_GB,
                    "time_ratio": f"at most persons/baseline × {TIME_SLACK} (3.3 at 3×, 11 at 10×)"},
        "checks": found,
        "meets_targets": all(c["meets_target"] for c in found),
        # not targets: where the build's time goes at each size, against the baseline
        "slowest_dbt_nodes": slowest_nodes(measured, baseline),
    }


def people(n: float) -> str:
    """1200000 → 1.2M, 30000 → 30k."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:.3g}{suffix}"
    return f"{n:g}"


def table(result: dict) -> str:
    """The results as a short human table, then every missed target."""
    ratios = {(c["persons"], c["step"]): c for c in result["checks"] if c["check"] == "time_ratio"}
    lines = [f"{'people':>8}  {'step':<11} {'seconds':>9} {'peak GB':>8}  time ratio (allowed)"]
    for size in result["sizes"]:
        totals = {ALL_STEPS: {"seconds": size["seconds"]}}
        for step, m in {**size["steps"], **totals}.items():
            check = ratios.get((size["persons"], step))
            ratio = (f"{check['value']:.2f} (≤ {check['limit']:.2f})"
                     f"{'' if check['meets_target'] else '  MISSED'}") if check else ""
            peak = f"{m['peak_memory_gb']:8.2f}" if "peak_memory_gb" in m else " " * 8
            lines.append(f"{people(size['persons']):>8}  {step:<11} {m['seconds']:9.1f} {peak}  {ratio}")
    missed = [c for c in result["checks"] if not c["meets_target"]]
    lines += [f"MISSED: {c['step']} at {people(c['persons'])} people: {c['check']} {c['value']} "
              f"> {c['limit']}" for c in missed]
    baseline = people(result["baseline_persons"])
    for node in result.get("slowest_dbt_nodes", []):
        before = node["baseline_seconds"]
        growth = (f"not in the {baseline} build" if before is None else
                  f"{node['ratio']:g}× its {before:g} s at {baseline}" if node["ratio"] else
                  f"{before:g} s at {baseline}")
        lines.append(f"{people(node['persons']):>8}  dbt node {node['node']}: {node['seconds']:g} s "
                     f"({growth})")
    env = result["environment"]
    lines.append(f"DuckDB {env['duckdb_version']}, {env['duckdb_threads']} threads, memory limit "
                 f"{env['duckdb_memory_limit']}; dbt threads {env['dbt_threads']}; {env['cores']} "
                 f"cores, {env['memory_gb']} GB")
    lines.append(f"MISSED {len(missed)} of {len(result['checks'])} targets" if missed
                 else f"all {len(result['checks'])} targets met")
    return "\n".join(lines)


def plot(result: dict) -> str:
    """Seconds and peak memory against people, one line per step (SVG)."""
    measured = result["sizes"]
    ticks = [(s["persons"], people(s["persons"])) for s in measured]

    def series(key: str) -> dict[str, list[tuple[float, float]]]:
        return {step: [(s["persons"], s["steps"][step][key]) for s in measured] for step in STEPS}

    env = result["environment"]
    setup = (f"DuckDB {env['duckdb_version']}, {env['duckdb_threads']} threads, "
             f"{env['duckdb_memory_limit']} limit; {env['cores']} cores")
    return svg_plot.line_panels([
        svg_plot.Panel("Time per step", "people", "seconds", series("seconds"), ticks),
        svg_plot.Panel("Peak memory per step", "people", "peak memory (GB)",
                       series("peak_memory_gb"), ticks, limit=(PEAK_LIMIT_GB, f"{PEAK_LIMIT_GB:g} GB limit")),
    ], description=f"Pipeline steps' time and peak memory against people ({setup})")


def check_free_disk(largest: int, workdir: Path | None) -> None:
    """Refuse, before anything is made, a largest size that the disk would not hold: otherwise
    the run fails with `No space left on device` half an hour in."""
    where = Path(workdir or tempfile.gettempdir())
    needed_gb = DISK_GB_PER_MILLION * largest / 1e6
    free_gb = shutil.disk_usage(where).free / 1e9
    if free_gb < needed_gb:
        raise NotEnoughDisk(
            f"scale: {largest:,} people need about {needed_gb:.0f} GB of free disk in {where} "
            f"({DISK_GB_PER_MILLION:g} GB per million people); it has {free_gb:.0f} GB. Free some, "
            "or give --workdir a folder on a larger disk.")


def run(persons: int | None = None, baseline_persons: int = BASELINE_PERSONS,
        workdir: Path | None = None, plot_path: Path | None = None) -> dict:
    """Measure every size (the baseline first), print the table, write the plot; the results."""
    measured = {}
    to_measure = sizes(baseline_persons, persons)
    check_free_disk(max(to_measure), workdir)
    for size in to_measure:
        print(f"scale: {size:,} people", flush=True)
        measured[size] = measure(size, workdir)
    result = summarise(measured, baseline_persons, scale_settings(Path(workdir or ".")))
    print(table(result))
    if plot_path:
        plot_path.write_text(plot(result), encoding="utf-8")
    return result
