"""The state diagram of a workflow as SVG, drawn on the server from the same definition the
engine runs.

Server-side SVG needs no JavaScript, passes the Content-Security-Policy (presentation
attributes only, no style elements), and can be embedded in PDFs later. The layout is a
small layered drawing: states in rows by their longest distance from the initial state (top to bottom), forward
transitions as curves downwards, transitions back as arcs on the right. The current
state is marked by a heavy border and the words "current state" — not by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from sw_gremien.workflow.definitions import Workflow

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
CHAR_WIDTH = 7.2       # px per character at 13px, generous so labels never overflow
NODE_HEIGHT = 34
CURRENT_EXTRA = 16     # room for the "current state" line
H_GAP = 44
V_GAP = 62
MARGIN = 24
COLOURS = {
    "node": "#ffffff", "border": "#495057", "text": "#212529",
    "current": "#0b5394", "current_text": "#ffffff", "edge": "#6c757d", "label": "#343a40",
}


@dataclass
class _Node:
    id: str
    label: str
    width: float
    height: float
    layer: int = 0
    x: float = 0
    y: float = 0


def _layers(workflow: Workflow) -> dict[str, int]:
    """Longest-path layering over the graph without its back edges."""
    order = list(workflow.states)
    successors = {s: [] for s in order}
    for t in workflow.transitions:
        for source in t.sources:
            if t.dest not in successors[source]:
                successors[source].append(t.dest)
    back_edges: set[tuple[str, str]] = set()
    visiting, done = set(), set()

    def visit(state):
        visiting.add(state)
        for nxt in successors[state]:
            if nxt in visiting:
                back_edges.add((state, nxt))
            elif nxt not in done:
                visit(nxt)
        visiting.discard(state)
        done.add(state)

    visit(workflow.initial)
    layer = {workflow.initial: 0}
    changed = True
    while changed:  # a few passes over a DAG of a dozen states
        changed = False
        for state in order:
            if state not in layer:
                continue
            for nxt in successors[state]:
                if (state, nxt) in back_edges or nxt == state:
                    continue
                if layer.get(nxt, -1) < layer[state] + 1:
                    layer[nxt] = layer[state] + 1
                    changed = True
    for state in order:
        layer.setdefault(state, 0)
    return layer


def render_svg(workflow: Workflow, locale: str, current: str | None = None,
               current_text: str = "current state", title: str | None = None) -> str:
    layer_of = _layers(workflow)
    nodes: dict[str, _Node] = {}
    for state in workflow.states.values():
        label = state.label.for_locale(locale)
        width = max(100.0, len(label) * CHAR_WIDTH + 30)
        height = NODE_HEIGHT + (CURRENT_EXTRA if state.id == current else 0)
        if state.id == current:
            width = max(width, len(current_text) * CHAR_WIDTH * 0.85 + 30)
        nodes[state.id] = _Node(state.id, label, width, height, layer_of[state.id])

    rows: dict[int, list[_Node]] = {}
    for node in nodes.values():
        rows.setdefault(node.layer, []).append(node)
    # One barycentre pass: order each row by the mean position of its predecessors.
    position = {n.id: i for row in rows.values() for i, n in enumerate(row)}
    for layer in sorted(rows)[1:]:
        def barycentre(node, layer=layer):
            preds = [position[s] for t in workflow.transitions if t.dest == node.id
                     for s in t.sources if nodes[s].layer < layer]
            return sum(preds) / len(preds) if preds else position[node.id]
        rows[layer].sort(key=barycentre)
        for i, n in enumerate(rows[layer]):
            position[n.id] = i

    row_widths = {layer: sum(n.width for n in row) + H_GAP * (len(row) - 1) for layer, row in rows.items()}
    widest = max(row_widths.values())
    # Transitions back (to an earlier or the same row) run as arcs right of the drawing.
    back_pairs = []
    pairs: dict[tuple[str, str], list] = {}
    for t in workflow.transitions:
        for source in t.sources:
            pairs.setdefault((source, t.dest), []).append(t)
    for (source, dest) in pairs:
        if nodes[dest].layer <= nodes[source].layer:
            back_pairs.append((source, dest))
    # Forward transitions that skip rows run in lanes left of the drawing, so that they never
    # cross a state; transitions back run in lanes on the right.
    long_pairs = [(src, dst) for (src, dst) in pairs
                  if (src, dst) not in back_pairs and nodes[dst].layer - nodes[src].layer > 1]

    def label_of(transitions, labelled):
        shown = [t.label.for_locale(locale) for t in transitions
                 if len(t.sources) < 3 or t.trigger not in labelled]
        labelled.update(t.trigger for t in transitions)
        return " / ".join(shown)

    probe: set[str] = set()
    long_labels = {pair: label_of(pairs[pair], probe) for pair in pairs}
    left_room = max([len(long_labels[p]) * 6.2 + 30 + 18 * i for i, p in enumerate(long_pairs)] or [0])
    y = MARGIN + 22  # room for the start marker
    for layer in sorted(rows):
        row = rows[layer]
        x = MARGIN + left_room + (widest - row_widths[layer]) / 2
        height = max(n.height for n in row)
        for node in row:
            node.x, node.y = x, y + (height - node.height) / 2
            x += node.width + H_GAP
        y += height + V_GAP
    total_height = y - V_GAP + MARGIN
    arc_room = 0.0

    edges_svg = []
    labelled: set[str] = set()
    for (source, dest), transitions in pairs.items():
        a, b = nodes[source], nodes[dest]
        tooltip = escape(" / ".join(t.label.for_locale(locale) for t in transitions))
        text = escape(label_of(transitions, labelled))
        if (source, dest) in back_pairs:
            offset = 30 + 16 * back_pairs.index((source, dest))
            right = max(a.x + a.width, b.x + b.width) + offset
            x1, y1 = a.x + a.width, a.y + a.height / 2
            x2, y2 = b.x + b.width, b.y + b.height / 2 + 6
            path = f"M{x1:.1f},{y1:.1f} C{right:.1f},{y1:.1f} {right:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            lx, ly, anchor = right - offset * 0.2 + 4, (y1 + y2) / 2 + 4, "start"
        elif (source, dest) in long_pairs:
            # Down out of the source, along a lane left of everything in between, then into
            # the target from above: the route passes no state.
            k = long_pairs.index((source, dest))
            between = [n for n in nodes.values() if a.layer <= n.layer <= b.layer]
            lane = min(n.x for n in between) - 22 - 18 * k
            x1, y1 = a.x + a.width / 2 - 10, a.y + a.height
            x2, y2 = b.x + b.width / 2 - 10, b.y
            top, bottom = y1 + 12 + 4 * (k % 4), y2 - 14 - 4 * (k % 4)
            r = 8
            path = (f"M{x1:.1f},{y1:.1f} L{x1:.1f},{top - r:.1f} Q{x1:.1f},{top:.1f} {x1 - r:.1f},{top:.1f} "
                    f"L{lane + r:.1f},{top:.1f} Q{lane:.1f},{top:.1f} {lane:.1f},{top + r:.1f} "
                    f"L{lane:.1f},{bottom - r:.1f} Q{lane:.1f},{bottom:.1f} {lane + r:.1f},{bottom:.1f} "
                    f"L{x2 - r:.1f},{bottom:.1f} Q{x2:.1f},{bottom:.1f} {x2:.1f},{bottom + r:.1f} "
                    f"L{x2:.1f},{y2:.1f}")
            lx, ly, anchor = lane - 6, top + (bottom - top) * (0.35 + 0.2 * (k % 3)), "end"
        else:
            x1, y1 = a.x + a.width / 2, a.y + a.height
            x2, y2 = b.x + b.width / 2, b.y
            dy = (y2 - y1) / 2
            path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + dy:.1f} {x2:.1f},{y2 - dy:.1f} {x2:.1f},{y2:.1f}"
            # Labels near the target end, where the fanned-out edges are apart.
            lx, ly, anchor = x1 + (x2 - x1) * 0.72 + 6, y1 + (y2 - y1) * 0.62, "start"
        edges_svg.append(
            f'<g><title>{tooltip}</title><path d="{path}" fill="none" stroke="{COLOURS["edge"]}" '
            f'stroke-width="1.4" marker-end="url(#wf-arrow-{workflow.name})"/>'
            + (f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="11" '
               f'fill="{COLOURS["label"]}" stroke="#ffffff" stroke-width="3" paint-order="stroke">{text}</text>'
               if text else "")
            + "</g>"
        )
        if anchor == "start":
            arc_room = max(arc_room, lx + len(text) * 6.2 + 12)

    nodes_svg = []
    for node in nodes.values():
        state = workflow.states[node.id]
        is_current = node.id == current
        fill = COLOURS["current"] if is_current else COLOURS["node"]
        colour = COLOURS["current_text"] if is_current else COLOURS["text"]
        parts = [
            f'<g data-state="{escape(node.id)}">',
            f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{node.width:.1f}" height="{node.height:.1f}" '
            f'rx="9" fill="{fill}" stroke="{COLOURS["current"] if is_current else COLOURS["border"]}" '
            f'stroke-width="{3 if is_current else 1.3}"/>',
        ]
        if state.final:  # a double border marks an end state
            parts.append(
                f'<rect x="{node.x + 3:.1f}" y="{node.y + 3:.1f}" width="{node.width - 6:.1f}" '
                f'height="{node.height - 6:.1f}" rx="7" fill="none" stroke="{colour}" stroke-width="0.9"/>'
            )
        parts.append(
            f'<text x="{node.x + node.width / 2:.1f}" y="{node.y + 21:.1f}" text-anchor="middle" '
            f'font-size="13" font-weight="{700 if is_current else 500}" fill="{colour}">{escape(node.label)}</text>'
        )
        if is_current:
            parts.append(
                f'<text x="{node.x + node.width / 2:.1f}" y="{node.y + 39:.1f}" text-anchor="middle" '
                f'font-size="11" fill="{colour}">({escape(current_text)})</text>'
            )
        parts.append("</g>")
        nodes_svg.append("".join(parts))

    start = nodes[workflow.initial]
    sx = start.x + start.width / 2
    start_svg = (
        f'<circle cx="{sx:.1f}" cy="{MARGIN:.1f}" r="6" fill="{COLOURS["text"]}"/>'
        f'<path d="M{sx:.1f},{MARGIN + 6:.1f} L{sx:.1f},{start.y:.1f}" stroke="{COLOURS["edge"]}" '
        f'stroke-width="1.4" marker-end="url(#wf-arrow-{workflow.name})"/>'
    )
    total_width = max(MARGIN * 2 + left_room + widest, arc_room + MARGIN)
    title_text = escape(title or workflow.title.for_locale(locale))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="wf-title-{workflow.name}" '
        f'viewBox="0 0 {total_width:.0f} {total_height:.0f}" width="{total_width:.0f}" '
        f'height="{total_height:.0f}" font-family="{FONT}" class="workflow-diagram">'
        f'<title id="wf-title-{workflow.name}">{title_text}</title>'
        f'<defs><marker id="wf-arrow-{workflow.name}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{COLOURS["edge"]}"/></marker></defs>'
        + start_svg + "".join(edges_svg) + "".join(nodes_svg) + "</svg>"
    )


def render_mermaid(workflow: Workflow, locale: str) -> str:
    """The same diagram as mermaid text, for documents and reviews outside the app."""
    lines = ["stateDiagram-v2", f"    [*] --> {workflow.initial}"]
    for state in workflow.states.values():
        lines.append(f"    {state.id}: {state.label.for_locale(locale)}")
    for t in workflow.transitions:
        for source in t.sources:
            lines.append(f"    {source} --> {t.dest}: {t.label.for_locale(locale)}")
    for state in workflow.states.values():
        if state.final:
            lines.append(f"    {state.id} --> [*]")
    return "\n".join(lines) + "\n"
