"""Chasing payment: reminder schedules, overdue detection, recurring invoices, notifications."""
