"""Where data lives: the home folder, the SQLite engine, migrations, search and documents."""
