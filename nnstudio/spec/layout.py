"""Where nodes go: auto-layout by topological depth and free-spot search. No Qt here.

Positions are the top-left corners of the nodes, in scene units, as stored in NodeSpec.pos.
"""

from __future__ import annotations

from nnstudio.spec.network import NetworkSpec

NODE_WIDTH = 220.0
NODE_HEIGHT = 52.0
ROW_STEP = 90.0  # vertical distance between layers; the presets use the same
COLUMN_GAP = 40.0  # horizontal space between nodes side by side
COLUMN_STEP = NODE_WIDTH + COLUMN_GAP

Pos = tuple[float, float]


def depths(spec: NetworkSpec) -> dict[str, int]:
    """Longest-path depth of every node from the sources; nodes on a cycle go below the rest."""
    order, cyclic = spec.topological_order()
    depth: dict[str, int] = {}
    known = {n.id for n in spec.nodes}
    for node_id in order:
        preds = [e.source for e in spec.inputs_of(node_id) if e.source in depth]
        depth[node_id] = max((depth[p] + 1 for p in preds), default=0)
    bottom = max(depth.values(), default=-1) + 1
    for node_id in cyclic:
        if node_id in known:
            depth[node_id] = bottom
    return depth


def auto_layout(spec: NetworkSpec, origin: Pos = (0.0, 0.0)) -> dict[str, Pos]:
    """Layered top-to-bottom layout: one row per depth, branches side by side, each node
    centred under the mean of its inputs when there is room. Returns {node id: top-left}."""
    depth = depths(spec)
    rows: dict[int, list[str]] = {}
    for node in spec.nodes:  # file order breaks ties, so the layout is stable
        rows.setdefault(depth[node.id], []).append(node.id)

    centre: dict[str, float] = {}
    rank: dict[str, float] = {}
    for level in sorted(rows):
        row = rows[level]
        desired: dict[str, float] = {}
        for node_id in row:
            preds = [e.source for e in spec.inputs_of(node_id) if e.source in centre]
            desired[node_id] = (sum(centre[p] for p in preds) / len(preds)) if preds else 0.0
            # Order by the inputs' order (barycenter), then by desired x.
            rank[node_id] = (sum(rank[p] for p in preds) / len(preds)) if preds else 0.0
        row.sort(key=lambda i: (rank[i], desired[i]))
        for i, node_id in enumerate(row):
            rank[node_id] = rank[node_id] * 1000 + i
        _place_row(row, desired, centre)

    x0, y0 = origin
    left = {node_id: c - NODE_WIDTH / 2 for node_id, c in centre.items()}
    shift = x0 - min(left.values(), default=0.0)
    return {node_id: (round(left[node_id] + shift, 2), y0 + depth[node_id] * ROW_STEP)
            for node_id in left}


def _place_row(row: list[str], desired: dict[str, float], centre: dict[str, float]) -> None:
    """Put the row's nodes as near their desired x as the minimum spacing allows."""
    if not row:
        return
    if len(row) > 1 and len({round(desired[i], 3) for i in row}) == 1:
        # Siblings of one parent: spread them evenly around it.
        mid = desired[row[0]]
        for i, node_id in enumerate(row):
            centre[node_id] = mid + (i - (len(row) - 1) / 2) * COLUMN_STEP
        return
    xs = [desired[i] for i in row]
    for i in range(1, len(xs)):
        xs[i] = max(xs[i], xs[i - 1] + COLUMN_STEP)
    # Pull the block back so it is centred on what the nodes wanted, not pushed right.
    drift = sum(x - desired[i] for x, i in zip(xs, row, strict=True)) / len(row)
    for x, node_id in zip(xs, row, strict=True):
        centre[node_id] = x - drift


def overlapping(positions: dict[str, Pos], margin: float = 4.0) -> bool:
    """True when any two nodes (at the nominal node size) overlap."""
    items = list(positions.values())
    for i, (ax, ay) in enumerate(items):
        for bx, by in items[i + 1:]:
            if abs(ax - bx) < NODE_WIDTH + margin and abs(ay - by) < NODE_HEIGHT + margin:
                return True
    return False


def needs_layout(spec: NetworkSpec) -> bool:
    """A network read from a file needs a layout when a node has no position or nodes overlap."""
    if any(n.pos is None for n in spec.nodes):
        return True
    return overlapping({n.id: n.pos for n in spec.nodes if n.pos is not None})


def free_spot(spec: NetworkSpec, wanted: Pos, ignore: set[str] | None = None) -> Pos:
    """``wanted`` if no node is there, else the nearest spot to its right that is free."""
    taken = {n.id: n.pos for n in spec.nodes
             if n.pos is not None and n.id not in (ignore or set())}
    x, y = wanted
    for _ in range(200):
        if not any(abs(x - px) < NODE_WIDTH + 4 and abs(y - py) < NODE_HEIGHT + 4
                   for px, py in taken.values()):
            return (x, y)
        x += COLUMN_STEP
    return (x, y)


def bounding_box(spec: NetworkSpec) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of all positioned nodes, or None when there are none."""
    placed = [n.pos for n in spec.nodes if n.pos is not None]
    if not placed:
        return None
    return (min(p[0] for p in placed), min(p[1] for p in placed),
            max(p[0] for p in placed) + NODE_WIDTH, max(p[1] for p in placed) + NODE_HEIGHT)
