"""Render a results file as the Markdown tables of docs/performance.md.

python -m bench.report [bench/results/<file>.json]   (default: the newest)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from bench.__main__ import RESULTS, verdicts
from bench.measure import spread, tail


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def _cpu(side: dict[str, Any]) -> str:
    total = side.get("cpu_ms_per_request", 0.0)
    server = side.get("server_cpu_ms_per_request", total)  # older results: server only
    return f"{total:.2f} ({server:.2f} + {side.get('db_cpu_ms_per_request', 0.0):.2f})"


def _row(name: str, r: dict[str, Any]) -> str:
    label = r.get("label", name)
    eq = r.get("equivalence", {}).get("verdict", "not compared (older results)")
    if "skipped" in r or "skipped" in r["clientgate"] or "skipped" in r["floor"]:
        why = r.get("skipped") or r["clientgate"].get("skipped") or r["floor"].get("skipped")
        return f"| {label} | {eq} | skipped: {why} |"
    a, f = r["clientgate"], r["floor"]
    return (
        f"| {label} | {eq} | {_fmt(a['rps'])} | {a['p50_ms']:.1f} | {a['p99_ms']:.1f} "
        f"| {_fmt(f['rps'])} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} "
        f"| {tail(r, 'clientgate')} / {tail(r, 'floor')} "
        f"| {r['ratio']:.2f} | {_cpu(a)} | {_cpu(f)} | {r['cpu_ratio']:.2f} | {spread(r) or '-'} |"
    )


def render(report: dict[str, Any]) -> str:
    s = report["settings"]
    m = report["machine"]
    out = [
        f"Run {report['started']}: {s['clients']:,} clients, {s.get('partners', 0):,} "
        f"partners, wrk -t{s['threads']} -c{s['concurrency']}, at least {s['duration']:g} s "
        f"per measured run (longer for slow scenarios) after {s['warmup']:g} s warm-up, "
        f"{s.get('rounds', 1)} round(s) per scenario (the median round's figures below); "
        f"{m['cpus']} CPUs, load average {m['loadavg_before'][0]:.1f} before / "
        f"{m['loadavg_after'][0]:.1f} after.",
        "",
    ]
    for res in report["results"]:
        out += [
            f"### {res['backend']}",
            "",
            "| scenario | answers | clientgate req/s | p50 ms | p99 ms | floor req/s "
            "| floor p50 ms | floor p99 ms | p99/p50 clientgate / floor | req/s ratio "
            "| CPU ms/req clientgate (server + db) | floor (server + db) | CPU ratio "
            "| CPU ratios of the rounds |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: | --- |",
        ]
        for name, r in res.get("scenarios", {}).items():
            out.append(_row(name, r))
        out.append("")
        dc = res.get("deep_cursor", {})
        if "ratio" in dc:
            out.append(
                f"Deep cursor (GraphQL `after` at depth {dc['depth']:,}, {dc['deep_page_items']} "
                f"items): p50 {dc['deep_ms_p50']:.1f} ms vs page 1 {dc['page1_ms_p50']:.1f} ms "
                f"(p99 {dc['deep_ms_p99']:.1f} vs {dc['page1_ms_p99']:.1f})."
            )
        lk = res.get("lookup_million")
        if lk:
            http = lk.get("http_c1", {})
            out.append(
                f"Lookup by code on {lk['clients']:,} clients, in-process over {lk['samples']:,} "
                f"random codes: `list_clients(code=)` p50 {lk['list_by_code_ms_p50']:.2f} ms, "
                f"p99 {lk['list_by_code_ms_p99']:.2f} ms; `get_by_code` p50 "
                f"{lk['get_by_code_ms_p50']:.2f} ms, p99 {lk['get_by_code_ms_p99']:.2f} ms"
                + (
                    f"; over HTTP (wrk c=1) p50 {http['p50_ms']:.1f} ms, "
                    f"p99 {http['p99_ms']:.1f} ms."
                    if "p50_ms" in http
                    else "."
                )
            )
        out.append(
            f"Server RSS: {res.get('rss_mb_idle')} MB idle, "
            f"{res.get('rss_mb_after')} MB after the run."
        )
        out += ["", "| target | measured | goal | verdict |", "| --- | ---: | --- | --- |"]
        for key, (value, goal, ok) in verdicts(res).items():
            out.append(f"| {key} | {value} | {goal} | {'met' if ok else '**missed**'} |")
        out.append("")
    return "\n".join(out)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else max(RESULTS.glob("clients-*.json"))
    print(render(orjson.loads(path.read_bytes())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
