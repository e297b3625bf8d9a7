"""Turn a results file into the tables of docs/benchmarks.md and the latency plot.

    python -m bench.report bench/var/results/latest-full.json

Only the part of docs/benchmarks.md between the ``results:start`` and ``results:end`` markers
is rewritten; the hand-written analysis around it stays.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import common

DOC = common.ROOT / "docs" / "benchmarks.md"
PLOT = common.ROOT / "docs" / "benchmarks-latency.png"
START, END = "<!-- results:start -->", "<!-- results:end -->"

LABELS = {
    "floor": "floor (no-op view, same middleware)",
    "day": "one-day availability, one therapist",
    "week": "seven-day availability, one request",
    "soonest": "soonest slot, all therapists, 14 days",
    "assessment": "assessment (POST)",
    "peer_day": "peer: one-day slots, one staff member",
    "peer_next": "peer: next available date, one staff member",
}
TARGETS = {"day": 0.50, "week": 0.35}


def _peer_ratio(scenario: str, results: dict, therapists: int) -> str:
    """How many times the peer's rate of answering the same question Unknot answers.

    The peer has no multi-day or any-therapist endpoint: a week is seven calls of its day
    endpoint, the soonest slot across N therapists is N calls of its next-available endpoint.
    """
    ours = results.get(scenario, {}).get("ok_per_s")
    if not ours:
        return "–"
    if scenario == "day" and results.get("peer_day", {}).get("ok_per_s"):
        return f"{ours / results['peer_day']['ok_per_s']:.2f}×"
    if scenario == "week" and results.get("peer_day", {}).get("ok_per_s"):
        return f"{ours / (results['peer_day']['ok_per_s'] / 7):.1f}× ¹"
    if scenario == "soonest" and results.get("peer_next", {}).get("ok_per_s"):
        return f"{ours / (results['peer_next']['ok_per_s'] / therapists):.1f}× ²"
    return "–"


def _errors(result: dict) -> str:
    bad = {k: v for k, v in result["statuses"].items() if not k.startswith("2")}
    bad.update(result.get("socket_errors", {}))
    return ", ".join(f"{v} × {k}" for k, v in sorted(bad.items())) or "0"


def run_table(run: dict) -> list[str]:
    results = run["results"]
    floor = results["floor"]["ok_per_s"] or 1
    lines = [
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | of floor | vs peer | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for key in ("floor", "day", "week", "soonest", "assessment", "peer_day", "peer_next"):
        if key not in results:
            continue
        r = results[key]
        share = f"{r['ok_per_s'] / floor:.1%}" if key != "floor" else "100%"
        lines.append(
            f"| {LABELS[key]} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {share} | {_peer_ratio(key, results, run['therapists'])} | "
            f"{_errors(r)} |"
        )
    return lines


def targets(record: dict) -> list[str]:
    lines = ["| target | measured | met |", "|---|---|---|"]
    for run in record["runs"]:
        results = run["results"]
        floor = results["floor"]["ok_per_s"] or 1
        where = f"{run['engine']}, {run['therapists']} therapists, {run['history']:,} past"
        for key, share in TARGETS.items():
            got = results[key]["ok_per_s"] / floor
            lines.append(
                f"| {LABELS[key]} ≥ {share:.0%} of floor ({where}) | {got:.1%} | "
                f"{'yes' if got >= share else '**no**'} |"
            )
        if run["therapists"] == max(r["therapists"] for r in record["runs"]):
            p95 = results["soonest"]["p95_ms"]
            lines.append(
                f"| soonest slot p95 < 30 ms ({where}) | {p95:.1f} ms | "
                f"{'yes' if p95 < 30 else '**no**'} |"
            )
    for engine, result in record.get("booking", {}).items():
        per_s = result["bookings_per_s"]
        goal = " ≥ 300/s" if engine == "postgres" else " (no target on SQLite)"
        met = ("yes" if per_s >= 300 else "**no**") if engine == "postgres" else "–"
        lines.append(f"| bookings on {engine}{goal} | {per_s:.0f}/s | {met} |")
    for engine, result in record.get("race", {}).items():
        lines.append(
            f"| race of {result['racers']} on {engine}: 1 winner, {result['racers'] - 1} clean "
            f"409s | {result['winners']} winner, {result['clean_409']} × 409 slot_taken"
            f"{', other: ' + ', '.join(result['other']) if result['other'] else ''} | "
            f"{'yes' if result['passed'] else '**no**'} |"
        )
    for engine in sorted({r["engine"] for r in record["runs"]}):
        runs = {r["history"]: r for r in record["runs"] if r["engine"] == engine}
        if len(runs) < 2 or 0 not in runs:
            continue
        deep = runs[max(runs)]
        none = next(
            r
            for r in record["runs"]
            if r["engine"] == engine and r["history"] == 0 and r["therapists"] == deep["therapists"]
        )
        for key in ("day", "week", "soonest"):
            before, after = none["results"][key]["p50_ms"], deep["results"][key]["p50_ms"]
            change = after / before - 1
            # One-sided: the target is that history does not slow an answer down; an answer
            # measured faster with history is machine noise, not a property of the history.
            lines.append(
                f"| {LABELS[key]}: p50 with {deep['history']:,} past bookings at most 10% above "
                f"none ({engine}) | {before:.1f} → {after:.1f} ms ({change:+.0%}) | "
                f"{'yes' if change <= 0.10 else '**no**'} |"
            )
    return lines


def plot(record: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    engines = sorted({r["engine"] for r in record["runs"]})
    fig, axes = plt.subplots(len(engines), 2, figsize=(11, 4.2 * len(engines)), squeeze=False)
    for row, engine in enumerate(engines):
        runs = [r for r in record["runs"] if r["engine"] == engine]
        sized = sorted((r for r in runs if r["history"] == 0), key=lambda r: r["therapists"])
        ax = axes[row][0]
        for key, style in (("day", "o-"), ("week", "s-"), ("soonest", "^-"), ("peer_day", "x--")):
            if all(key in r["results"] for r in sized):
                xs = [r["therapists"] for r in sized]
                ax.plot(xs, [r["results"][key]["p50_ms"] for r in sized], style, label=f"{key} p50")
                ax.plot(
                    xs,
                    [r["results"][key]["p95_ms"] for r in sized],
                    style,
                    alpha=0.35,
                    label=f"{key} p95",
                )
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks([r["therapists"] for r in sized], [str(r["therapists"]) for r in sized])
        ax.set_xlabel("therapists in the practice")
        ax.set_ylabel("latency, ms")
        ax.set_title(f"{engine}: latency against practice size (no history)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=2)
        ax = axes[row][1]
        largest = max(r["therapists"] for r in runs)
        pair = sorted((r for r in runs if r["therapists"] == largest), key=lambda r: r["history"])
        keys = [
            k
            for k in ("day", "week", "soonest", "peer_day", "peer_next")
            if all(k in r["results"] for r in pair)
        ]
        width = 0.8 / max(1, len(pair))
        for i, r in enumerate(pair):
            ax.bar(
                [k + i * width for k in range(len(keys))],
                [r["results"][k]["p50_ms"] for k in keys],
                width,
                label=f"{r['history']:,} past bookings",
            )
        ax.set_xticks([k + width * (len(pair) - 1) / 2 for k in range(len(keys))], keys)
        ax.set_ylabel("p50 latency, ms")
        ax.set_title(f"{engine}: latency against history ({largest} therapists)")
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def render(record: dict, source: Path) -> str:
    m = record["machine"]
    mode = record["mode_settings"]
    command = "bench/run --full" if record["mode"] == "full" else "bench/run --smoke"
    out = [
        START,
        f"_Generated by `bench/report.py` from `{source.relative_to(common.ROOT)}` "
        f"(mode **{record['mode']}**)._",
        "",
        f"- **Run:** {record['started']} → {record['finished']} (UTC); repeat with `{command}`.",
        f"- **Machine:** {m['nproc']} cores ({m['cpu']}), {m['memory']} memory, Linux "
        f"{m['kernel']}; commit `{m['commit']}`.",
        f"- **Versions:** Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}, {m['wrk']}; peer "
        f"django-appointment {m['django_appointment']} on Django {m['peer_django']}.",
        f"- **Load:** gunicorn, 2 sync workers per server, on 127.0.0.1; wrk with "
        f"{record['threads']} threads and {mode['connections']} connections, "
        f"{mode['warmup']} s warm-up then {mode['duration']} s per scenario "
        f"({mode['booking_duration']} s for bookings). Latency is wrk's, from request to "
        "response, queueing in the listen backlog included.",
        "",
    ]
    for run in record["runs"]:
        out += [
            f"#### {run['engine']}: {run['therapists']} therapists, "
            f"{run['history']:,} past bookings",
            "",
            *run_table(run),
            "",
        ]
    out += [
        "¹ The peer has no multi-day endpoint: a week costs its client seven calls of the "
        "one-day endpoint, so the ratio is against its one-day rate divided by 7.  ",
        "² The peer has no any-therapist endpoint: its client calls next-available once per "
        "staff member, so the ratio is against that rate divided by the number of therapists.",
        "",
    ]
    if record.get("booking"):
        out += [
            "#### Booking throughput (POST /api/v1/bookings, distinct free slots)",
            "",
            "| database | bookings/s | p50 ms | p95 ms | p99 ms | statuses |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for engine, r in record["booking"].items():
            out.append(
                f"| {engine} | {r['bookings_per_s']:.0f} | {r['p50_ms']:.1f} | "
                f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['statuses']} |"
            )
        out.append("")
    if record.get("race"):
        out += [
            "#### Race: 50 clients book one slot at the same instant",
            "",
            "| database | winners | clean 409 slot_taken | other | seconds |",
            "|---|---:|---:|---|---:|",
        ]
        for engine, r in record["race"].items():
            out.append(
                f"| {engine} | {r['winners']} | {r['clean_409']} | "
                f"{', '.join(r['other']) or '–'} | {r['seconds']} |"
            )
        out.append("")
    for engine, plan in record.get("explain", {}).items():
        out += [
            f"#### Query plan: one therapist's busy time over 7 days ({engine}, long history)",
            "",
            "```",
            plan,
            "```",
            "",
        ]
    out += [
        "#### Targets",
        "",
        *targets(record),
        "",
        f"![Latency against practice size and history]({PLOT.name})",
        "",
        "Generation times (s): "
        + "; ".join(
            f"{engine}: " + ", ".join(f"{k} {v}" for k, v in g.items())
            for engine, g in record.get("generation", {}).items()
        ),
        "",
        END,
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    source = Path(argv[0]) if argv else common.RESULTS / "latest-full.json"
    record = json.loads(source.read_text())
    block = render(record, source.resolve())
    plot(record, PLOT)
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)
    print(f"wrote {DOC} and {PLOT}")


if __name__ == "__main__":
    main()
