"""Change history and the change feed: who changed what, through which face, and when."""
