"""Checked handouts → targets built in workers, verified, written atomically to output/, with the manifest, library page and status."""
