"""The head-office staff pages: server-rendered, each guarded by the roles it admits."""
