"""Drive a server with wrk: a generated Lua script per scenario, parsed ``--latency`` output."""

from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

WRK = "/usr/bin/wrk"


@dataclass(frozen=True)
class Request:
    """What every request of a scenario looks like: paths cycle; ``{n}`` in ``body`` becomes
    the request counter, ``{code}`` a code from ``codes`` and ``{id}`` an id from ``ids``
    (both cycling)."""

    method: str
    paths: tuple[str, ...]
    body: str | None = None
    codes: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    ids: tuple[str, ...] = ()

    def first(self) -> tuple[str, str | None]:
        """Path and body of one request of the scenario (first path, code and id; ``{n}`` is
        0), for the probe and the comparison of answers."""
        body = self.body
        if body is not None:
            for mark, values in (("{code}", self.codes), ("{id}", self.ids)):
                body = body.replace(mark, values[0] if values else "")
            body = body.replace("{n}", "0")
        return self.paths[0], body


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    # Requests written, answered or not: those still in flight when wrk stops are served
    # after it (their CPU is in the server's), so CPU per request divides by this.
    sent: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _lua_str(value: str) -> str:
    return "[==[" + value + "]==]"


def lua_script(req: Request) -> str:
    lines = [f'wrk.method = "{req.method}"']
    for name, value in req.headers.items():
        lines.append(f"wrk.headers[ {_lua_str(name)} ] = {_lua_str(value)}")
    lines.append("local paths = {" + ",".join(_lua_str(p) for p in req.paths) + "}")
    lines.append("local codes = {" + ",".join(_lua_str(c) for c in req.codes) + "}")
    lines.append("local ids = {" + ",".join(_lua_str(i) for i in req.ids) + "}")
    # ``n`` is global so that done() can read each thread's count of requests sent.
    lines.append("n = 0")
    lines.append("local threads = {}")
    lines.append("setup = function(thread) table.insert(threads, thread) end")
    lines.append("done = function(summary, latency, requests)")
    lines.append("  local sent = 0")
    lines.append('  for _, t in ipairs(threads) do sent = sent + t:get("n") end')
    lines.append('  io.write("Requests sent: " .. sent .. "\\n")')
    lines.append("end")
    lines.append("request = function()")
    lines.append("  n = n + 1")
    lines.append("  local path = paths[(n % #paths) + 1]")
    if req.body is None:
        lines.append("  return wrk.format(nil, path)")
    else:
        # Split the template on {n}/{code}/{id} so no Lua pattern escaping is needed.
        parts = re.split(r"(\{n\}|\{code\}|\{id\})", req.body)
        expr = []
        for part in parts:
            if part == "{n}":
                expr.append("tostring(n)")
            elif part == "{code}":
                expr.append("codes[(n % #codes) + 1]")
            elif part == "{id}":
                expr.append("ids[(n % #ids) + 1]")
            elif part:
                expr.append(_lua_str(part))
        lines.append("  local body = " + " .. ".join(expr))
        lines.append("  return wrk.format(nil, path, nil, body)")
    lines.append("end")
    return "\n".join(lines) + "\n"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unparsed latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if not rps or not total:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sent = re.search(r"^Requests sent: (\d+)", output, re.MULTILINE)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=_ms(pct["50"]),
        p90_ms=_ms(pct["90"]),
        p99_ms=_ms(pct["99"]),
        non_2xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=sum(int(x) for x in sock.groups()) if sock else 0,
        sent=int(sent.group(1)) if sent else int(total.group(1)),
    )


def run(
    base_url: str,
    req: Request,
    *,
    duration: float,
    concurrency: int,
    threads: int,
    workdir: Path,
    name: str,
) -> WrkResult:
    script = workdir / f"{name}.lua"
    script.write_text(lua_script(req))
    argv = [
        WRK,
        f"-t{min(threads, concurrency)}",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        base_url,
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    return parse(out.stdout)
