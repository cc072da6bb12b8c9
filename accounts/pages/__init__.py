"""Portal pages of the accounts app: colleagues, activity, invitations and two-factor sign-in."""
