"""Connections across family maps: the same person in several families, found, linked and shown.

* :mod:`.names` -- normalising names, the nickname table, Soundex, edit distance, Jaro-Winkler;
* :mod:`.matching` -- scoring two person records with a plain-English explanation, and the
  blocking :class:`~.matching.MatchIndex` that finds candidates among thousands fast;
* :mod:`.store` -- reading a file (records, decisions, who is in which family), and the two
  undoable edits: confirm a match (merge the records) and reject it (remembered);
* :mod:`.graph` -- the whole-file Connections view as a Graphviz-laid :class:`Drawing`.

No Qt anywhere in this package.
"""

from genomap.connections.matching import POSSIBLE, STRONG, Match, MatchIndex, PersonRecord, match_records

__all__ = ["POSSIBLE", "STRONG", "Match", "MatchIndex", "PersonRecord", "match_records"]
