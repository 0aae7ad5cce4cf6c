"""Layout: family snapshot -> Graphviz dot -> positions. No Qt."""
