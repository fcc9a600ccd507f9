"""GraphiQL without internet: the IDE's JavaScript and CSS come from ``node_modules``
(installed by ``make assets`` = ``npm ci`` from the committed package-lock.json) and are
served at ``/static/graphiql/<file>``. Without node_modules the page falls back to
Strawberry's own GraphiQL page, which loads the same libraries from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from strawberry.http.ides import get_graphql_ide_html

STATIC_PREFIX = "/static/graphiql"
NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"

# Public name -> file inside node_modules. Only these files are served.
ASSETS: dict[str, str] = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
    "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
}

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>clientgate GraphiQL</title>
    <link rel="icon" href="data:," />
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; display: flex; }
    </style>
    <link rel="stylesheet" href="__PREFIX__/graphiql.min.css" />
    <link rel="stylesheet" href="__PREFIX__/plugin-explorer.css" />
    <script src="__PREFIX__/react.production.min.js"></script>
    <script src="__PREFIX__/react-dom.production.min.js"></script>
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading...</div>
    <script src="__PREFIX__/graphiql.min.js"></script>
    <script src="__PREFIX__/plugin-explorer.umd.js"></script>
    <script>
      const EXAMPLE_QUERY = `# clientgate GraphQL. Authenticate in the Headers tab below, e.g.
#   {"Authorization": "Bearer <your API token>"}
# then run this query with Ctrl-Enter.
query FirstClients {
  clients(first: 10) {
    totalCount
    edges { node { id firstName lastName code email } }
    pageInfo { hasNextPage endCursor }
  }
}
`;
      // ?q=...&variables=...&headers=... prefill the editors (shareable links). Not
      // ?query=: a GET with `query` is a GraphQL request, not a page.
      const params = new URLSearchParams(window.location.search);
      // The headers (the token) survive a refresh of the tab: kept in sessionStorage, which
      // dies with the tab (never localStorage).
      const HEADERS_KEY = "clientgate:headers";
      if (params.get("headers")) {
        window.sessionStorage.setItem(HEADERS_KEY, params.get("headers"));
      }
      const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });

      function App() {
        const explorer = GraphiQLPluginExplorer.explorerPlugin();
        return React.createElement(GraphiQL, {
          fetcher: fetcher,
          defaultEditorToolsVisibility: true,
          plugins: [explorer],
          defaultQuery: EXAMPLE_QUERY,
          query: params.get("q") || undefined,
          variables: params.get("variables") || undefined,
          headers: window.sessionStorage.getItem(HEADERS_KEY) || undefined,
          onEditHeaders: (value) => window.sessionStorage.setItem(HEADERS_KEY, value),
          isHeadersEditorEnabled: true,
          // Editor state, headers (the token) included, lives in sessionStorage: it survives
          // a refresh of the tab and dies with it, never staying in localStorage.
          storage: window.sessionStorage,
          shouldPersistHeaders: true,
        });
      }
      ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
    </script>
  </body>
</html>
"""


def assets_available(node_modules: Path = NODE_MODULES) -> bool:
    return all((node_modules / rel).is_file() for rel in ASSETS.values())


def graphiql_html(node_modules: Path = NODE_MODULES) -> str:
    """The local page when the assets are installed, otherwise the CDN page."""
    if assets_available(node_modules):
        return _PAGE.replace("__PREFIX__", STATIC_PREFIX)
    return get_graphql_ide_html("graphiql")


def static_routes(node_modules: Path = NODE_MODULES) -> list[Route]:
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

    return [Route(STATIC_PREFIX + "/{name}", asset, methods=["GET", "HEAD"])]
