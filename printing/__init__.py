"""Printed documents: warranty slips, certificates, claim tickets, labels and report PDFs."""
