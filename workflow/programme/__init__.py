"""The family strengthening programme: its guards and effects, registered by name.

The engine never imports this package; ``workflow.bootstrap`` does, and the workflow
definitions in ``config/workflows`` refer to these functions by name.
"""
