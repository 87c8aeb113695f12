"""Question banks: the data model, loading and validation (pure Python, no I/O beyond reading files)."""

from voiceprep.bank.loader import load_bank_file, load_banks, load_default_banks
from voiceprep.bank.model import Bank, BankSet, Category, Check, Guidance, KeyPoint, Problem, Question, Round

__all__ = [
    "Bank", "BankSet", "Category", "Check", "Guidance", "KeyPoint", "Problem", "Question", "Round",
    "load_bank_file", "load_banks", "load_default_banks",
]
