"""A report's own Excel round trip: the statistics template the filler downloads (template.py) and
reading it back filled in, with a preview before anything is saved (upload.py). The district
summary's workbook is the summary's (reports/summary/workbook.py)."""
