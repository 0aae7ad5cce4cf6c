"""Talking to Graphviz: the genogram as a DOT graph, running ``dot``, reading positions.

The graph models genogram structure the way experienced genogram tools do:

* one fixed-size box per person, as wide as the person's footprint (symbol or
  wrapped label, whichever is wider) so dot's ``nodesep`` keeps labels apart;
* one small invisible **union node** per couple, on the partners' rank, between
  them: ``{rank=same; a; u; b}`` with heavy flat edges ``a -> u -> b`` emitted in
  the chain's left-to-right order (first partner on the left), so partners are
  adjacent and their line is short;
* children hang from their union node (or from their single parent) with edges
  emitted in birth order on an ``ordering=out`` node, so siblings read left to
  right oldest first;
* secondary parent links (step, foster, adoptive beside biological...) only
  constrain ranks (weight 0), they do not pull positions;
* nodes are emitted in a deterministic traversal (founders by birth date/id, then
  descendants), which seeds dot's crossing minimisation identically for the same
  structure, so unrelated edits do not reshuffle the picture.

Households are *not* clusters by default; the layout post-process groups household
members instead (see :mod:`.engine`).  ``DotParams(household_clusters=True)`` puts
each household in a ``cluster`` subgraph; ``benchmarks/bench_dot_clusters.py``
compares the two on generated families (median of 5 seeds, 3 at 1,600 people,
after post-processing; without -> with clusters): dot time 9 -> 12 ms at 50 people,
25 -> 18 ms at 200, 93 -> 94 ms at 800, 327 -> 334 ms at 1,600; kinship crossings
17 -> 15, 36 -> 35, 260 -> 237, 445 -> 485; total partnership line length within
3 %; descent line length equal at 50 and 200 people, 11-12 % shorter at 800 and
1,600; split households 2 -> 2, 6 -> 7, 49 -> 51, 87 -> 100; page width within 2 %;
every geometric check passes either way.  So clusters neither slow dot down nor
lengthen partnership lines (an earlier note here claimed both without a
measurement); they shorten descent lines on large families but split more
households and, at 1,600 people, cross more.  No clear win: they stay off.

A graph in several connected pieces (families linked only by a household, people
with no recorded kin) is laid out **piece by piece** (:func:`build_dot_parts`,
:func:`pack_pieces`): dot ranks and orders each piece on its own anyway, but places
them all in one network-simplex problem that grows much faster than the graph.  Each
piece in turn (one dot process, the graphs one after another) gives the same
generations and left-to-right order of pieces, as good a layout (crossings, width:
``tests/test_layout_pieces.py``) and is far quicker -- on generated families dot took
28 -> 21 ms at 400 people and 300 -> 85 ms at 1,600.

dot is used for ranks, order and x only; y comes from the rank, flipped from
Graphviz's y-up in exactly one place (:func:`parse_positions`, and
:func:`parse_pieces` for the layout).

The layout reads ``dot -Tplain`` rather than ``-Tjson0``: dot writes it faster
(400 people: about 3 ms of dot's ~30 ms) and it parses in a fraction of the time
(0.35 vs ~2 ms at 400 people, 1.5 vs ~7 ms at 1,600).  Its coordinates are inches to
5 significant digits; dot's own coordinates lie on a half-point grid, so below 100
inches (7,200 pt) the value is snapped back exactly, and above that it is rounded
the way ``-Tjson0`` prints points (half points below 10,000 pt, whole points above,
where json0 is no more exact).  Measured on 150 generated families: every layout up
to 150 people is bit-identical to the json0 one; at 400 people x moves by at most
0.25 pt on seed 1 but up to 1 pt on others, at 800 by 0.5 pt, at 1,600 by 1 pt --
never visible; rows and left-to-right order are identical everywhere.  ``GENOMAP_DOT_FORMAT=json0``
switches back (see :data:`genomap.layout.engine.DOT_FORMAT`).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Optional

from genomap.errors import GraphvizMissing, UserFacingError
from genomap.layout.family import FamilyStructure, birth_key

DOT_TIMEOUT = 60.0  # seconds; a 1,600-person family takes about one


class GraphvizFailed(UserFacingError):
    """dot ran but did not produce a layout."""


def find_dot() -> str:
    """Path of the ``dot`` executable (``GENOMAP_DOT`` overrides); GraphvizMissing if absent."""
    override = os.environ.get("GENOMAP_DOT")
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        raise GraphvizMissing()
    path = shutil.which("dot")
    if not path:
        raise GraphvizMissing()
    return path


def person_node(pid: int) -> str:
    return f"p{pid}"


def union_node(key: tuple[int, int]) -> str:
    return f"u{key[0]}_{key[1]}"


def _inch(pt: float) -> str:
    return f"{pt / 72.0:.4f}"


_INCH: dict[float, str] = {}  # _inch memo for footprint widths (few distinct values recur)


@dataclass(frozen=True)
class DotParams:
    node_sep: float = 16.0  # points
    rank_sep: float = 40.0
    union_width: float = 8.0
    symbol: float = 40.0
    household_clusters: bool = False  # measured alternative, off by default
    mclimit: float = 1.0


def traversal_order(fs: FamilyStructure) -> list[int]:
    """People in a stable, natural order: founders' chains by birth, then descendants depth-first."""
    chains = fs.chains
    chain_of = fs.chain_index()
    has_parents = fs.child_group
    bk = fs.birth_keys()
    # a chain is a root when none of its members has parents
    roots = [i for i, ch in enumerate(chains) if not any(p in has_parents for p in ch)]
    roots.sort(key=lambda i: bk[chains[i][0]] if len(chains[i]) == 1 else min(bk[p] for p in chains[i]))
    children_of_group = fs.groups
    groups_of_person: dict[int, list] = {}
    for g in children_of_group:
        for p in g[1:]:
            gs = groups_of_person.get(p)
            if gs is None:
                groups_of_person[p] = [g]
            else:
                gs.append(g)
    order: list[int] = []
    seen_chain: set[int] = set()
    # depth-first from each root in turn, then from anything left (cycles of descent)
    for ci in roots + list(range(len(chains))):
        if ci in seen_chain:
            continue
        stack = [ci]
        while stack:
            c = stack.pop()
            if c in seen_chain:
                continue
            seen_chain.add(c)
            chain = chains[c]
            order.extend(chain)
            nxt: list[int] = []
            for p in chain:
                gs = groups_of_person.get(p)
                if gs is None:
                    continue
                for g in gs:
                    for k in children_of_group[g]:
                        kc = chain_of[k]
                        if kc not in seen_chain and kc not in nxt:
                            nxt.append(kc)
            if nxt:
                nxt.reverse()
                stack.extend(nxt)
        if len(seen_chain) == len(chains):
            break
    return order


