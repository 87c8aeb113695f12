"""Answer analysis: pure functions over a transcript and a bank question (no Qt, no audio)."""
