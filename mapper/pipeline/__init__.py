"""The check pipeline, a stage per module (see docs/DESIGN.md, "The check pipeline").

Not ``mapper/check/``: a subpackage of that name would replace the ``mapper.check`` function
on the package as soon as it is imported.
"""
