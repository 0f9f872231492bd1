"""Build concept graphs with pyvis and turn them into self-contained, offline, escaped HTML.

pyvis' template does not autoescape and loads Bootstrap from a CDN; this module hands pyvis only
plain-text strings (titles with `href` neutralised, empty heading), strips every remote
`<link>`/`<script>`, adds a Content-Security-Policy that forbids any network request, and
injects a small script that (a) stops the physics once the layout has settled and (b) posts
node clicks to the parent page with `postMessage` (see explorer/components/graph_click.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader
from pyvis.network import Network

# one colour per relation type (edges and legend), colour-blind friendly (Okabe-Ito)
RELATION_COLOURS = {
    "mitigates": "#009E73",
    "causes": "#D55E00",
    "partOf": "#0072B2",
    "variantOf": "#CC79A7",
    "requires": "#E69F00",
}
CATEGORY_PALETTE = (
    "#8DD3C7",
    "#FFFFB3",
    "#BEBADA",
    "#A6CEE3",
    "#80B1D3",
    "#FDB462",
    "#B3DE69",
    "#FCCDE5",
    "#D9D9D9",
    "#BC80BD",
    "#CCEBC5",
    "#FFED6F",
)
NO_CATEGORY = "#E0E0E0"
FOCUS_BORDER = "#222222"
MISSING_COLOUR = "#FF4B4B"

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:"
)

_REMOTE = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>"
    r"|<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>",
    re.I | re.S,
)
_HREF = re.compile(r"href", re.I)

BRIDGE_JS = """
<script>
(function () {
  function stop() { try { network.setOptions({physics: {enabled: false}}); } catch (e) {} }
  if (typeof network === "undefined" || !network) { return; }
  network.once("stabilizationIterationsDone", stop);
  network.once("stabilized", stop);
  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) {
      window.parent.postMessage({type: "dlkg-node-click", id: String(params.nodes[0])}, "*");
    }
  });
  window.dlkgNetwork = network;
})();
</script>
"""


def plain(text: str) -> str:
    """Text for a vis.js title (shown with innerText by vis-network 9, JSON-escaped by `tojson`).

    `href` is broken with a zero-width space so pyvis never switches to its innerHTML popup.
    """
    return _HREF.sub(lambda m: m.group(0)[:2] + "\u200b" + m.group(0)[2:], text)


def canvas_text(text: str) -> str:
    """Text for a node/edge label (drawn on the canvas, JSON-escaped by the template's tojson)."""
    return " ".join(text.split())[:60]


def category_colour(category: str | None) -> str:
    """A stable pastel colour per category IRI."""
    if not category:
        return NO_CATEGORY
    digest = hashlib.sha1(category.encode("utf-8")).digest()
    return CATEGORY_PALETTE[digest[0] % len(CATEGORY_PALETTE)]


@dataclass
class Node:
    id: str
    label: str
    title: str
    category: str | None = None
    focus: bool = False
    missing: bool = False
    level: int | None = None


@dataclass
class Link:
    source: str
    target: str
    relation: str
    label: str
    title: str = ""
    dashes: bool = False


@dataclass
class GraphSpec:
    nodes: list[Node] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    height: int = 560
    hierarchical: bool = False


def options(spec: GraphSpec) -> dict[str, object]:
    """vis.js options: arrows, physics that settles (then the bridge stops it), hover tooltips."""
    opts: dict[str, object] = {
        "nodes": {
            "shape": "dot",
            "size": 16,
            "font": {"size": 15, "face": "Noto Sans CJK SC, sans-serif"},
            "borderWidth": 1,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "smooth": {"type": "continuous"},
            "font": {"size": 11, "align": "middle", "strokeWidth": 3},
            "width": 1.6,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "springLength": 120,
                "avoidOverlap": 0.4,
            },
            "stabilization": {"enabled": True, "iterations": 300, "fit": True},
            "minVelocity": 1.0,
        },
    }
    if spec.hierarchical:
        opts["layout"] = {
            "hierarchical": {
                "enabled": True,
                "direction": "LR",
                "sortMethod": "directed",
                "levelSeparation": 170,
                "nodeSpacing": 90,
            }
        }
        opts["physics"] = {"enabled": False}
    return opts


@lru_cache(maxsize=4)
def _template_env(template_dir: str) -> Environment:
    """pyvis builds a Jinja environment per Network and so compiles its template on every render."""
    return Environment(loader=FileSystemLoader(template_dir))


def build_network(spec: GraphSpec) -> Network:
    """The pyvis network for a spec (every string already made safe)."""
    net = Network(
        height=f"{spec.height}px",
        width="100%",
        directed=True,
        heading="",
        cdn_resources="in_line",
        bgcolor="#ffffff",
    )
    net.templateEnv = _template_env(net.template_dir)  # one compiled template, not one per render
    for n in spec.nodes:
        colour = MISSING_COLOUR if n.missing else category_colour(n.category)
        extra: dict[str, object] = {}
        if n.level is not None:
            extra["level"] = n.level
        net.add_node(
            n.id,
            label=canvas_text(n.label),
            title=plain(n.title),
            color={
                "background": colour,
                "border": FOCUS_BORDER if n.focus else "#666666",
                "highlight": {"background": colour, "border": FOCUS_BORDER},
            },
            size=26 if n.focus else 16,
            borderWidth=4 if n.focus else 1,
            font={"size": 18 if n.focus else 15, "bold": n.focus},
            **extra,
        )
    known = {n.id for n in spec.nodes}
    for link in spec.links:
        if link.source in known and link.target in known:
            net.add_edge(
                link.source,
                link.target,
                label=canvas_text(link.label),
                title=plain(link.title or link.label),
                color=RELATION_COLOURS.get(link.relation, "#888888"),
                dashes=link.dashes,
            )
    net.set_options(json.dumps(options(spec)))
    return net


def safe_html(net: Network) -> str:
    """pyvis' HTML without remote resources, under a no-network CSP, with the click bridge."""
    page = net.generate_html()
    page = _REMOTE.sub("", page)
    page = page.replace(
        '<meta charset="utf-8">',
        f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        1,
    )
    page = re.sub(r"<center>\s*<h1>.*?</h1>\s*</center>", "", page, flags=re.S)
    style = "<style>body{margin:0} #mynetwork{border:0 !important} .card{border:0}</style>"
    page = page.replace("</head>", style + "</head>", 1)
    return page.replace("</body>", BRIDGE_JS + "</body>", 1)


def render(spec: GraphSpec) -> str:
    """The self-contained HTML of a graph spec."""
    return safe_html(build_network(spec))


def remote_urls(page: str) -> list[str]:
    """Every http(s) URL the page would load through src/href attributes (should be none)."""
    return re.findall(r"(?:src|href)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", page, re.I)


def legend_items(relations: Iterable[str]) -> list[tuple[str, str]]:
    """(relation, colour) for each shown relation type."""
    return [(r, RELATION_COLOURS[r]) for r in relations if r in RELATION_COLOURS]


def category_items(categories: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(category label, colour) for (iri, label) pairs, deduplicated."""
    seen: dict[str, str] = {}
    for iri, name in categories:
        seen.setdefault(name, category_colour(iri))
    return sorted(seen.items())
