"""A family graph in several pieces is laid out piece by piece (``dot`` on the whole
graph solves one big positioning problem instead, which grows much faster than the
graph): the same generations and left-to-right order, no overlaps, the same quality."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest

from genomap.drawing.builder import build_drawing
from genomap.layout import dot as dotmod
from genomap.layout import engine
from genomap.layout.checks import run_checks
from genomap.layout.dot import DotParams, build_dot, build_dot_parts, find_dot, pack_pieces
from genomap.layout.family import derive_structure
from genomap.testing.generate import generate_family

DAY = date(2024, 6, 1)


def _people(source: str) -> set[int]:
    return {int(m) for m in re.findall(r"\bp(\d+)\b", source)}


def _whole_layout(monkeypatch, snap):
    """The layout as dot on the whole graph gives it (the way before pieces)."""
    real = engine.build_dot_parts
    monkeypatch.setattr(engine, "build_dot_parts", lambda *a, **k: (real(*a, **k)[0], []))
    try:
        return engine.compute_layout(snap)
    finally:
        monkeypatch.setattr(engine, "build_dot_parts", real)


def test_pieces_partition_the_graph_and_the_whole_source_is_unchanged():
    snap = generate_family(1, 120)
    fs = derive_structure(snap)
    widths = {p: 60.0 for p in fs.people}
    whole, parts = build_dot_parts(fs, widths)
    assert whole == build_dot(fs, widths)
    assert len(parts) > 3
    sets = [_people(p) for p in parts]
    assert set().union(*sets) == set(fs.people) and sum(map(len, sets)) == len(fs.people)  # each person once
    # no line of the whole graph joins two pieces: every edge and rank=same set stays in one
    piece_of = {p: i for i, s in enumerate(sets) for p in s}
    for line in whole.splitlines():
        ids = {int(m) for m in re.findall(r"\bp(\d+)\b", line)} | {
            int(n) for m in re.findall(r"\bu(\d+)_(\d+)\b", line) for n in m}
        assert len({piece_of[p] for p in ids}) <= 1, line
    # the pieces come in the order of their first person in the whole source (dot's order)
    firsts = [min(whole.index(f"  p{p} [") for p in s) for s in sets]
    assert firsts == sorted(firsts)


def test_households_as_clusters_are_not_split():
    # a household cluster may hold people of several pieces: the graph stays whole
    snap = generate_family(1, 120)
    fs = derive_structure(snap)
    widths = {p: 60.0 for p in fs.people}
    hint = {p: 1 for p in fs.people}
    whole, clustered = build_dot_parts(fs, widths, DotParams(household_clusters=True), household_of=hint)
    assert "subgraph cluster_h1" in whole and clustered == []


def test_a_lodger_ranked_with_a_housemate_stays_in_the_housemates_piece():
    from test_drawing import P, couple_with_kids, family
    from genomap.model.enums import Sex
    from genomap.store.snapshot import HouseholdView, ResidenceView

    base = couple_with_kids(kids=[P(3, born="2012")])
    # another, unrelated couple, and a lodger with no recorded kin in the first home
    people = list(base.people) + [P(7, Sex.MALE, "1950"), P(8, born="1952"), P(9, Sex.MALE, "1981")]
    parts_ = list(base.partnerships) + [type(base.partnerships[0])(11, 7, 8, base.partnerships[0].kind)]
    homes = [HouseholdView(1, "Home")]
    lives = [ResidenceView(i, pid, 1, start=P(0, born="2010").birth) for i, pid in enumerate((1, 2, 3, 9), 1)]
    snap = family(people, parts_, base.parent_links, households=homes, residences=lives)
    prep = engine._prepare(snap, None, DotParams())
    assert "{ rank=same; p9; p2; }" in prep.src  # the lodger ranks with the nearest-aged housemate
    assert len(prep.parts) == 2
    home = [part for part in prep.parts if " p9 " in part or " p9;" in part]
    assert len(home) == 1 and "p1 [" in home[0] and "p7 [" not in home[0]
    lay = engine.compute_layout(snap)
    assert lay.row_of[9] == lay.row_of[2] == lay.row_of[1] != lay.row_of[3]


@pytest.mark.parametrize("seed,size", [(1, 60), (4, 120), (1, 400), (6, 400)])
def test_pieces_keep_generations_and_order_and_quality(monkeypatch, seed, size):
    snap = generate_family(seed, size)
    engine.clear_cache()
    lay = engine.compute_layout(snap)
    assert engine._prepare(snap, None, DotParams()).parts  # (this family is in pieces)
    whole = _whole_layout(monkeypatch, snap)
    # every person in the same generation as dot on the whole graph puts them
    assert lay.row_of == whole.row_of
    # pieces side by side in dot's order: in each row, left to right, the people come
    # piece by piece as they do when dot lays out the whole graph
    parts = engine._prepare(snap, None, DotParams()).parts
    piece_of = {p: i for i, part in enumerate(parts) for p in _people(part)}

    def pieces_by_row(l):
        return [[piece_of[p] for p in sorted(row, key=l.x.__getitem__)] for row in l.rows]

    assert pieces_by_row(lay) == pieces_by_row(whole)
    rep_whole = run_checks(snap, whole, build_drawing(snap, whole, DAY), DAY)
    rep = run_checks(snap, lay, build_drawing(snap, lay, DAY), DAY)
    assert rep.ok, rep.summary()
    assert rep.crossings <= rep_whole.crossings + max(3, rep_whole.crossings // 5), (rep.summary(), rep_whole.summary())
    assert lay.width <= whole.width * 1.1


def test_packed_pieces_keep_the_gap_on_shared_ranks_and_nothing_overlaps():
    snap = generate_family(1, 400)
    prep = engine._prepare(snap, None, DotParams())
    out = subprocess.run([find_dot(), "-Tplain"], input="".join(prep.parts), capture_output=True, text=True,
                         check=True).stdout
    pieces = dotmod.parse_pieces(out)
    assert len(pieces) == len(prep.parts)
    sep = DotParams().node_sep
    pos = pack_pieces(pieces, sep, 96.0)
    widths = {p: w for piece in pieces for p, (_, _, w) in piece.items()}
    rows: dict[float, list[int]] = {}
    for p, (x, y) in pos.items():
        rows.setdefault(y, []).append(p)
    for y, ps in rows.items():
        ps.sort(key=lambda p: pos[p][0])
        for a, b in zip(ps, ps[1:]):
            gap = (pos[b][0] - widths[b] / 2) - (pos[a][0] + widths[a] / 2)
            assert gap >= sep - 0.01, (y, a, b, gap)
    # each piece (after the first) touches an earlier one at exactly the gap on some rank
    piece_of = {p: i for i, piece in enumerate(pieces) for p in piece}
    for i in range(1, len(pieces)):
        gaps = []
        for ps in rows.values():
            mine = [p for p in ps if piece_of[p] == i]
            before = [p for p in ps if piece_of[p] < i]
            if mine and before:
                left = min(pos[p][0] - widths[p] / 2 for p in mine)
                right = max(pos[p][0] + widths[p] / 2 for p in before)
                gaps.append(left - right)
        assert gaps and min(gaps) == pytest.approx(sep, abs=0.01)
    # the top rank of every piece is the top row: pieces are top-aligned, as dot aligns them
    whole, = dotmod.parse_pieces(subprocess.run([find_dot(), "-Tplain"], input=prep.src, capture_output=True,
                                                text=True, check=True).stdout)
    assert {p: r for p, (_, r, _) in whole.items()} == {p: int(y // 96.0) for p, (_, y) in pos.items()}


def test_dot_input_is_what_dot_is_given():
    snap = generate_family(1, 120)
    text = engine.dot_input(snap)
    n = text.count("digraph piece")
    assert n == len(engine._prepare(snap, None, DotParams()).parts) > 1
    # smallest first: dot frees each layout before the next graph, and never the last
    sizes = [len(g) for g in text.split("digraph piece")[1:]]
    assert sizes == sorted(sizes)
    out = subprocess.run([find_dot(), "-Tplain"], input=text, capture_output=True, text=True, check=True).stdout
    assert out.count("\nstop") == n  # one layout per piece
    lay = engine.compute_layout(snap)
    assert set(lay.x) == set().union(*(set(p) for p in dotmod.parse_pieces(out)))


def test_people_on_their_own_next_to_each_other_share_a_piece():
    from test_drawing import P, family
    from genomap.model.enums import PartnershipKind
    from genomap.store.snapshot import PartnershipView

    # a couple, three people with no recorded kin, another couple
    married = PartnershipKind.MARRIED
    snap = family([P(1), P(2), P(3), P(4), P(5), P(6), P(7)],
                  partnerships=[PartnershipView(10, 1, 2, married), PartnershipView(11, 6, 7, married)])
    fs = derive_structure(snap)
    whole, parts = build_dot_parts(fs, {p: 60.0 for p in fs.people})
    lone = [part for part in parts if not re.search(r"\bu\d+_\d+\b", part)]
    assert len(lone) == 1 and _people(lone[0]) == {3, 4, 5}  # one graph, not three
    assert len(parts) == 3
    lay = engine.compute_layout(snap)
    assert sorted(lay.rows[0], key=lay.x.get) == [1, 2, 3, 4, 5, 6, 7]  # between the couples, as whole
