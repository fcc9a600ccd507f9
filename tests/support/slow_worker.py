"""``python -m tests.support.slow_worker DELAY_MS``: ``clientgate worker`` (one worker, settings
from the environment) that holds each claimed message DELAY_MS before applying it, so an
end-to-end test can kill it while it holds one. The pause is injected here, through the
worker's ``before_process`` hook: production settings have no such knob."""

from __future__ import annotations

import asyncio
import sys

from clientgate.container import build_services
from clientgate.settings import Settings
from clientgate.worker import run_workers
from core.partners.model import QueueMessage
from httpkit.logging import configure_logging


async def main(delay_seconds: float) -> None:
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_json)
    services = build_services(settings)

    async def hold(_: QueueMessage) -> None:
        await asyncio.sleep(delay_seconds)

    try:
        await run_workers(services, 1, before_process=hold)
    finally:
        await services.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) / 1000))
