"""Exchange formats: GEDCOM, JSON, CSV. No Qt."""
