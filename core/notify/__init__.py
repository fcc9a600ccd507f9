"""Notifications between processes: a write announces that something changed (in its own
transaction, so the announcement is heard only once it committed); followers wake and re-read.
A notification carries no data a follower trusts: it only says "look again"."""
