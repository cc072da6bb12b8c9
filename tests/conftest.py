import pytest

from tests.factories import ClientFactory, IssuerFactory


@pytest.fixture
def issuer(db):
    return IssuerFactory()


@pytest.fixture
def client_org(issuer):
    """A customer organisation (named so as not to clash with pytest-django's `client`)."""
    return ClientFactory(issuer=issuer)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let the test database's flush truncate the append-only audit tables (see accounts/0004)."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET app.audit_truncate = 'on'")
                cursor.execute("SET app.audit_truncate = 'on'")


@pytest.fixture
def admin_user(db):
    """A superuser with a confirmed authenticator (the back-office requires two-factor)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    user = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


@pytest.fixture
def admin_client(client, admin_user):
    """A browser signed in to the back-office as staff who passed two-factor sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = admin_user.totpdevice_set.get().persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Store files (issued PDFs, logos) in a fresh folder per test, so they can be counted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
