"""Test and benchmark helpers: generated families and sample drawings. No Qt."""
