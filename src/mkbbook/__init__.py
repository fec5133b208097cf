"""Reusable code for the analysis book on mkb digitalisation in the Utrecht region.

Notebooks only call functions from this package; everything that reads,
computes or charts lives here so that it can be unit tested.
"""

__version__ = "0.1.0"
