"""Bridges from mapper's checks to other data-quality tools (optional extras).

Nothing here is imported by ``import mapper``: each bridge imports its tool only when used, so
the core install stays light. ``mapper.integrations.gx``: great-expectations (``mapper[gx]``).
"""