def build_dot(
    fs: FamilyStructure,
    widths: dict[int, float],
    heights: Optional[dict[int, float]] = None,
    params: DotParams = DotParams(),
    rank_with: Optional[dict[int, int]] = None,
    household_of: Optional[dict[int, int]] = None,
) -> str:
    """The DOT source for a family structure.

    ``widths`` are person footprints in points; ``rank_with`` puts an unconnected
    person on the same rank as another person (e.g. a lodger with the adults of
    their household).
    """
    return build_dot_parts(fs, widths, params, rank_with, household_of)[0]


def build_dot_parts(
    fs: FamilyStructure,
    widths: dict[int, float],
    params: DotParams = DotParams(),
    rank_with: Optional[dict[int, int]] = None,
    household_of: Optional[dict[int, int]] = None,
) -> tuple[str, list[str]]:
    """:func:`build_dot`'s source, and the same graph split into its connected components.

    A family graph often falls apart into pieces with no line between them (families
    linked only by a household, a lodger, people with no recorded kin).  dot lays out
    each piece on its own anyway -- its own ranks from the top, its own crossing
    minimisation -- but then positions them all in one network-simplex problem whose
    cost grows much faster than the graph (1,600 people: about 330 ms whole, 85 ms
    piece by piece).  The second value is one DOT graph per piece, in the order dot
    would place them left to right (the order of their first person in the source);
    :func:`pack_pieces` puts their layouts side by side.  It is empty when the graph
    is one piece, or when households are clusters (a cluster may span pieces).
    """
    out: list[str] = []
    reps: list[int] = []  # a person of each line after the header: which piece it belongs to
    head = (f'  graph [rankdir=TB, nodesep={_inch(params.node_sep)}, ranksep={_inch(params.rank_sep)}, '
            f'splines=false, outputorder=nodesfirst, mclimit={params.mclimit}];\n'
            f'  node [shape=box, fixedsize=true, label="", height={_inch(params.symbol)}];\n'
            "  edge [arrowhead=none];\n")
    rep = 0

    def w(line: str) -> None:
        out.append(line)
        reps.append(rep)

    order = traversal_order(fs)
    clusters: dict[int, list[int]] = {}
    if params.household_clusters and household_of:
        for p in order:
            h = household_of.get(p)
            if h is not None:
                clusters.setdefault(h, []).append(p)
    in_cluster = {p for ms in clusters.values() for p in ms}
    inch = _INCH.get
    for p in order:  # == f"  {person_node(p)} [width={_inch(widths[p])}];"
        rep = p
        if p not in in_cluster:
            wp = widths[p]
            wi = inch(wp)
            if wi is None:
                wi = _inch(wp)
                if len(_INCH) < 50_000:
                    _INCH[wp] = wi
            w(f"  p{p} [width={wi}];")
    for h, members in clusters.items():
        rep = members[0]
        w(f"  subgraph cluster_h{h} {{ margin=4;")
        for p in members:
            w(f"    {person_node(p)} [width={_inch(widths[p])}];")
        w("  }")
    # chains: same rank, union nodes between adjacent partners
    union_done = set()
    u_attrs = f"[width={_inch(params.union_width)}, height=0.05, shape=point, ordering=out];"
    for chain in fs.chains:
        if len(chain) < 2:
            continue
        rep = chain[0]
        if len(chain) == 2:
            # a couple on their own (the general case below, unrolled)
            a, b = chain
            u = f"u{a}_{b}" if a < b else f"u{b}_{a}"
            w(f"  {{ rank=same; {u}, p{a}, p{b}; }}")
            w(f"  {u} {u_attrs}")
            w(f"  p{a} -> {u} [weight=50];")
            w(f"  {u} -> p{b} [weight=50];")
            continue
        names = []
        pos = {p: i for i, p in enumerate(chain)}
        edges = []
        for p in chain:
            for q in fs.partners[p]:
                key = (min(p, q), max(p, q))
                if key in union_done:
                    continue
                union_done.add(key)
                left, right = (p, q) if pos[p] < pos[q] else (q, p)
                if abs(pos[p] - pos[q]) != 1:
                    # a hub's further partner: order only; its children hang from that partner
                    edges.append(f"  {person_node(left)} -> {person_node(right)} [weight=0, style=invis];")
                    continue
                u = union_node(key)
                names.append(u)
                edges.append(f"  {person_node(left)} -> {u} [weight=50];")
                edges.append(f"  {u} -> {person_node(right)} [weight=50];")
        for p in chain:
            names.append(person_node(p))
        uattrs = ", ".join(f"{n}" for n in names)
        w(f"  {{ rank=same; {uattrs}; }}")
        for n in names:
            if n.startswith("u"):
                w(f"  {n} {u_attrs}")
        # keep the chain itself in order (weight 0: order only)
        for a, b in zip(chain, chain[1:]):
            key = (min(a, b), max(a, b))
            if key not in fs.unions:
                w(f"  {person_node(a)} -> {person_node(b)} [weight=0, style=invis];")
        for e in edges:
            w(e)
    # descent
    for g, kids in fs.groups.items():
        rep = kids[0]
        if g[0] == "u" and fs.adjacent((g[1], g[2])):
            src = union_node((g[1], g[2]))
            attrs = "weight=8"
        else:
            src = person_node(fs.outer_partner((g[1], g[2])) if g[0] == "u" else g[1])
            attrs = "weight=6"
            w(f"  {src} [ordering=out];")
        for k in kids:
            w(f"  {src} -> p{k} [{attrs}];")
    for l in sorted(fs.secondary_links, key=lambda l: l.id):
        rep = l.parent
        w(f"  {person_node(l.parent)} -> {person_node(l.child)} [weight=0, style=invis];")
    if rank_with:
        for p, q in sorted(rank_with.items()):
            rep = p
            w(f"  {{ rank=same; {person_node(p)}; {person_node(q)}; }}")
    body = "\n".join(out)
    whole = f"digraph genogram {{\n{head}{body}\n}}\n"
    if clusters:
        return whole, []
    piece = _pieces(fs, order, rank_with)
    n = max(piece.values(), default=0) + 1
    if n < 2:
        return whole, []
    lines: list[list[str]] = [[] for _ in range(n)]
    for line, p in zip(out, reps):
        lines[piece[p]].append(line)
    return whole, [f"digraph piece{i} {{\n{head}" + "\n".join(ls) + "\n}\n" for i, ls in enumerate(lines)]


