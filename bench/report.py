"""Render a results file as the Markdown tables of docs/performance.md.

python -m bench.report [bench/results/<file>.json]   (default: the newest)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from bench.__main__ import RESULTS, verdicts

LABELS = {
    "graphql_list": "GraphQL nested list of 50 (vs floor REST list)",
    "rest_list": "REST list of 50, expand=[contacts,addresses,attributes,payment_type]",
    "get_one": "REST GET one client",
    "lookup": "REST lookup by code (`?code=`)",
    "post_client": "REST POST a client",
}


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def render(report: dict[str, Any]) -> str:
    s = report["settings"]
    m = report["machine"]
    out = [
        f"Run {report['started']}: {s['clients']:,} clients, wrk -t{s['threads']} "
        f"-c{s['concurrency']} -d{s['duration']:.0f}s after {s['warmup']:.0f} s warm-up; "
        f"{m['cpus']} CPUs, load average {m['loadavg_before'][0]:.1f} before / "
        f"{m['loadavg_after'][0]:.1f} after.",
        "",
    ]
    for res in report["results"]:
        out += [
            f"### {res['backend']}",
            "",
            "| scenario | clientgate req/s | p50 ms | p99 ms | floor req/s | floor p50 ms "
            "| ratio | CPU ms/req (cg / floor) | CPU ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, r in res.get("scenarios", {}).items():
            a, f = r["clientgate"], r["floor"]
            if "skipped" in a or "skipped" in f:
                why = a.get("skipped") or f.get("skipped")
                out.append(f"| {LABELS.get(name, name)} | skipped: {why} |")
                continue
            out.append(
                f"| {LABELS.get(name, name)} | {_fmt(a['rps'])} | {a['p50_ms']:.1f} "
                f"| {a['p99_ms']:.1f} | {_fmt(f['rps'])} | {f['p50_ms']:.1f} | {r['ratio']:.2f} "
                f"| {a.get('cpu_ms_per_request', 0):.2f} / {f.get('cpu_ms_per_request', 0):.2f} "
                f"| {r.get('cpu_ratio') or 0:.2f} |"
            )
        out.append("")
        eq = res.get("equivalence", {})
        out.append(
            f"Floor vs clientgate REST list response: {eq.get('verdict')} "
            f"({eq.get('clientgate_bytes')} vs {eq.get('floor_bytes')} bytes)."
        )
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
