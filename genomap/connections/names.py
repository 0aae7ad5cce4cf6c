"""Name tools for finding the same person under another spelling: normalising, nicknames, phonetics.

Everything here is small, pure and Qt-free.  The nickname table is a short,
shipped list of English short forms and spelling families ("Daz" for Darren,
"Bob" for Robert, "Liz" for Elizabeth...), the kind of names a nursery or a
neighbour knows someone by.  A name may belong to several families ("Chris":
Christopher and Christine), and two names are *nickname-compatible* when they
share a family.

Phonetics is American Soundex (first letter kept, then three consonant-class
digits), implemented here: it is tiny, well understood and good at the English
spelling variants practitioners meet (Skelwith/Skelwyth, Philips/Phillipps).
String distance is optimal-string-alignment edit distance (a swapped pair of
letters counts as one edit) and Jaro-Winkler similarity.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# One family per line: the formal name(s) first, then short forms and common spellings.
_NICKNAME_FAMILIES = """
darren daz dazza
robert rob robbie robby bob bobby bert
elizabeth elisabeth liz lizzie lizzy beth betty bet eliza libby lisa elsie
james jim jimmy jimbo jamie jay
william will willie willy bill billy liam
richard rich richie rick ricky dick dickie
michael mike mikey mick micky mickey
anthony antony tony ant
christopher chris kit topher
christine christina chris chrissie chrissy tina kristina kristine
margaret maggie mags meg peggy marge madge maisie greta
catherine katherine kathryn katharine cathryn kate katie katy kath kathy cathy cath kitty kat cat
stephen steven steve stevie
thomas tom tommy thom
joseph joe joey jo
daniel dan danny
david dave davey davy dai
edward ed eddie eddy ted teddy ned
john jon johnny jonny jack
jonathan jon jonny nathan
jack jackie
alexander alex alec sandy xander lex
alexandra alex alexa lexi sandra sandy
samuel sam sammy
samantha sam sammie sammy
benjamin ben benny benji
matthew matt matty
nicholas nick nicky nico
nicola nicole nicky nikki nic
patrick pat paddy
patricia pat patsy trish tricia
jennifer jen jenny jenna
rebecca rebekah becky becca bex
victoria vicky vikki tori
deborah debra debbie deb
susan suzanne sue susie suzy
charles charlie chas chaz chuck
charlotte charlie lottie lotte
henry harry hal hank
harold harry hal
lawrence laurence larry laurie
terence terrance terry tel
gerald gerard gerry jerry
kenneth ken kenny
raymond ray
ronald ron ronnie
donald don donny
leonard len lenny leo
frederick fred freddie freddy
gary gareth gaz gazza
barry baz bazza
sharon shaz shazza
karen kaz kazza
kerry kez
dean deano
andrew andy drew
anne ann annie anna
amanda mandy manda
abigail abbie abby gail
peter pete
philip phillip phil pip
timothy tim timmy
gregory greg
douglas doug dougie
jacqueline jackie jacqui
josephine jo josie
joanne joanna jo
louise louisa lou lulu
lewis louis lou
natalie natasha nat tash
nathaniel nathan nat nate
mohammed muhammad mohammad mohamed mo
oliver ollie olly
zachary zach zack
sarah sara sally sadie
mary molly polly mae
dorothy dot dottie dolly
eleanor elinor ellie nell nora
helen helena nell nellie
isabel isabella isobel izzy bella
gabriel gabe
gabriella gabby
frances francesca fran frankie
francis frank frankie
teresa theresa tess tessa terri
valerie val
vincent vince vinny
stuart stewart stu
sean shaun shawn
kieran ciaran
connor conor
callum calum cal
jessica jess jessie
kimberley kimberly kim
leanne lee-anne lianne
shannon shan
stacey stacy
wayne wazza
""".strip()


def normalise(text: str) -> str:
    """Lower-case letters only: accents dropped, apostrophes and spaces removed ("O'Brien" -> "obrien")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha() and not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Words of a name, each normalised; hyphens and spaces split, apostrophes do not."""
    parts = re.split(r"[\s\-_/,;.]+", text or "")
    return [t for t in (normalise(p) for p in parts) if t]


def _families() -> dict[str, frozenset[int]]:
    out: dict[str, set[int]] = {}
    for i, line in enumerate(_NICKNAME_FAMILIES.splitlines()):
        for name in line.split():
            out.setdefault(normalise(name), set()).add(i)
    return {k: frozenset(v) for k, v in out.items()}


NICKNAME_FAMILIES: dict[str, frozenset[int]] = _families()
_FAMILY_HEAD: dict[int, str] = {i: normalise(line.split()[0]) for i, line in enumerate(_NICKNAME_FAMILIES.splitlines())}


def nickname_families(name: str) -> frozenset[int]:
    """The nickname families a normalised given name belongs to (empty when not in the table)."""
    return NICKNAME_FAMILIES.get(name, frozenset())


def family_head(family: int) -> str:
    """The formal name a nickname family is named after ("darren", "robert"...)."""
    return _FAMILY_HEAD[family]


def are_nicknames(a: str, b: str) -> bool:
    """True when two different normalised names are known short forms / spellings of one name."""
    return a != b and bool(nickname_families(a) & nickname_families(b))


_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
    "l": "4", **dict.fromkeys("mn", "5"), "r": "6",
}


@lru_cache(maxsize=65536)
def soundex(name: str) -> str:
    """American Soundex of a normalised name ("skelwith" and "skelwyth" -> "S423")."""
    if not name:
        return ""
    first = name[0]
    out = [first.upper()]
    last = _SOUNDEX_CODES.get(first, "")
    for ch in name[1:]:
        code = _SOUNDEX_CODES.get(ch, "")
        if code and code != last:
            out.append(code)
            if len(out) == 4:
                break
        if ch not in "hw":  # h and w do not separate two letters with the same code
            last = code
    return "".join(out).ljust(4, "0")


@lru_cache(maxsize=262144)
def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insert, delete, substitute, or swap two neighbours."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > 3:
        return max(la, lb)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        for j in range(1, lb + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[lb]


@lru_cache(maxsize=262144)
def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1] (1 = identical); prefix bonus up to four letters."""
    if a == b:
        return 1.0 if a else 0.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    a_hit = [False] * la
    b_hit = [False] * lb
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(lb, i + window + 1)
        for j in range(lo, hi):
            if not b_hit[j] and b[j] == ch:
                a_hit[i] = b_hit[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i in range(la):
        if a_hit[i]:
            while not b_hit[j]:
                j += 1
            if a[i] != b[j]:
                transpositions += 1
            j += 1
    m = float(matches)
    jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def deletion_keys(name: str) -> set[str]:
    """The name and every string made by deleting one letter: two names within one edit share one."""
    keys = {name}
    if len(name) >= 3:
        keys.update(name[:i] + name[i + 1:] for i in range(len(name)))
    return keys
