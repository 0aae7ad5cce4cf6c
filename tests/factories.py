"""Small helpers that build families in a real GenoMap file for tests.

Every helper writes through :meth:`Document.edit` (so the model rules apply)
and returns the new row's id.  Field values may be given as text the way a
practitioner types them: dates ("about 1985", "2019-06-05") and enum values
("female", "cohabiting") are converted.

    doc = make_document(tmp_path)
    case = add_case(doc)
    mum, dad, _ = add_couple(doc, case, {"given_names": "Ann"}, {"given_names": "Tom"})
    kid = add_child(doc, case, [mum, dad], given_names="Lily", birth="2019")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

import sqlalchemy as sa

from genomap.demo import typed_fields
from genomap.model.tables import Case, CaseMember, ParentLink, Partnership, Person
from genomap.store.document import Document


def make_document(tmp_path: Path, name: str = "test.genomap") -> Document:
    """A new, empty GenoMap file in ``tmp_path`` (close it, or use ``with``)."""
    return Document.create(Path(tmp_path) / name)


def add_row(doc: Document, model: type, **fields: Any):
    """Insert one row of ``model`` and return its id (a tuple for two-column keys)."""
    row = model(**typed_fields(model, fields))

    def write(session):
        session.add(row)

    doc.edit(f"Add {model.__name__}", write)
    key = sa.inspect(row).identity
    return key[0] if len(key) == 1 else key


def update_row(doc: Document, model: type, row_id: int, **fields: Any) -> None:
    """Change fields of one row."""
    values = typed_fields(model, fields)

    def write(session):
        row = session.get(model, row_id)
        for k, v in values.items():
            setattr(row, k, v)

    doc.edit(f"Edit {model.__name__}", write)


def add_case(doc: Document, title: str = "Test family", **fields: Any) -> int:
    return add_row(doc, Case, title=title, **fields)


def add_person(
    doc: Document, case_id: Optional[int], *, subject: bool = False, role: str = "", **fields: Any
) -> int:
    """A person, joined to ``case_id`` (unless None)."""
    person = Person(**typed_fields(Person, fields))

    def write(session):
        session.add(person)
        session.flush()
        if case_id is not None:
            session.add(
                CaseMember(case_id=case_id, person_id=person.id, is_subject=subject, role=role)
            )

    doc.edit("Add person", write)
    return person.id


def _person(doc: Document, case_id: Optional[int], who: int | dict | None, default_sex: str) -> int:
    if isinstance(who, int):
        return who
    fields = {"sex": default_sex, **(who or {})}
    return add_person(doc, case_id, **fields)


def add_couple(
    doc: Document,
    case_id: Optional[int],
    a: int | dict | None = None,
    b: int | dict | None = None,
    **partnership: Any,
) -> tuple[int, int, int]:
    """Two people (existing ids, or dicts of fields for new people) and their partnership.

    Returns ``(a_id, b_id, partnership_id)``.
    """
    a_id = _person(doc, case_id, a, "female")
    b_id = _person(doc, case_id, b, "male")
    pid = add_row(doc, Partnership, person_a_id=a_id, person_b_id=b_id, **partnership)
    return a_id, b_id, pid


def add_child(
    doc: Document,
    case_id: Optional[int],
    parents: Iterable[int],
    kind: str = "biological",
    **fields: Any,
) -> int:
    """A new person with a parent link of ``kind`` from each of ``parents``."""
    child = add_person(doc, case_id, **fields)
    for parent in parents:
        add_parent_link(doc, parent, child, kind=kind)
    return child


def add_parent_link(doc: Document, parent: int, child: int, **fields: Any) -> int:
    return add_row(doc, ParentLink, parent_id=parent, child_id=child, **fields)


def demo_snapshots(tmp_path: Path) -> list:
    """The snapshots of the demo file's family maps (built fresh in ``tmp_path``), in case order."""
    from genomap.demo import build_demo
    from genomap.store import repository
    from genomap.store.files import create_document

    with create_document(Path(tmp_path) / "demo.genomap") as doc:
        build_demo(doc)
        with doc.read() as session:
            ids = [c.id for c in repository.list_cases(session)]
        return [doc.snapshot(i) for i in ids]
