"""Concept-note and mission-report drafts: section plans -> evidence -> DOCX and Markdown."""
