"""Questions asked of a family map over time: chronology, moves, risk reach. Pure, no Qt."""
