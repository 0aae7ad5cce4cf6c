"""Domain model: tables, enums, partial dates and the rules every path enforces. No Qt here."""
