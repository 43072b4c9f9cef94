"""handouts: structured patient-health handouts to accessible PDF/UA-1 print files."""

__version__ = "0.1.0"
