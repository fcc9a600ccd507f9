"""The API documentation page, offline: Swagger UI's JavaScript and CSS come from
``node_modules`` (``make assets`` = ``npm ci`` from the committed package-lock.json) and are
served at ``/static/swagger-ui/<file>``; the page at ``/docs`` renders ``/openapi.json``.
Without node_modules the page says how to install them (it never loads a CDN).
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

DOCS_PATH = "/docs"
STATIC_PREFIX = "/static/swagger-ui"
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"

# Public name -> file inside node_modules. Only these files are served.
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>clientgate REST API</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="__PREFIX__/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="__PREFIX__/swagger-ui-bundle.js"></script>
    <script>
      // ?url=/openapi/bsale.json shows one dialect's document instead of all of them.
      const params = new URLSearchParams(window.location.search);
      const wanted = params.get("url") || "";
      const url = /^\\/openapi(\\/[a-z_]+)?\\.json$/.test(wanted) ? wanted : "__DOCUMENT__";
      window.ui = SwaggerUIBundle({
        url: url,
        dom_id: "#swagger-ui",
        deepLinking: true,
        // No validator badge: it would call an outside service.
        validatorUrl: null,
      });
    </script>
  </body>
</html>
"""

_MISSING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>clientgate REST API</title></head>
<body><p>The documentation page needs Swagger UI's files: run <code>make assets</code>
(npm). The OpenAPI document itself is at <a href="__DOCUMENT__">__DOCUMENT__</a>.</p></body>
</html>
"""


def assets_available(node_modules: Path = NODE_MODULES) -> bool:
    return all((node_modules / rel).is_file() for rel in ASSETS.values())


def docs_html(document_url: str, node_modules: Path = NODE_MODULES) -> str:
    page = _PAGE if assets_available(node_modules) else _MISSING
    return page.replace("__PREFIX__", STATIC_PREFIX).replace("__DOCUMENT__", document_url)


def docs_routes(document_url: str, node_modules: Path = NODE_MODULES) -> list[Route]:
    """``GET /docs`` and Swagger UI's files."""
    page = docs_html(document_url, node_modules)

    async def docs(_: Request) -> Response:
        return HTMLResponse(page)

    async def asset(request: Request) -> Response:
        rel = ASSETS.get(request.path_params["name"])
        path = node_modules / rel if rel else None
        if path is None or not path.is_file():
            raise HTTPException(404)  # answered by the root, in the path's dialect
        media = "text/css" if path.suffix == ".css" else "text/javascript"
        # Versions are pinned by package-lock.json; a day of caching is safe.
        return FileResponse(
            path, media_type=media, headers={"Cache-Control": "public, max-age=86400"}
        )

    return [
        Route(DOCS_PATH, docs, methods=["GET"]),
        Route(STATIC_PREFIX + "/{name}", asset, methods=["GET", "HEAD"]),
    ]
