"""The one error every decoder raises: a document that cannot be read, with its file named.

It lives here, below every decoder, so that graph/textio.py (the entry point)
and each format module can share it without importing one another.
"""

from __future__ import annotations


class DocumentError(Exception):
    """A document that cannot be read or understood; names the file."""

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem
