"""Small custom-painted widgets (QPainter: PySide6-Essentials has no QtCharts)."""
