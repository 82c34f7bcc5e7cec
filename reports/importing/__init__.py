"""Importing published reports: their text read into values and text parts by walking a format.

parser.parse_report (pure, never raises on a broken text) → services.report_import (stores an
imported, published AnnualReport) → signals.report_imported (after commit, for publishing).
"""
