"""PDF bytes → findings: what a screen reader and a printer get, checked against PDF/UA-1 and our own rules."""

from .checks import Expect, Report, verify_pdf

__all__ = ["Expect", "Report", "verify_pdf"]
