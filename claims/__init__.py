"""Stage 3: article claim ledgers, scored quarter by quarter against management's words and
numbers."""
