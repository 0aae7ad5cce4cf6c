"""Dock panels around the genogram: People, Details, Households, Agencies, Chronology."""
