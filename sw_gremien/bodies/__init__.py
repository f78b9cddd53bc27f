"""Bodies (Gremien) and memberships."""


def includeme(config):
    pass
