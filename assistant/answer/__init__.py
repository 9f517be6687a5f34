"""Question -> cited `Answer`: extractive (no model) by default, through a chat model when one is set."""
