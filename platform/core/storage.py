"""Where uploaded files live: outside the web root, handed out only by views that check who asks."""


def private_storage():
    """settings.STORAGES["private"] (PRIVATE_MEDIA_ROOT); nothing there has a public URL."""
    from django.core.files.storage import storages

    return storages["private"]
