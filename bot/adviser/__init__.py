"""Everything for UWV advisers: accounts, sessions, reports by share code, the overview."""
