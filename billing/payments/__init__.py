"""Online payment through Mollie: checkout, webhook processing, refunds, receipts.

`mollie.py` is the only module that speaks Mollie's language (its client, amount strings and
errors); the services here work with our models and `Decimal` amounts.
"""