def _pieces(fs: FamilyStructure, order: list[int], rank_with: Optional[dict[int, int]]) -> dict[int, int]:
    """Person -> index of their connected piece of the DOT graph, numbered in ``order``.

    People are joined by partnerships (a chain is one piece), descent groups, secondary
    links and ``rank_with`` pairs -- every edge and ``rank=same`` set :func:`build_dot`
    writes.  Consecutive people on their own make one piece."""
    parent = {p: p for p in order}

    def find(p: int) -> int:
        root = p
        while parent[root] != root:
            root = parent[root]
        while parent[p] != root:
            parent[p], p = root, parent[p]
        return root

    def join(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for chain in fs.chains:
        for q in chain[1:]:
            join(chain[0], q)
    for g, kids in fs.groups.items():
        for q in g[1:]:
            join(kids[0], q)
        for q in kids[1:]:
            join(kids[0], q)
    for l in fs.secondary_links:
        join(l.parent, l.child)
    for p, q in (rank_with or {}).items():
        join(p, q)
    roots = [find(p) for p in order]
    size: dict[int, int] = {}
    for r in roots:
        size[r] = size.get(r, 0) + 1
    # people on their own next to each other share one graph: dot sets them side by side
    # as it would one by one, for one graph's overhead (~20 us each; a list of 1,500
    # unlinked people would cost more piece by piece than whole)
    index: dict[int, int] = {}
    piece: dict[int, int] = {}
    n = -1
    lone = False  # the piece numbered last is people on their own
    for p, r in zip(order, roots):
        if r not in index:
            if not (lone and size[r] == 1):
                n += 1
            index[r] = n
            lone = size[r] == 1
        piece[p] = index[r]
    return piece


class DotRun:
    """One ``dot -T<fmt>`` process running in the background (see :func:`start_dot`).

    The DOT source goes in and the output comes back through anonymous temporary
    files, not pipes: nothing has to feed or drain ``dot`` while it runs, so it can
    neither deadlock on a full pipe nor wait for a thread that wants the GIL, and
    the caller is free to do other work.  (The files hold node ids and sizes only,
    never names, and have no name on disk.)  Starting never raises for Graphviz
    problems: :meth:`output` raises :class:`GraphvizMissing` / :class:`GraphvizFailed`
    with the usual messages.  A run that is dropped before :meth:`output` finishes
    (or garbage-collected) kills and reaps its process, so no child is left behind.
    """

    def __init__(self, source: str, fmt: str = "json0", timeout: float = DOT_TIMEOUT) -> None:
        self.fmt = fmt
        self.timeout = timeout
        self.started = time.monotonic()
        self._proc: Optional[subprocess.Popen] = None
        self._error: Optional[BaseException] = None
        self._output: Optional[str] = None
        self._lock = threading.Lock()
        self._cancelled = False
        files: list = []
        try:
            exe = find_dot()
            stdin = tempfile.TemporaryFile()
            files.append(stdin)
            stdin.write(source.encode("utf-8"))
            stdin.seek(0)
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
            files += [out, err]
            self._proc = subprocess.Popen([exe, f"-T{fmt}"], stdin=stdin, stdout=out, stderr=err,
                                          creationflags=NO_CONSOLE)
            stdin.close()
        except GraphvizMissing as exc:
            self._error = exc
        except FileNotFoundError:
            self._error = GraphvizMissing()
        except OSError as exc:
            self._error = GraphvizFailed(f"Graphviz could not be started: {exc.strerror or exc}.")
        self._files = files
        self._finalizer = weakref.finalize(self, _stop, self._proc, files)

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc is not None else None

    def done(self) -> bool:
        """Has dot finished (or failed to start)?  :meth:`output` will not wait."""
        return self._proc is None or self._output is not None or self._proc.poll() is not None

    def output(self) -> str:
        """Wait for dot (up to the timeout, counted from the start) and return its output."""
        with self._lock:
            if self._output is not None:
                return self._output
            if self._error is not None:
                raise self._error
            try:
                self._output = self._collect()
                return self._output
            except BaseException as exc:
                self._error = exc
                raise
            finally:
                self._finalizer()  # process reaped (killed if still running), files closed

    def _collect(self) -> str:
        proc = self._proc
        assert proc is not None
        if not _wait(proc, max(0.0, self.started + self.timeout - time.monotonic())):
            raise GraphvizFailed(
                f"Graphviz took longer than {self.timeout:.0f} seconds to lay out this family; "
                "try showing fewer people."
            )
        try:
            if self._cancelled:
                raise ValueError
            _, out, err = self._files
            out.seek(0)
            data = out.read()
            if proc.returncode != 0 or not data:
                err.seek(0)
                msg = err.read().decode("utf-8", "replace").strip().splitlines()
                raise GraphvizFailed("Graphviz could not lay out this family" + (f": {msg[-1]}" if msg else "."))
        except (ValueError, OSError):  # the files were closed by cancel() meanwhile
            if self._cancelled:
                raise GraphvizFailed(_CANCELLED) from None
            raise
        return data.decode("utf-8")

    def cancel(self) -> None:
        """Kill dot now (if running) and release the files; :meth:`output` then raises
        :class:`GraphvizFailed` -- also in a thread already waiting in it."""
        if self._output is not None:
            return
        self._cancelled = True
        self._finalizer()  # runs once: kills and reaps dot, closes the files
        if self._lock.acquire(blocking=False):
            try:
                if self._output is None and self._error is None:
                    self._error = GraphvizFailed(_CANCELLED)
            finally:
                self._lock.release()


_CANCELLED = "The layout was cancelled."


# On Windows a console program started from a windowed application flashes up a
# console window unless told not to: dot runs on every redraw, so never show one.
NO_CONSOLE = getattr(subprocess, "CREATE_NO_WINDOW", 0) if os.name == "nt" else 0


def _wait(proc: subprocess.Popen, timeout: float) -> bool:
    """Wait for ``proc`` to exit, at most ``timeout`` seconds; False if it is still running.

    ``Popen.wait(timeout)`` polls with growing sleeps on POSIX (up to 50 ms late),
    so on Linux the wait is on a pidfd, which wakes the moment dot exits; elsewhere
    a timer kills dot at the deadline while a plain blocking wait runs.
    """
    if proc.poll() is not None:
        return True
    if os.name == "nt":
        try:
            proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    fd = None
    if hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(proc.pid)
        except OSError:
            fd = None
    if fd is not None:
        try:
            if proc.poll() is not None:  # reaped meanwhile: the pidfd may not be ours
                return True
            poller = select.poll()  # (select.select cannot take descriptors >= 1024)
            poller.register(fd, select.POLLIN)
            ready = poller.poll(max(0.0, timeout) * 1000.0)
        finally:
            os.close(fd)
        if not ready:
            return False
        proc.wait()
        return True
    fired = threading.Event()

    def expire() -> None:
        fired.set()
        try:
            proc.kill()
        except OSError:
            pass

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        proc.wait()
    finally:
        timer.cancel()
    return not fired.is_set()


def _stop(proc: Optional[subprocess.Popen], files: list) -> None:
    """Kill (if still running) and reap ``proc``; close its files.  Never raises."""
    try:
        if proc is not None:
            if proc.poll() is None:
                try:
                    proc.kill()
                except OSError:
                    pass
            proc.wait()
    finally:
        for f in files:
            try:
                f.close()
            except OSError:
                pass


def start_dot(source: str, fmt: str = "json0", timeout: float = DOT_TIMEOUT) -> DotRun:
    """Start ``dot -T<fmt>`` on ``source`` in the background; ``.output()`` collects it."""
    return DotRun(source, fmt, timeout)


def run_dot(source: str, fmt: str = "json0", timeout: float = DOT_TIMEOUT) -> str:
    """Run ``dot -T<fmt>`` on ``source``; return its output."""
    return start_dot(source, fmt, timeout).output()


def parse_positions(output: str) -> dict[str, tuple[float, float]]:
    """Node name -> (x, y) in points with **y growing downwards** (the one flip)."""
    data = json.loads(output)
    bb = [float(v) for v in data["bb"].split(",")]
    top = bb[3]
    pos: dict[str, tuple[float, float]] = {}
    for obj in data.get("objects", ()):
        p = obj.get("pos")
        if p is None or "nodes" in obj:
            continue
        x, y = p.split(",")
        pos[obj["name"]] = (float(x), top - float(y))
    return pos


def parse_people(output: str) -> dict[int, tuple[float, float]]:
    """Person id -> (x, y) in points, y down, from ``dot -Tjson0`` output (union nodes
    and everything else are skipped)."""
    return {int(name[1:]): xy for name, xy in parse_positions(output).items() if name[0] == "p"}


def parse_pieces(output: str) -> list[dict[int, tuple[float, int, float]]]:
    """``dot -Tplain`` output of one or more graphs (the whole family, or its pieces: see
    :func:`build_dot_parts`), in order: per graph, person id -> (x in points, rank
    counted from the graph's top, width in points)."""
    pieces = []
    for block in output.split("\nstop")[:-1]:
        raw: list[tuple[int, float, str, float]] = []
        for line in block.split("\nnode p")[1:]:
            pid, xs, yt, ws, _ = line.split(" ", 4)
            raw.append((int(pid), _plain_pt(xs), yt, float(ws) * 72.0))
        tops = sorted({float(yt) for _, _, yt, _ in raw}, reverse=True)  # plain y grows upwards
        rank = {f: r for r, f in enumerate(tops)}
        pieces.append({pid: (x, rank[float(yt)], w) for pid, x, yt, w in raw})
    return pieces


def pack_pieces(pieces: list[dict[int, tuple[float, int, float]]], node_sep: float,
                rank_step: float) -> dict[int, tuple[float, float]]:
    """Person id -> (x, y), y down, for pieces laid out one by one, placed left to right
    as dot places the pieces of one graph: each as far left as it goes without coming
    closer than ``node_sep`` to the pieces before it on any rank they share (every
    piece starts at the top rank, so each shares at least that one).  y is
    ``rank * rank_step``."""
    right: dict[int, float] = {}  # rank -> right edge of what is placed so far
    pos: dict[int, tuple[float, float]] = {}
    for piece in pieces:
        lefts: dict[int, float] = {}
        rights: dict[int, float] = {}
        for x, r, w in piece.values():
            if r not in lefts or x - w / 2 < lefts[r]:
                lefts[r] = x - w / 2
            if r not in rights or x + w / 2 > rights[r]:
                rights[r] = x + w / 2
        shared = [right[r] + node_sep - left for r, left in lefts.items() if r in right]
        shift = max(shared) if shared else 0.0
        for pid, (x, r, _) in piece.items():
            pos[pid] = (x + shift, r * rank_step)
        for r, edge in rights.items():
            if r not in right or edge + shift > right[r]:
                right[r] = edge + shift
    return pos


def _plain_pt(inches: str) -> float:
    """A ``-Tplain`` coordinate (inches, 5 significant digits) in points.

    dot's own coordinates lie on a half-point grid; below 100 inches the printed
    value pins the grid point down exactly, so it is snapped back to it.  Above,
    the printout is only good to 0.01 inch (0.72 pt) and the value is rounded the
    way ``-Tjson0`` prints it (half points below 10,000 pt, whole points above).
    """
    v = float(inches) * 72.0
    if -10000.0 < v < 10000.0:
        return round(v * 2.0) / 2.0
    return float(round(v))
