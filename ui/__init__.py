"""The counter app: PySide6 windows, screens, widgets and device readers."""
