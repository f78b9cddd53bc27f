"""Notifications: every mail the workflows send is also listed in the app."""


def includeme(config):
    pass
