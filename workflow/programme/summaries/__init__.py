"""The face of summaries/: what the rest of the code may use of it.

The printable case summary (for the guardianship commission or a case conference): a
family's file and its newest notes as one reader may read them, gathered from the
families' and the notes' own queries; the web page (web/cases/summary.py) and
``hogatar family summary`` show it."""

from workflow.programme.summaries.summary import PRINTED, RECENT_NOTES, case_summary

__all__ = ["PRINTED", "RECENT_NOTES", "case_summary"]
