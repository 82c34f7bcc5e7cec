"""年报体检: a report's score from the checks evaluators make (CASS index, 国办公开办函〔2021〕30号).

The checks and their weights are declared once, in checks.py; selectors.py computes them for one
report (the overview, the review page) or for every report of a year (the board's score column).
"""
