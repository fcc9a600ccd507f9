"""CPU time of the PostgreSQL processes that serve one server, around a measured run.

PostgreSQL runs each connection in its own backend process, so on PostgreSQL a server's own
CPU per request leaves the SQL work out; this adds it back. Which processes:

- the backends of the bench database that exist when the run starts and carry the server's
  ``application_name`` in ``pg_stat_activity`` (clientgate's engine names its connections
  ``clientgate``, the floor's pool ``clientgate-floor``);
- every backend of the bench database started during the run: the bench drives one server at
  a time and the idle one opens no connections (the floor's pool is fixed; clientgate's only
  grows under load), so they are the loaded server's. Checked at the end: those still alive
  must carry its ``application_name`` (``misattributed`` counts any that do not);
- parallel query workers whose leader is one of those backends.

Left out: the other server's idle connections, the monitor's own connection (to another
database), autovacuum, the checkpointer/WAL writer/background writer (shared by every
database on the machine, other engineers' test suites included), and other databases.

Backends come and go during a run (clientgate's pool closes its overflow connections when
they return to a full pool), so the postmaster's children are listed every ``interval``
(``/proc/<postmaster>/task/<postmaster>/children``) and each new one is classified by its
process title (``postgres: <cluster>: <user> <database> <host(port)> <state>``). CPU is time on
CPU in nanoseconds (``/proc/<pid>/schedstat``; ``/proc/<pid>/stat`` counts 10 ms ticks, too
coarse for a backend that lives a few milliseconds): from the start of the run (from zero for
a backend started later: its start-up serves the run too) to the end of the run, or to its
exit, read from the kernel's taskstats exit record (``bench.taskstats``). Where taskstats is
refused, an exited backend counts up to its last reading (every 4 intervals) and
``exit_accounting`` says so.

A backend that starts and exits between two listings cannot be classified; such exits are
reported apart (``unclassified_exits``, ``unclassified_exit_seconds``: the postmaster's
children of any database), not added.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.taskstats import ExitListener

MONITOR_NAME = "clientgate-bench-monitor"
_PARALLEL = re.compile(r"parallel worker for PID (\d+)")
# A client backend's title: "postgres: [cluster: ]user database host(port)|[local] state".
_BACKEND = re.compile(r"^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])")
_AUXILIARY = re.compile(
    r"^postgres: (?:\S+: )?(?:autovacuum|checkpointer|background writer|walwriter|logical "
    r"replication|archiver|startup|walreceiver|walsender|stats collector)"
)
READ_EVERY = 4  # polls between CPU readings of the live backends


def _cpu(pid: int) -> float:
    """Time on CPU of a single-threaded process, in seconds, to the nanosecond."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _children(pid: int) -> set[int]:
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def _title(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


@dataclass
class BackendCpu:
    seconds: float
    backends: int  # distinct processes counted
    started: int  # of which started during the run
    exited: int  # of which gone before its end
    parallel_workers: int
    misattributed: int  # started during the run, alive at the end, another application_name
    unclassified_exits: int
    unclassified_exit_seconds: float
    exit_accounting: str
    polls: int
    interval: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _State:
    base: dict[int, float] = field(default_factory=dict)
    last: dict[int, float] = field(default_factory=dict)
    ignored: set[int] = field(default_factory=set)
    pending: dict[int, int] = field(default_factory=dict)  # pid -> polls seen untitled
    gone: set[int] = field(default_factory=set)
    workers: set[int] = field(default_factory=set)
    polls: int = 0


class BackendSampler:
    """``with BackendSampler(...) as s: <run>``; then ``s.result``."""

    def __init__(
        self, dsn: str, database: str, application_name: str, interval: float = 0.005
    ) -> None:
        self.dsn = dsn
        self.database = database
        self.application_name = application_name
        self.interval = interval
        self._state = _State()
        self._postmaster = 0
        self._exits: ExitListener | None = None
        self._misattributed = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pg-backend-cpu", daemon=True)
        self.result: BackendCpu | None = None

    def __enter__(self) -> BackendSampler:
        self._thread.start()
        self._ready.wait(30)
        self._raise()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(60)
        self._raise()
        self.result = self._result()

    def _result(self) -> BackendCpu:
        st = self._state
        exits = self._exits.exits if self._exits is not None else {}
        end = {p: exits[p][1] if p in st.gone and p in exits else v for p, v in st.last.items()}
        unclassified = {
            p: cpu for p, (_, cpu) in exits.items() if p not in st.last and p not in st.ignored
        }
        if self._exits is None:
            accounting = "sampled: taskstats refused, exited backends count to their last reading"
        elif self._exits.lost:
            accounting = f"taskstats, {self._exits.lost} receive overflows (records lost)"
        else:
            accounting = "taskstats"
        return BackendCpu(
            seconds=round(sum(v - st.base.get(p, 0.0) for p, v in end.items()), 6),
            backends=len(st.last),
            started=len(set(st.last) - set(st.base)),
            exited=len(st.gone),
            parallel_workers=len(st.workers),
            misattributed=self._misattributed,
            unclassified_exits=len(unclassified),
            unclassified_exit_seconds=round(sum(unclassified.values()), 6),
            exit_accounting=accounting,
            polls=st.polls,
            interval=self.interval,
        )

    def _raise(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"backend CPU sampler failed: {self._error}") from self._error

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported by __enter__/__exit__
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.dsn, server_settings={"application_name": MONITOR_NAME})
        try:
            self._postmaster = _parent(await conn.fetchval("SELECT pg_backend_pid()"))
            exits = ExitListener(parent=self._postmaster)
            self._exits = exits if exits.start() else None
            await self._baseline(conn)
            self._ready.set()
            while not self._stop.is_set():
                await asyncio.sleep(self.interval)
                self._poll()
            self._poll(read=True)
            await self._check(conn)
        finally:
            if self._exits is not None:
                self._exits.close()
            await conn.close()

    async def _baseline(self, conn: Any) -> None:
        rows = await conn.fetch(
            "SELECT pid, application_name FROM pg_stat_activity WHERE datname = $1",
            self.database,
        )
        st = self._state
        ours = {r["pid"] for r in rows if r["application_name"] == self.application_name}
        st.ignored = _children(self._postmaster) - ours
        for pid in ours:
            st.base[pid] = st.last[pid] = _cpu(pid)

    def _classify(self, pid: int) -> str | None:
        """``backend`` or ``worker`` when it serves the loaded server, ``other`` when not,
        None when it has no title yet."""
        try:
            title = _title(pid)
        except (FileNotFoundError, ProcessLookupError):
            return "other"
        worker = _PARALLEL.search(title)
        if worker:
            return "worker" if int(worker.group(1)) in self._state.last else "other"
        backend = _BACKEND.match(title)
        if backend:
            return "backend" if backend.group(1) == self.database else "other"
        if _AUXILIARY.match(title):
            return "other"  # autovacuum, checkpointer, WAL writer, ...
        # Just forked (still the postmaster's command line) or being retitled (empty, torn).
        return None

    def _poll(self, *, read: bool = False) -> None:
        st = self._state
        st.polls += 1
        try:
            children = _children(self._postmaster)
        except FileNotFoundError:
            return
        for pid in children - st.ignored - set(st.last):
            kind = self._classify(pid)
            if kind is None and st.pending.get(pid, 0) < 50:
                st.pending[pid] = st.pending.get(pid, 0) + 1
                continue
            st.pending.pop(pid, None)
            if kind in (None, "other"):
                st.ignored.add(pid)
                continue
            st.last[pid] = 0.0
            if kind == "worker":
                st.workers.add(pid)
        st.gone |= set(st.last) - children
        if not read and st.polls % READ_EVERY:
            return
        for pid in set(st.last) - st.gone:
            try:
                st.last[pid] = _cpu(pid)
            except (FileNotFoundError, ProcessLookupError):
                st.gone.add(pid)

    async def _check(self, conn: Any) -> None:
        started = [p for p in self._state.last if p not in self._state.base]
        if not started:
            return
        rows = await conn.fetch(
            "SELECT pid, application_name FROM pg_stat_activity WHERE pid = ANY($1::int[])",
            started,
        )
        self._misattributed = sum(1 for r in rows if r["application_name"] != self.application_name)


def sampler_for(url: str, application_name: str) -> BackendSampler | None:
    """A sampler for the server on database ``url``; None on SQLite (it runs in process, so
    the server's own CPU already holds the SQL work)."""
    from sqlalchemy.engine import make_url

    from bench.db import PG_ADMIN_URL

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return None
    dsn = PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    return BackendSampler(dsn, str(parsed.database), application_name)
