"""The head-office portal (Django): receives every branch's sync, projects it, serves staff."""
