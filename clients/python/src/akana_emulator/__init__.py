"""A small client for akana-emulator and the pytest plugin built on it (see README.md)."""

from .client import AkanaClient, AkanaError
from .emulator import Checkpoint, Emulator, Instance

__all__ = ["AkanaClient", "AkanaError", "Checkpoint", "Emulator", "Instance"]
