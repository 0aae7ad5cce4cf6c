"""Seeded synthetic person records for matching tests and the matching benchmark.

:func:`population` makes ``n`` distinct-looking people (a realistic spread of
common and rare surnames, given names, full and partial dates of birth);
:func:`variant` writes the same person the way another agency might have
recorded them (a nickname, a one-letter slip, day and month swapped, only the
year known, a change of surname...).  The same seed always gives the same records.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Optional

from genomap.connections.matching import PersonRecord
from genomap.connections.names import NICKNAME_FAMILIES, normalise
from genomap.model.dates import PartialDate, Qualifier
from genomap.model.enums import Sex

GIVEN_MALE = """Darren Robert James William Richard Michael Anthony Christopher Stephen Thomas Joseph Daniel
David Edward John Jonathan Alexander Samuel Benjamin Matthew Nicholas Patrick Charles Henry Lawrence Terence
Gerald Kenneth Raymond Ronald Donald Leonard Frederick Gary Barry Dean Andrew Peter Philip Timothy Gregory
Douglas Lewis Nathaniel Mohammed Oliver Zachary Francis Vincent Stuart Sean Kieran Connor Callum Wayne Adam
Aaron Adrian Alan Arthur Brandon Bradley Carl Colin Craig Dominic Dylan Elliot Ethan Ewan Finley Gavin Glen
Graham Hamish Harvey Hugo Isaac Ivan Jacob Jason Jordan Joshua Kyle Liam Logan Lucas Luke Marcus Mark Martin
Mason Neil Noah Owen Paul Reece Rhys Riley Ross Ryan Scott Simon Spencer Toby Trevor Tyler Warren""".split()
GIVEN_FEMALE = """Elizabeth Christine Margaret Catherine Alexandra Samantha Nicola Patricia Jennifer Rebecca Victoria
Deborah Susan Charlotte Sharon Karen Kerry Amanda Abigail Jacqueline Josephine Joanne Louise Natalie Sarah Mary
Dorothy Eleanor Helen Isabel Gabriella Frances Teresa Valerie Jessica Kimberley Leanne Shannon Stacey Alice
Amber Amelia Amy Angela Bethany Bridget Caitlin Carol Chloe Claire Danielle Donna Emily Emma Fiona Freya
Georgia Gemma Grace Hannah Harriet Hayley Heather Holly Imogen Jade Jodie Julie Kayleigh Laura Lauren Leah
Lucy Lydia Megan Melissa Michelle Molly Naomi Olivia Paige Phoebe Rachel Rosie Ruby Ruth Sophie Tracey Yvonne
Zoe""".split()
SURNAMES = """Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White
Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason Mitchell Rose Davis Rodriguez Cox
Alexander Morgan Moore Young Harris King Lee Martin Allen Scott Hill Cooper Ward Morris Turner Baker Hughes Price
Kelly Edwards Bailey Carter Murphy Bell Collins Cook Richardson Watson Parker Shaw Ali Hussain Begum Ahmed Thomas
Marshall Gray Chapman Ellis Webb Hunt Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Fisher Stevens
Pearson Dixon Fletcher Harrison Gibson Grant Kennedy Wells Ferguson Reynolds Hamilton Graham Wallace Owen
Thistlewood Marlowby Pellbrook Corrigale Farrant Brackley Skelwith Dunmore Ashworth Blenkinsop Crowther
Dewhurst Entwistle Fairclough Greenhalgh Haworth Ibbotson Kershaw Lumb Metcalfe Nuttall Ormerod Pickles
Quarmby Rothwell Sutcliffe Tattersall Uttley Varley Whitworth Yardley Ackroyd Barraclough Cockcroft Duckworth
Earnshaw Firth Gaukroger Holdsworth Illingworth Jagger Kitson Lister Midgley Naylor Oldroyd Pilling Rhodes
Shackleton Thornber Wadsworth Bairstow Crossley Dobson Eastwood Fawcett Gledhill Hirst Jowett Lockwood""".split()

_SURNAME_WEIGHTS = [1.0 / (rank + 8) for rank in range(len(SURNAMES))]

_SYLLABLES = ["ash", "bry", "cor", "dal", "fen", "gar", "hol", "kin", "lam", "mor", "nes", "orb", "pel", "quin",
              "ros", "sel", "tor", "ulv", "ver", "wick", "yar", "zel", "by", "ton", "ham", "ley", "worth", "field"]


def _synthetic_surname(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def random_birth(rng: random.Random, exact_share: float = 0.8, missing_share: float = 0.05) -> Optional[PartialDate]:
    """A date of birth between 1940 and 2024: mostly exact, some month/year or 'about', a few unknown."""
    r = rng.random()
    if r < missing_share:
        return None
    day = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 85))
    if r < missing_share + exact_share:
        return PartialDate.from_date(day)
    kind = rng.randrange(3)
    if kind == 0:
        return PartialDate(day.year, day.month)
    if kind == 1:
        return PartialDate(day.year)
    return PartialDate(day.year, qualifier=Qualifier.ABOUT)


def random_person(rng: random.Random, pid: int, synthetic_surnames: float = 0.3) -> PersonRecord:
    male = rng.random() < 0.5
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    if rng.random() < 0.3:
        given += " " + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    if rng.random() < synthetic_surnames:
        surname = _synthetic_surname(rng)
    else:  # common surnames more often than rare ones (Smith about 1 in 60, as in England)
        surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    return PersonRecord(pid, given, surname, birth=random_birth(rng), sex=Sex.MALE if male else Sex.FEMALE)


def population(n: int, seed: int = 1, start_id: int = 1) -> list[PersonRecord]:
    """``n`` random person records with ids ``start_id``..."""
    rng = random.Random(seed)
    return [random_person(rng, start_id + i) for i in range(n)]


# -- recording the same person differently ------------------------------------------------------


def _typo(rng: random.Random, word: str) -> str:
    """One slip of the pen after the first letter: a letter changed, added, dropped or two swapped."""
    letters = "abcdefghijklmnoprstuwy"
    i = rng.randrange(1, len(word))
    kind = rng.randrange(4)
    if kind == 0:
        new = rng.choice([c for c in letters if c != word[i].lower()])
        return word[:i] + new + word[i + 1:]
    if kind == 1:
        return word[:i] + rng.choice(letters) + word[i:]
    if kind == 2 and len(word) > 4:
        return word[:i] + word[i + 1:]
    if i < len(word) - 1 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + ("e" if word[i] != "e" else "a") + word[i + 1:]


def nicknames_of(given: str) -> list[str]:
    """Known short forms of a given name (from the shipped table)."""
    fams = NICKNAME_FAMILIES.get(normalise(given), frozenset())
    out = [n for n, f in NICKNAME_FAMILIES.items() if f & fams and n != normalise(given) and len(n) >= 2]
    return sorted(out)


PERTURBATIONS = ("nickname", "known_as", "surname_typo", "given_typo", "swap_day_month", "month_year",
                 "year_only", "about_year", "day_typo", "surname_change", "middle_name", "case_accents",
                 "birth_missing")


def applicable(record: PersonRecord, kind: str) -> bool:
    first = record.given_names.split()[0]
    b = record.birth
    if kind in ("nickname", "known_as"):
        return bool(nicknames_of(first))
    if kind == "surname_typo":
        return len(record.family_name) >= 5
    if kind == "given_typo":
        return len(first) >= 5
    if kind == "swap_day_month":
        return b is not None and b.is_exact_day and b.day <= 12 and b.day != b.month
    if kind in ("month_year", "year_only", "about_year", "day_typo", "surname_change"):
        return b is not None and b.is_exact_day
    if kind == "birth_missing":
        return b is not None
    return True


def variant(record: PersonRecord, kind: str, rng: random.Random, new_id: int) -> PersonRecord:
    """``record`` as another agency might have written it (one change of ``kind``)."""
    first, *rest = record.given_names.split()
    b = record.birth
    r = replace(record, id=new_id)
    if kind == "nickname":
        return replace(r, given_names=rng.choice(nicknames_of(first)).capitalize())
    if kind == "known_as":
        return replace(r, given_names=_typo(rng, first) if len(first) >= 5 else first,
                       known_as=rng.choice(nicknames_of(first)).capitalize())
    if kind == "surname_typo":
        return replace(r, family_name=_typo(rng, record.family_name))
    if kind == "given_typo":
        return replace(r, given_names=" ".join([_typo(rng, first), *rest]))
    if kind == "swap_day_month":
        return replace(r, birth=PartialDate(b.year, b.day, b.month))
    if kind == "month_year":
        return replace(r, birth=PartialDate(b.year, b.month))
    if kind == "year_only":
        return replace(r, birth=PartialDate(b.year))
    if kind == "about_year":
        return replace(r, birth=PartialDate(b.year + rng.choice((-1, 0, 1)), qualifier=Qualifier.ABOUT))
    if kind == "day_typo":
        for _ in range(20):
            day = int(f"{b.day:02d}"[0] + str(rng.randrange(10)))
            if 1 <= day <= 28 and day != b.day:
                return replace(r, birth=PartialDate(b.year, b.month, day))
        return replace(r, birth=PartialDate(b.year, b.day, b.month) if b.day <= 12 else b)
    if kind == "surname_change":
        return replace(r, family_name=rng.choice(SURNAMES), aliases="")
    if kind == "middle_name":
        return replace(r, given_names=" ".join([first, rng.choice(GIVEN_MALE)]) if not rest else first)
    if kind == "case_accents":
        return replace(r, given_names=record.given_names.upper(), family_name=record.family_name.lower()
                       .replace("e", "é", 1))
    if kind == "birth_missing":
        return replace(r, birth=None)
    raise ValueError(kind)
