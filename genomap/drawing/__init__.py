"""Renderer-agnostic drawing description of a genogram page. No Qt, no ReportLab."""
