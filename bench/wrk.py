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
    the request counter and ``{code}`` a code from ``codes``."""

    method: str
    paths: tuple[str, ...]
    body: str | None = None
    codes: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)


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
    lines.append("local n = 0")
    lines.append("request = function()")
    lines.append("  n = n + 1")
    lines.append("  local path = paths[(n % #paths) + 1]")
    if req.body is None:
        lines.append("  return wrk.format(nil, path)")
    else:
        # Split the template on {n}/{code} so no Lua pattern escaping is needed.
        parts = re.split(r"(\{n\}|\{code\})", req.body)
        expr = []
        for part in parts:
            if part == "{n}":
                expr.append("tostring(n)")
            elif part == "{code}":
                expr.append("codes[(n % #codes) + 1]")
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
