"""The family strengthening programme: its case file, guards, effects and facts.

The engine never imports this package; ``workflow.bootstrap`` does, and the workflow
definitions in ``config/workflows`` refer to these functions by name.
"""
