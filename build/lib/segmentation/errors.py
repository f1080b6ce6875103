"""Errors a user can cause, with messages a marketer understands."""

from __future__ import annotations


class SegmentationError(Exception):
    """Base class: something in the file or the settings that the user can fix.

    ``setting`` names the choice that fixes it (``"decimal"``, ``"currency"``, ``"dayfirst"``,
    ``"map"``): each face says in its own words where that choice is made.
    """

    def __init__(self, message: str = "", *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class FileReadError(SegmentationError):
    """The file cannot be read as a table (format, encoding, size, damage)."""


class ColumnError(SegmentationError):
    """A column role (customer id, date, ...) cannot be found or used."""


class DataError(SegmentationError):
    """The values do not allow segmentation (bad dates, nothing left, no spread)."""


class SettingsError(SegmentationError):
    """A setting is impossible for this data (k too large, invalid transform, ...)."""
