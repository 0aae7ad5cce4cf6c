"""Matching person records: explanations, hard cases, Hypothesis bounds on errors, and speed.

Error bounds (checked below over Hypothesis-generated names and dates, synthetic
people from :mod:`genomap.connections.synthetic`):

* **False negatives, one change** -- a stored person written again with ONE of:
  a nickname, a nickname as known-as plus a slip in the first name, a one-letter
  slip in surname or first name, day and month swapped, only month/year or year
  or "about" year known, one digit wrong in the day, a change of surname (same
  exact birthday), a middle name added/dropped, capitals/accents, date of birth
  missing.  Bound: 0 % missed (measured: 0 of ~3,300 in development, 0 in every
  Hypothesis run), always through the blocking index, among 2,000 other people.
* **False negatives, two changes at once** -- bound: at most 15 % missed
  (measured 8.3 % of 2,075 pairs); two slips in one record are weak evidence,
  deliberately below the threshold when they also take the date of birth away.
* **False positives** -- among distinct synthetic people (realistic surname
  frequencies; 80 % exact dates of birth): STRONG matches bound 0 per 100,000
  pairs (measured 0 in 4.5 million pairs); POSSIBLE matches bound 2 per
  100,000 pairs (measured 0.5: 23 in 4.5 million, all same first name and
  surname with a date missing or vague on one side -- namesakes a worker should
  look at).  Hard negatives are never proposed: twins (same surname and date of
  birth, different first names) and a parent and child with the same name
  (dates of birth 15+ years apart).
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from genomap.connections import synthetic as syn
from genomap.connections.matching import (
    POSSIBLE, STRONG, MatchIndex, PersonRecord, birth_similarity, match_records, name_similarity,
)
from genomap.connections.names import (
    are_nicknames, deletion_keys, edit_distance, jaro_winkler, normalise, soundex,
)
from genomap.model.dates import PartialDate
from genomap.model.enums import Sex

D = PartialDate.parse


def person(pid, given, family, birth=None, known_as="", aliases="", sex=Sex.UNKNOWN):
    return PersonRecord(pid, given, family, known_as, aliases, D(birth) if birth else None, sex)


# -- the building blocks ------------------------------------------------------------------


def test_soundex_and_distances():
    assert soundex("skelwith") == soundex("skelwyth") == "S430"  # k has s's code: coded out
    assert soundex("tymczak") == "T522" and soundex("pfister") == "P236"
    assert soundex("robert") == "R163" and soundex("rupert") == "R163"
    assert soundex("ashcraft") == "A261"  # h does not separate s and c
    assert edit_distance("skelwith", "skelwyth") == 1
    assert edit_distance("darren", "darrne") == 1  # a swap is one edit
    assert edit_distance("kitten", "sitting") == 3
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.961, abs=0.001)
    assert jaro_winkler("abc", "abc") == 1.0 and jaro_winkler("", "x") == 0.0
    assert deletion_keys("smith") & deletion_keys("smyth")
    assert normalise("O'Brien-Zoë") == "obrienzoe"


def test_nickname_table():
    for short, formal in [("daz", "darren"), ("bob", "robert"), ("liz", "elizabeth"), ("jim", "james"),
                          ("bill", "william"), ("peggy", "margaret"), ("chris", "christine")]:
        assert are_nicknames(short, formal), (short, formal)
    assert not are_nicknames("darren", "robert")


def test_name_and_birth_evidence():
    assert name_similarity("daz", "darren", given=True)[1] == "nickname"
    assert name_similarity("daz", "darren", given=False)[1] == "different"  # nicknames are for first names
    assert name_similarity("skelwith", "skelwyth", given=False)[1] == "one_letter"
    assert birth_similarity(D("1979-08-11"), D("1979-11-08")).kind == "swapped"
    assert birth_similarity(D("1979-08-11"), D("Aug 1979")).kind == "same_month"
    assert birth_similarity(D("1979-08-11"), D("1979")).kind == "same_year"
    assert birth_similarity(D("1979-08-11"), D("about 1980")).kind == "compatible"
    assert birth_similarity(D("1979-08-11"), D("1985")).veto
    assert birth_similarity(None, D("1979")).kind == "unknown"


# -- the demo's man, and the explanation ----------------------------------------------------


def test_darren_and_daz_explained():
    darren = person(1, "Darren", "Skelwith", "1979-08-11", sex=Sex.MALE)
    daz = person(2, "Darran", "Skelwyth", "1979-08-11", known_as="Daz", sex=Sex.MALE)
    m = match_records(darren, daz)
    assert m is not None and m.strong and m.score >= STRONG
    assert m.explanation.startswith(
        "same date of birth (11 Aug 1979); surname differs by one letter (Skelwith/Skelwyth); "
        "'Daz' is a known short form of 'Darren'")
    assert "first name differs by one letter (Darren/Darran)" in m.explanation


@pytest.mark.parametrize("a, b, words", [
    (person(1, "Robert", "Smith", "1980-03-04"), person(2, "Bob", "Smith", "1980-04-03"),
     ["day and month swapped", "'Bob' is a known short form of 'Robert'"]),
    (person(1, "Elizabeth", "Ward", "1990-06-01"), person(2, "Liz", "Ward", "1990"),
     ["same year of birth", "'Liz' is a known short form of 'Elizabeth'"]),
    (person(1, "Shannon", "Pellbrook", "1989-11-02"), person(2, "Shannon", "Dunmore", "1989-11-02"),
     ["could be a change of name"]),
    (person(1, "James", "Thompson", None), person(2, "Jim", "Thomson", "1975-01-01"),
     ["date of birth not recorded", "Thompson/Thomson"]),
    (person(1, "Kayleigh", "Brown", "2001-05-15"), person(2, "Kayleigh", "Broun", "2001-05-16"),
     ["one digit in the day", "surname differs by one letter"]),
])
def test_variants_found_with_reasons(a, b, words):
    m = match_records(a, b)
    assert m is not None and m.score >= POSSIBLE, (a, b)
    for w in words:
        assert w in m.explanation, m.explanation


@pytest.mark.parametrize("a, b", [
    (person(1, "Ava", "Marlowby", "2019-06-05"), person(2, "Ella", "Marlowby", "2019-06-05")),  # twins
    (person(1, "John", "Smith", "1960-02-02"), person(2, "John", "Smith", "1988-07-07")),  # father and son
    (person(1, "Darren", "Skelwith", "1979-08-11"), person(2, "Darren", "Skelwith", "1999-08-11")),
    (person(1, "Mark", "Jones", "1980-01-01"), person(2, "Paul", "Jones", "1980-01-01")),
    (person(1, "", "", known_as="Dean's father (name not known)"), person(2, "Dean", "Marlowby", "1987-07-22")),
])
def test_hard_negatives(a, b):
    assert match_records(a, b) is None


def test_index_excludes_rejected_pairs_and_updates_incrementally():
    darren = person(1, "Darren", "Skelwith", "1979-08-11")
    daz = person(2, "Darran", "Skelwyth", "1979-08-11", known_as="Daz")
    idx = MatchIndex([darren, daz])
    assert [m.pair for m in idx.all_matches()] == [frozenset({1, 2})]
    idx.exclude(1, 2)
    assert idx.all_matches() == []
    idx.excluded.clear()
    idx.add(person(2, "Harper", "Brackley", "2021-10-15"))  # record 2 edited
    assert idx.all_matches() == []
    idx.discard(1)
    assert 1 not in idx and len(idx) == 1


# -- Hypothesis: error bounds -------------------------------------------------------------------

_POPULATION = syn.population(2000, seed=3)
_INDEX = MatchIndex(_POPULATION)
_NEW_ID = 10**7


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(_POPULATION), kind=st.sampled_from(syn.PERTURBATIONS), seed=st.integers(0, 2**32 - 1))
def test_one_change_is_always_found_through_the_index(base, kind, seed):
    """False negatives with one change: bound 0 %."""
    assume(syn.applicable(base, kind))
    v = syn.variant(base, kind, random.Random(seed), _NEW_ID)
    assert base.id in _INDEX.candidates(v), (kind, base, v)
    found = [m for m in _INDEX.matches_for(v) if m.other(v.id) == base.id]
    assert found, (kind, base, v, match_records(base, v))
    assert found[0].explanation


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_two_changes_mostly_found(seed):
    """False negatives with two changes at once: bound 15 % (measured 8.3 %)."""
    rng = random.Random(seed)
    missed = total = 0
    while total < 150:
        base = rng.choice(_POPULATION)
        k1, k2 = rng.sample(syn.PERTURBATIONS, 2)
        if not syn.applicable(base, k1):
            continue
        v = syn.variant(base, k1, rng, _NEW_ID)
        if not syn.applicable(v, k2):
            continue
        v = syn.variant(v, k2, rng, _NEW_ID)
        total += 1
        missed += not any(m.other(v.id) == base.id for m in _INDEX.matches_for(v))
    assert missed / total <= 0.15, f"{missed} of {total} missed"


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_false_positives_among_distinct_people(seed):
    """Strong matches between distinct people: bound 0; possible: at most 2 per 100,000 pairs."""
    people = syn.population(1200, seed=seed)
    matches = MatchIndex(people).all_matches()
    pairs = len(people) * (len(people) - 1) // 2
    assert not [m for m in matches if m.strong]
    assert len(matches) <= 2e-5 * pairs + 1, [m.explanation for m in matches]
    for m in matches:  # what is left is namesakes: same first name and surname
        assert any(w in m.explanation for w in ("same first name", "known short form", "first name differs"))


_FIRSTS = syn.GIVEN_MALE + syn.GIVEN_FEMALE


@settings(max_examples=300, deadline=None)
@given(a=st.sampled_from(_FIRSTS), b=st.sampled_from(_FIRSTS), surname=st.sampled_from(syn.SURNAMES),
       day=st.dates())
def test_twins_are_never_proposed(a, b, surname, day):
    assume(name_similarity(normalise(a), normalise(b), True)[0] < 0.75)
    assume(1000 <= day.year <= 2999)
    birth = PartialDate.from_date(day)
    assert match_records(PersonRecord(1, a, surname, birth=birth), PersonRecord(2, b, surname, birth=birth)) is None


@settings(max_examples=300, deadline=None)
@given(first=st.sampled_from(_FIRSTS), surname=st.sampled_from(syn.SURNAMES), year=st.integers(1930, 2000),
       gap=st.integers(15, 50), md=st.tuples(st.integers(1, 12), st.integers(1, 28)),
       md2=st.tuples(st.integers(1, 12), st.integers(1, 28)))
def test_parent_and_child_with_one_name_are_never_proposed(first, surname, year, gap, md, md2):
    parent = PersonRecord(1, first, surname, birth=PartialDate(year, *md))
    child = PersonRecord(2, first, surname, birth=PartialDate(year + gap, *md2))
    assert match_records(parent, child) is None


# -- speed -----------------------------------------------------------------------------------------


def test_matching_one_person_against_ten_thousand_is_fast():
    """The benchmark's budget (50 ms) with room for a slow test machine: 95th percentile <= 50 ms."""
    stored = syn.population(10_000, seed=11)
    index = MatchIndex(stored)
    rng = random.Random(2)
    times = []
    for i in range(120):
        new = syn.random_person(rng, 20_000 + i)
        t = time.perf_counter()
        index.matches_for(new)
        times.append(time.perf_counter() - t)
        index.add(new)
    times.sort()
    assert times[int(0.95 * (len(times) - 1))] <= 0.050, times[-5:]
