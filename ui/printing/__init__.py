"""Printing from the counter app: receipt jobs on a worker, PDFs through the system printers."""
