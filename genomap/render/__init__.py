"""Renderers that read a Drawing: PDF (ReportLab), SVG. No Qt."""
