"""The interview app: the Textual screens and the interview data they are built from."""
