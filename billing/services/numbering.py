from billing.models import Issuer, NumberSequence


def number_next(*, issuer: Issuer, prefix: str, year: int) -> str:
    """Hand out the next number of a series, gap-free: the row stays locked until commit.

    Must run inside the transaction that stores the numbered document, so a rollback
    gives the number back.
    """
    series = f"{prefix}{year}-"
    # Create the series row if it is new; a concurrent creator waits, then does nothing.
    NumberSequence.objects.bulk_create(
        [NumberSequence(issuer=issuer, series=series)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(issuer=issuer, series=series)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"{series}{sequence.last_number:06d}"
