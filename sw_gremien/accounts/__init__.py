"""Accounts: login, logout, password reset, invitations and user administration."""


def includeme(config):
    pass
