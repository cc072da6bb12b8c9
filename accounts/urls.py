"""Sign-in, sign-out and password pages (un-namespaced, as Django names them) and `accounts:`.

Account pages run outside the database client scope (`client_scope_exempt`): they write
sessions, users, passwords and two-factor devices, which the portal's restricted role may not.
The organisation pages (colleagues, activity) are portal pages and run inside it.
"""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy

from accounts import views
from accounts.pages import activity, colleagues, invitation, two_factor
from accounts.scoping import client_scope_exempt as exempt

RESET = {
    "email_template_name": "registration/password_reset_email.txt",
    "subject_template_name": "registration/password_reset_subject.txt",
}

account_patterns = (
    [
        path("account/switch-client/", exempt(views.switch_client), name="switch_client"),
        path("account/language/", exempt(views.set_language), name="set_language"),
        path("account/two-factor/", exempt(two_factor.two_factor_settings), name="two_factor"),
        path("invitation/<str:token>/", exempt(invitation.invitation_accept), name="invitation"),
        path("colleagues/", colleagues.colleague_list, name="colleagues"),
        path("colleagues/invite/", colleagues.colleague_invite, name="colleague_invite"),
        path("colleagues/<int:pk>/role/", colleagues.colleague_set_role, name="colleague_role"),
        path("colleagues/<int:pk>/remove/", colleagues.colleague_remove, name="colleague_remove"),
        path(
            "colleagues/invitations/<int:pk>/withdraw/",
            colleagues.invitation_withdraw,
            name="invitation_withdraw",
        ),
        path("activity/", activity.activity_list, name="activity"),
    ],
    "accounts",
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", exempt(views.LoginView.as_view()), name="login"),
    path("login/code/", exempt(two_factor.login_code), name="login_code"),
    path("logout/", exempt(auth_views.LogoutView.as_view(next_page="login")), name="logout"),
    path(
        "password/change/",
        exempt(
            auth_views.PasswordChangeView.as_view(
                template_name="registration/portal_password_change.html",
                success_url=reverse_lazy("password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        exempt(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="registration/portal_password_change_done.html"
            )
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        exempt(auth_views.PasswordResetView.as_view(**RESET)),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        exempt(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        exempt(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        exempt(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("", include(account_patterns)),
]
